// Multipart parsing speed and upload memory: warren's MultipartParser against busboy in the
// same run, on a 64 MiB file part held in memory and fed in 64 KiB pieces, median of the
// runs (MB/s = 10^6 bytes a second). Two payloads: random bytes, and text of short CRLF
// lines (many CRs, each a delimiter candidate). Then the RSS growth of a 64 MiB upload
// through form() (in memory, and through a real Server) against `new Request().formData()`,
// each in a fresh child process.
//
//   node dist/bench/multipart.js [--quick]

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import busboy from 'busboy';
import { MultipartParser, DEFAULT_FORM_LIMITS } from '../src/app/index.js';
import { median } from './lib/stats.js';
import { machineLine, thisMachine } from './lib/machine.js';

const quick = process.argv.includes('--quick');
for (const arg of process.argv.slice(2)) {
  if (arg !== '--quick') {
    console.error(`unknown argument ${JSON.stringify(arg)}: multipart.js takes only --quick`);
    process.exit(2);
  }
}
const MIB = 1024 * 1024;
const FILE = (quick ? 4 : 64) * MIB;
const PIECE = 64 * 1024;
const RUNS = quick ? 3 : 9;
const BOUNDARY = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
const LIMITS = { ...DEFAULT_FORM_LIMITS, maxBytes: 2 * FILE, maxFileBytes: 2 * FILE };

function body(file: Uint8Array): Uint8Array[] {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const whole = Buffer.concat([head, file, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < whole.length; at += PIECE) pieces.push(whole.subarray(at, at + PIECE));
  return pieces;
}

function warren(pieces: readonly Uint8Array[]): number {
  const parser = new MultipartParser(BOUNDARY, LIMITS);
  let got = 0;
  for (const piece of pieces) {
    parser.receive(piece);
    for (let e = parser.next(); e !== 'need-data'; e = parser.next()) if (e.type === 'data') got += e.bytes.length;
  }
  parser.end();
  if (parser.next() === 'need-data') throw new Error('the parser did not finish');
  return got;
}

async function withBusboy(pieces: readonly Uint8Array[]): Promise<number> {
  const bb = busboy({ headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, limits: { fileSize: Infinity } });
  let got = 0;
  bb.on('file', (_name, stream) => stream.on('data', (d: Buffer) => (got += d.length)));
  bb.on('field', (_name, value: string) => (got += value.length));
  const closed = once(bb, 'close');
  for (const piece of pieces) if (!bb.write(piece)) await once(bb, 'drain');
  bb.end();
  await closed;
  return got;
}

async function mbps(run: () => number | Promise<number>, bytes: number): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const got = await run();
    const ns = Number(process.hrtime.bigint() - start);
    if (got < FILE) throw new Error(`a run saw ${got} bytes of ${FILE}`);
    rates.push(bytes / (ns / 1e9) / 1e6);
  }
  return median(rates);
}

console.log(machineLine(thisMachine()));
console.log(`node ${process.version}; a ${FILE / MIB} MiB file part in ${PIECE / 1024} KiB pieces, median of ${RUNS} runs`);
console.log('payload            warren MB/s  busboy MB/s  warren/busboy');
const random = randomBytes(FILE);
const lines = Buffer.alloc(FILE);
for (let i = 0; i < FILE; i++) lines[i] = i % 40 === 38 ? 0x0d : i % 40 === 39 ? 0x0a : 0x61 + (i % 26);
for (const [name, file] of [['random bytes', random], ['40-byte CRLF lines', lines]] as const) {
  const pieces = body(file);
  const bytes = pieces.reduce((n, p) => n + p.length, 0);
  // Interleaved, so that both meet the same machine: warmed up once each first.
  warren(pieces);
  await withBusboy(pieces);
  const w = await mbps(() => warren(pieces), bytes);
  const b = await mbps(() => withBusboy(pieces), bytes);
  console.log(`${name.padEnd(18)} ${w.toFixed(0).padStart(11)}  ${b.toFixed(0).padStart(11)}  ${(w / b).toFixed(2).padStart(13)}`);
}

console.log(`\nRSS growth of one ${FILE / MIB} MiB upload (fresh process each, peak RSS minus the baseline)`);
const child = fileURLToPath(new URL('./lib/form-rss-child.js', import.meta.url));
for (const [mode, label] of [['form', 'form() over an in-memory Body'], ['server', 'form() through a warren Server'], ['formdata', 'new Request(...).formData()']] as const) {
  const run = spawnSync(process.execPath, ['--expose-gc', child, mode, String(FILE / MIB)], { encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0) throw new Error(`${mode}: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { growth: number; ms: number };
  console.log(`${label.padEnd(32)} ${(result.growth / MIB).toFixed(1).padStart(7)} MiB  (${result.ms.toFixed(0)} ms)`);
}
