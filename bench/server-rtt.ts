// Sequential round trips per second through one keep-alive connection, server in a
// separate process, client a raw socket writing fixed bytes: warren's server against
// node:http's, same client, same run. Median of several rounds.

import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { TempServer } from '../src/testing/index.js';

const quick = process.argv.includes('--quick');
const ROUND_MS = quick ? 300 : 2000;
const ROUNDS = quick ? 2 : 5;

const REQUEST = Buffer.from('GET /example HTTP/1.1\r\nHost: bench\r\n\r\n');

/** Round trips in `ms` on one connection to a Unix socket `path`; a response ends when its 12-byte body is in. */
async function roundTrips(path: string, ms: number): Promise<number> {
  const socket = connect(path);
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  let count = 0;
  let pending = '';
  const end = Date.now() + ms;
  await new Promise<void>((resolve, reject) => {
    socket.on('close', () => reject(new Error(`the server closed the connection after ${count} round trips`)));
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      if (!pending.endsWith('hello, world')) return;
      pending = '';
      count++;
      if (Date.now() >= end) return resolve();
      socket.write(REQUEST);
    });
    socket.write(REQUEST);
  });
  socket.destroy();
  return count / (ms / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  const warren = await TempServer.startWith({
    address: join(dir, 'warren.sock'),
    module: new URL('./lib/apps.js', import.meta.url),
    exportName: 'hello',
    options: { maxRequestsPerConnection: 1e9, keepAliveTimeout: 600_000 },
  });
  const nodePath = join(dir, 'node.sock');
  const node = fork(new URL('./lib/node-http-child.js', import.meta.url), [nodePath]);
  const rawPath = join(dir, 'raw.sock');
  const raw = fork(new URL('./lib/node-http-child.js', import.meta.url), [rawPath, 'raw']);
  await Promise.all([node, raw].map((child) => new Promise((resolve) => child.once('message', resolve))));
  const targets: Record<string, string> = { 'raw net': rawPath, warren: warren.address as string, 'node:http': nodePath };
  const results: Record<string, number[]> = {};
  for (const [name, path] of Object.entries(targets)) {
    results[name] = [];
    await roundTrips(path, 200);
  }
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, path] of Object.entries(targets)) results[name]!.push(await roundTrips(path, ROUND_MS));
  }
  await warren.close();
  node.kill();
  raw.kill();
  console.log(`${cpus()[0]?.model} x${cpus().length}, node ${process.version}; raw-socket client, GET /example over a Unix socket`);
  for (const [name, values] of Object.entries(results)) {
    console.log(`${name.padEnd(10)} ${Math.round(median(values)).toString().padStart(7)} round trips/s (min ${Math.round(Math.min(...values))}, max ${Math.round(Math.max(...values))})`);
  }
  console.log(`ratio warren / node:http: ${(median(results['warren']!) / median(results['node:http']!)).toFixed(2)}x`);
  console.log(`ratio warren / raw net:   ${(median(results['warren']!) / median(results['raw net']!)).toFixed(2)}x`);
}

await main();
