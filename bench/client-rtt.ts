// Sequential round trips per second through one keep-alive connection over a Unix socket,
// servers in separate processes, clients in this one, same run: warren client -> warren
// server, node:http client (http.Agent keep-alive) -> node:http server, undici Client ->
// node:http server, and the mixed pairs that show each side's cost. Median of rounds.

import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as UndiciClient } from 'undici';
import { Client } from '../src/index.js';
import { TempServer } from '../src/testing/index.js';

const quick = process.argv.includes('--quick');
const ROUND_MS = quick ? 300 : 2000;
const ROUNDS = quick ? 2 : 5;

type Driver = { name: string; run: (ms: number) => Promise<number>; close: () => Promise<void> };

async function warrenClient(path: string): Promise<Driver> {
  const conn = await new Client(path, { host: 'bench' }).connect();
  return {
    name: 'warren client',
    run: async (ms) => {
      let n = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const response = await conn.get('/example');
        await response.body?.bytes();
        n++;
      }
      return n / (ms / 1000);
    },
    close: async () => conn.close(),
  };
}

async function nodeClient(path: string): Promise<Driver> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ socketPath: path, path: '/example', agent, headers: { host: 'bench' } }, (res) => {
        res.on('data', () => {});
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  return {
    name: 'node:http client',
    run: async (ms) => {
      let n = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await once();
        n++;
      }
      return n / (ms / 1000);
    },
    close: async () => agent.destroy(),
  };
}

async function undiciClient(path: string): Promise<Driver> {
  const client = new UndiciClient('http://bench', { socketPath: path, pipelining: 1 });
  return {
    name: 'undici Client',
    run: async (ms) => {
      let n = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const { body } = await client.request({ path: '/example', method: 'GET' });
        await body.arrayBuffer();
        n++;
      }
      return n / (ms / 1000);
    },
    close: () => client.close(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  const warren = await TempServer.startWith({ address: join(dir, 'warren.sock'), module: new URL('./lib/apps.js', import.meta.url), exportName: 'hello', options: { maxRequestsPerConnection: 1e9, keepAliveTimeout: 600_000 } });
  const nodePath = join(dir, 'node.sock');
  const node = fork(new URL('./lib/node-http-child.js', import.meta.url), [nodePath]);
  await new Promise((resolve) => node.once('message', resolve));
  const warrenPath = warren.address as string;
  const pairs: [string, () => Promise<Driver>][] = [
    ['warren -> warren', () => warrenClient(warrenPath)],
    ['node:http -> node:http', () => nodeClient(nodePath)],
    ['undici -> node:http', () => undiciClient(nodePath)],
    ['undici -> warren', () => undiciClient(warrenPath)],
    ['warren -> node:http', () => warrenClient(nodePath)],
  ];
  const drivers = new Map<string, Driver>();
  for (const [name, make] of pairs) {
    const driver = await make();
    await driver.run(200);
    drivers.set(name, driver);
  }
  const results = new Map<string, number[]>(pairs.map(([name]) => [name, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, driver] of drivers) results.get(name)!.push(await driver.run(ROUND_MS));
  }
  for (const driver of drivers.values()) await driver.close();
  await warren.close();
  node.kill();
  console.log(`${cpus()[0]?.model} x${cpus().length}, node ${process.version}; sequential GET /example, one keep-alive connection, Unix socket, median of ${ROUNDS} x ${ROUND_MS} ms`);
  for (const [name, values] of results) {
    console.log(`${name.padEnd(24)} ${Math.round(median(values)).toString().padStart(7)} round trips/s (min ${Math.round(Math.min(...values))}, max ${Math.round(Math.max(...values))})`);
  }
  const w = median(results.get('warren -> warren')!);
  console.log(`ratio warren<->warren / node:http<->node:http: ${(w / median(results.get('node:http -> node:http')!)).toFixed(2)}x`);
  console.log(`ratio warren<->warren / undici->node:http:    ${(w / median(results.get('undici -> node:http')!)).toFixed(2)}x`);
}

await main();
