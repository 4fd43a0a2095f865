// An iolist body against the same page joined by the program first: prepare() and the
// writes of one response, into a sink that drops them, so what is left is framing and
// copying. Three pages: a small one (16 rows, 82 pieces, ~0.7 KiB), a large one (400
// rows, 2,002 pieces, ~18 KiB) and one around a 1 MiB Uint8Array, which the iolist passes
// without a copy. The program's own join is strings.join('') (Buffer.concat with bytes).
// Each figure is the median of several rounds, in µs per response.
//
//   node dist/bench/iolist.js [--quick] [--json FILE]

import { writeFileSync } from 'node:fs';
import { Connection } from '../src/protocol/index.js';
import type { IoList } from '../src/transport/body.js';
import { bodyWithHead, prepare, writeMessage, type Sink } from '../src/transport/outgoing.js';
import { benchArgs } from './lib/args.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';

const USAGE = `usage: node dist/bench/iolist.js [--quick] [--json FILE]
  --quick      a few short rounds: a smoke test, the numbers mean nothing
  --json FILE  also write the results as JSON`;

const { quick, json: jsonPath } = benchArgs('iolist', USAGE, process.argv.slice(2));

const sink: Sink = { write: () => true, drain: () => Promise.resolve() };

function page(rows: number, extra?: Uint8Array): IoList {
  const list: IoList[] = [];
  for (let i = 0; i < rows; i++) list.push(['<tr><td>', String(i), '</td><td>', `task number ${i} é`, '</td></tr>\n']);
  return ['<!doctype html><table>', list, extra ?? '', '</table>'];
}

/** The page as one string (how a program without iolists builds it), or as one Buffer when it holds bytes. */
function join(list: IoList): string | Buffer {
  const strings: string[] = [];
  let bytes = false;
  const flat = (l: IoList): void => {
    for (const p of l) {
      if (typeof p === 'string') strings.push(p);
      else if (p instanceof Uint8Array) bytes = true;
      else flat(p);
    }
  };
  flat(list);
  if (!bytes) return strings.join('');
  const parts: Buffer[] = [];
  const walk = (l: IoList): void => {
    for (const p of l) {
      if (typeof p === 'string') parts.push(Buffer.from(p));
      else if (p instanceof Uint8Array) parts.push(Buffer.from(p.buffer, p.byteOffset, p.byteLength));
      else walk(p);
    }
  };
  walk(list);
  return Buffer.concat(parts);
}

function respond(body: IoList | string | Buffer): void {
  const conn = new Connection('server');
  conn.receive(Buffer.from('GET / HTTP/1.1\r\nHost: t\r\n\r\n'));
  conn.nextEvent();
  conn.nextEvent();
  const { fields, plan } = prepare({ 'content-type': 'text/html' }, body, true, true);
  const head = conn.send({ type: 'response', status: 200, fields, body: bodyWithHead(plan) });
  writeMessage(conn, head, plan, sink);
}

/** The median µs per call of `run` over `rounds` rounds of `calls` calls, after a warm-up round. */
function time(run: () => void, calls: number, rounds: number): number {
  for (let i = 0; i < calls; i++) run();
  const each: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) run();
    each.push(Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  return each.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const machine = thisMachine();
console.log(machineLine(machine));
console.log(`mode: ${quick ? 'quick (a smoke test: the numbers mean nothing)' : 'full'}; µs per response, median of rounds; lower is better`);
const pages: [string, IoList, number][] = [
  ['small page (16 rows)', page(16), 4_000],
  ['large page (400 rows)', page(400), 400],
  ['1 MiB Uint8Array among 16 rows', page(16, new Uint8Array(1 << 20)), 100],
];
const results: { name: string; iolistUs: number; joinedUs: number }[] = [];
for (const [name, list, calls] of pages) {
  const n = quick ? Math.ceil(calls / 40) : calls;
  const rounds = quick ? 3 : 7;
  const iolistUs = time(() => respond(list), n, rounds);
  const joinedUs = time(() => respond(join(list)), n, rounds);
  results.push({ name, iolistUs, joinedUs });
  console.log(`${name.padEnd(32)} iolist ${iolistUs.toFixed(2).padStart(9)}   joined first ${joinedUs.toFixed(2).padStart(9)}`);
}
if (jsonPath !== null) writeFileSync(jsonPath, `${JSON.stringify({ mode: quick ? 'quick' : 'full', machine, commit: gitCommit(), unit: 'µs/response', results }, null, 2)}\n`);
