// staticFiles() on loopback, one process: a warren Server and warren's Client on one
// keep-alive connection, requests one after another. What a file costs over the same
// bytes answered from memory (realpath, stat, open, fstat, read, close per request), a
// 304 revalidation (no open), and a 32 MiB download's MiB/s with the RSS it adds (the
// client's garbage included: both ends are in this process). The machine's load shifts,
// so the cases run in interleaved rounds and the median is reported.
//
//   node dist/bench/static.js [--quick] [--json FILE]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Server, type App, type ClientConnection } from '../src/index.js';
import { staticFiles, toResponse } from '../src/app/index.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { withTimeout } from './lib/timeout.js';

const USAGE = 'usage: node dist/bench/static.js [--quick] [--json FILE]';

function args(): { quick: boolean; jsonFile: string | undefined } {
  const argv = process.argv.slice(2);
  let quick = false;
  let jsonFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--json' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) jsonFile = argv[++i];
    else {
      console.error(USAGE);
      process.exit(2);
    }
  }
  return { quick, jsonFile };
}

const { quick, jsonFile } = args();
const plan = quick ? { seconds: 0.05, rounds: 1, bigBytes: 4 * 1024 * 1024 } : { seconds: 0.5, rounds: 9, bigBytes: 32 * 1024 * 1024 };

const dir = mkdtempSync(join(tmpdir(), 'warren-bench-static-'));
const css = Buffer.from('body { margin: 0; font: 16px/1.4 system-ui }\n'.repeat(20));
writeFileSync(join(dir, 'app.css'), css);
writeFileSync(join(dir, 'big.bin'), randomBytes(plan.bigBytes));
const files = staticFiles(dir);
const app: App = async (session, request, bodies) => {
  if (request.path[0] === 'memory') return { status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: css };
  return toResponse(await files(session, request, bodies));
};

/** Requests a second on `conn`, for plan.seconds. */
async function rate(conn: ClientConnection, uri: string, headers: Record<string, string>, expect: number): Promise<number> {
  const until = performance.now() + plan.seconds * 1000;
  let n = 0;
  while (performance.now() < until) {
    const response = await withTimeout(conn.get(uri, headers), 10_000, `GET ${uri}`);
    if (response.status !== expect) throw new Error(`GET ${uri} answered ${response.status}, not ${expect}`);
    if (response.body !== null) await response.body.bytes();
    n++;
  }
  return n / plan.seconds;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const server = await new Server(['127.0.0.1', 0], app, { maxRequestsPerConnection: 10_000_000 }).listen();
try {
  const machine = thisMachine();
  console.log('warren static-files bench: staticFiles() against the same bytes from memory, one loopback connection, client and server in one process');
  console.log(machineLine(machine));
  console.log(`mode: ${quick ? 'quick (numbers are not meaningful)' : 'full'}: median of ${plan.rounds} interleaved rounds of ${plan.seconds} s`);
  const conn = await withTimeout(new Client(server.address).connect(), 10_000, 'connect');
  const etag = (await conn.get('/app.css')).headers['etag']!;
  await rate(conn, '/app.css', {}, 200); // warm-up
  const runs: { memory: number[]; file: number[]; notModified: number[] } = { memory: [], file: [], notModified: [] };
  for (let i = 0; i < plan.rounds; i++) {
    runs.memory.push(await rate(conn, '/memory', {}, 200));
    runs.file.push(await rate(conn, '/app.css', {}, 200));
    runs.notModified.push(await rate(conn, '/app.css', { 'if-none-match': etag }, 304));
  }
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
  if (received !== plan.bigBytes) throw new Error(`received ${received} of ${plan.bigBytes} bytes`);
  conn.close();
  const [memory, file, notModified] = [median(runs.memory), median(runs.file), median(runs.notModified)];
  const mib = plan.bigBytes / 1024 / 1024;
  const download = { mib, mibPerSecond: mib / (ms / 1000), rssPeakMiB: (peak - rss) / 1024 / 1024 };
  const line = (name: string, value: string): void => console.log(`  ${name.padEnd(42)} ${value}`);
  line(`${css.length} B from memory (no file system)`, `${Math.round(memory)} req/s`);
  line(`${css.length} B file through staticFiles`, `${Math.round(file)} req/s (${((file / memory) * 100).toFixed(0)}% of memory)`);
  line('304 revalidation (If-None-Match)', `${Math.round(notModified)} req/s`);
  line(`${mib} MiB file`, `${download.mibPerSecond.toFixed(0)} MiB/s, RSS +${download.rssPeakMiB.toFixed(1)} MiB at its peak`);
  if (jsonFile !== undefined) {
    const report = { bench: 'warren-static', mode: quick ? 'quick' : 'full', commit: gitCommit(), machine, plan, requestsPerSecond: { memory, file, notModified }, runs, download };
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
