// WebSocket echo round trips per second: warren handing its 101 to ws, against ws's own
// WebSocketServer on node:http, each server in a child process, the same ws client for
// both. Echo rows time 32-byte messages sent one after the other on 1 connection, and on
// 50 at once; the handshake row times connect + 101 + close, one after the other. After
// the handshake both servers run the same ws code on a raw socket: the echo ratio shows
// what the hand-off costs (nothing should), the handshake ratio what warren's HTTP costs.
//
//   node dist/bench/websocket.js [--quick] [--json FILE]

import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { benchArgs } from './lib/args.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { stopChild } from './lib/servers.js';
import { isNoisy, spread, tableHeader, tableRow, type Spread } from './lib/stats.js';

const USAGE = `usage: node dist/bench/websocket.js [--quick] [--json FILE]
  --quick      a few short rounds, for smoke tests (numbers are not meaningful)
  --json FILE  also write the results as JSON`;

const options = benchArgs('websocket', USAGE, process.argv.slice(2));
const RUNS = options.quick ? 1 : 6;
const MS = options.quick ? 150 : 2000;
const KINDS = ['warren', 'node:http'] as const;
type Kind = (typeof KINDS)[number];
const MESSAGE = Buffer.alloc(32, 'w');

async function start(kind: Kind): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(fileURLToPath(new URL('./lib/websocket-child.js', import.meta.url)), [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [report] = (await once(child, 'message')) as [{ port?: number; error?: string }];
  if (report.port === undefined) throw new Error(`the ${kind} server did not start: ${report.error}`);
  return { port: report.port, child };
}

async function open(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: false });
  await once(ws, 'open');
  return ws;
}

/** Round trips per second over `connections` sockets, each sending the next message when the last came back. */
async function echo(port: number, connections: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(port)));
  let count = 0;
  const until = performance.now() + MS;
  const started = performance.now();
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.on('message', (data: Buffer) => {
            if (data.length !== MESSAGE.length) throw new Error(`an echo of ${data.length} bytes, not ${MESSAGE.length}`);
            count++;
            if (performance.now() < until) ws.send(MESSAGE);
            else resolve();
          });
          ws.send(MESSAGE);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(sockets.map((ws) => (ws.close(), once(ws, 'close'))));
  return count / seconds;
}

/** Handshakes per second: open, then close, one after the other. */
async function handshakes(port: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < MS) {
    const ws = await open(port);
    ws.terminate();
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}

const CASES: readonly { name: string; run: (port: number) => Promise<number>; unit: string }[] = [
  { name: 'echo, 1 connection', run: (port) => echo(port, 1), unit: 'round trips/s' },
  { name: 'echo, 50 connections', run: (port) => echo(port, 50), unit: 'round trips/s' },
  { name: 'handshake + close', run: handshakes, unit: 'connections/s' },
];

const servers = new Map<Kind, { port: number; child: ChildProcess }>();
for (const kind of KINDS) servers.set(kind, await start(kind));
console.log(machineLine(thisMachine()));
console.log(`WebSocket echo through ws: warren's 101 vs ws's WebSocketServer on node:http; ${RUNS} run(s) of ${MS} ms, median`);
const results: Record<string, Record<Kind, Spread> & { ratio: number }> = {};
try {
  for (const c of CASES) {
    const samples: Record<Kind, number[]> = { warren: [], 'node:http': [] };
    // Rounds interleave the servers, in alternating order, so a change of load (or a warm
    // client) favours neither.
    for (let run = 0; run < RUNS; run++) {
      for (const kind of run % 2 === 0 ? KINDS : [...KINDS].reverse()) samples[kind].push(await c.run(servers.get(kind)!.port));
    }
    const row = { warren: spread(samples.warren), 'node:http': spread(samples['node:http']) };
    const ratio = row.warren.median / row['node:http'].median;
    results[c.name] = { ...row, ratio };
    console.log(`\n${c.name}\n${tableHeader('server')}`);
    for (const kind of KINDS) console.log(tableRow(kind, row[kind], c.unit, isNoisy(row[kind]) ? '  noisy' : ''));
    console.log(`ratio warren/node:http ${ratio.toFixed(2)}`);
  }
} finally {
  await Promise.all([...servers.values()].map(({ child }) => stopChild(child)));
}
if (options.json !== null) writeFileSync(options.json, JSON.stringify({ mode: options.quick ? 'quick' : 'full', commit: gitCommit(), machine: thisMachine(), results }, null, 2));
