// staticFiles() on loopback, one process: a warren Server and warren's Client on one
// keep-alive connection, requests one after another. What a file costs over the same
// bytes answered from memory (realpath, stat, open, fstat, read, close per request), a
// 304 revalidation (no open), and a 32 MiB download's MB/s with the RSS it adds (the
// client's garbage included: both ends are in this process).
//
//   node dist/bench/static.js [--quick]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Server, type App, type ClientConnection } from '../src/index.js';
import { staticFiles, toResponse } from '../src/app/index.js';
import { withTimeout } from './lib/timeout.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.1 : 0.5;
/** Rounds, each running every case in turn: the machine's load shifts, so the cases share it and the median is reported. */
const ROUNDS = quick ? 1 : 9;
const BIG = 32 * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'warren-bench-static-'));
const css = Buffer.from('body { margin: 0; font: 16px/1.4 system-ui }\n'.repeat(20));
writeFileSync(join(dir, 'app.css'), css);
writeFileSync(join(dir, 'big.bin'), randomBytes(BIG));
const files = staticFiles(dir);
const app: App = async (session, request, bodies) => {
  if (request.path[0] === 'memory') return { status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: css };
  return toResponse(await files(session, request, bodies));
};

async function rate(conn: ClientConnection, uri: string, headers: Record<string, string>, expect: number): Promise<number> {
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  while (performance.now() < until) {
    const response = await withTimeout(conn.get(uri, headers), 10_000, `GET ${uri}`);
    if (response.status !== expect) throw new Error(`GET ${uri} answered ${response.status}, not ${expect}`);
    if (response.body !== null) await response.body.bytes();
    n++;
  }
  return n / SECONDS;
}

const server = await new Server(['127.0.0.1', 0], app, { maxRequestsPerConnection: 10_000_000 }).listen();
try {
  const conn = await withTimeout(new Client(server.address).connect(), 10_000, 'connect');
  const etag = (await conn.get('/app.css')).headers['etag']!;
  await rate(conn, '/app.css', {}, 200); // warm-up
  const rounds: { memory: number[]; file: number[]; notModified: number[] } = { memory: [], file: [], notModified: [] };
  for (let i = 0; i < ROUNDS; i++) {
    rounds.memory.push(await rate(conn, '/memory', {}, 200));
    rounds.file.push(await rate(conn, '/app.css', {}, 200));
    rounds.notModified.push(await rate(conn, '/app.css', { 'if-none-match': etag }, 304));
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const [memory, file, notModified] = [median(rounds.memory), median(rounds.file), median(rounds.notModified)];
  const rss = process.memoryUsage().rss;
  const start = performance.now();
  const response = await withTimeout(conn.get('/big.bin'), 10_000, 'GET big.bin');
  let received = 0;
  let peak = rss;
  for await (const piece of response.body as AsyncIterable<Uint8Array>) {
    received += piece.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = performance.now() - start;
  if (received !== BIG) throw new Error(`received ${received} of ${BIG} bytes`);
  conn.close();
  const line = (name: string, value: string): void => console.log(`${name.padEnd(44)} ${value}`);
  console.log(`staticFiles on loopback, Node ${process.version}, one connection, median of ${ROUNDS} interleaved rounds of ${SECONDS} s${quick ? ' (quick)' : ''}`);
  line(`${css.length} B from memory (no file system)`, `${Math.round(memory)} req/s`);
  line(`${css.length} B file through staticFiles`, `${Math.round(file)} req/s (${((file / memory) * 100).toFixed(0)}% of memory)`);
  line('304 revalidation (If-None-Match)', `${Math.round(notModified)} req/s`);
  line('32 MiB file', `${((BIG / 1024 / 1024) / (ms / 1000)).toFixed(0)} MiB/s, RSS +${((peak - rss) / 1024 / 1024).toFixed(1)} MiB at its peak`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
