// An iolist body against the same page joined by the program first: prepare() and the
// writes of one response, into a sink that drops them, so what is left is framing and
// copying. Three pages: a small one (16 rows, 82 pieces, ~0.7 KiB), a large one (400
// rows, 2,002 pieces, ~18 KiB) and one around a 1 MiB Uint8Array, which the iolist passes
// without a copy. The program's own join is strings.join('') (Buffer.concat with bytes).
//
//   node dist/bench/iolist.js [--quick]

import { Connection } from '../src/protocol/index.js';
import type { IoList } from '../src/transport/body.js';
import { bodyWithHead, prepare, writeMessage, type Sink } from '../src/transport/outgoing.js';

const quick = process.argv.includes('--quick');
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

function time(what: string, run: () => void, rounds: number): number {
  for (let i = 0; i < rounds / 10; i++) run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) run();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / rounds;
  console.log(`${what.padEnd(56)} ${us.toFixed(2).padStart(9)} µs/response`);
  return us;
}

const pages: [string, IoList, number][] = [
  ['small page (16 rows)', page(16), 20_000],
  ['large page (400 rows)', page(400), 2_000],
  ['1 MiB Uint8Array among 16 rows', page(16, new Uint8Array(1 << 20)), 500],
];
for (const [name, list, rounds] of pages) {
  const n = quick ? Math.ceil(rounds / 10) : rounds;
  time(`${name}: iolist`, () => respond(list), n);
  time(`${name}: joined first`, () => respond(join(list)), n);
}
