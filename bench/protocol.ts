// Benchmark of warren's sans-I/O protocol core against node's own llhttp driven from JS,
// in one run: a browser-like request head, a tiny API request, and a 64 KiB chunked body
// with chunk extensions (whole, and in 16 KiB reads as a socket would hand it over).
// Each side is checked to really parse its input before anything is timed, and every
// timed batch is checked again through a checksum (see lib/measure.ts). Each benchmark
// runs in a child process of its own: llhttp's body path allocates a Buffer per piece and
// is measurably slower in a heap that earlier benchmarks have filled.
//
//   node dist/bench/protocol.js [--quick] [--json FILE] [--only NAME]
//
// --quick: a few short rounds, for smoke tests (numbers are not meaningful).
// --json FILE: also write the results as JSON.
// --only NAME: one benchmark, in this process (e.g. under node --cpu-prof).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, type ChunkExtension, type ReceivedEvent, type SendEvent } from '../src/protocol/index.js';
import { gitCommit } from './lib/git.js';
import { LlhttpRequestParser } from './lib/llhttp.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { measureGroup, type Case, type Plan, type Summary } from './lib/measure.js';
import { formatRate, isNoisy, tableHeader, tableRow, type Spread } from './lib/stats.js';

// ---------------------------------------------------------------------------------------
// Inputs

/** A Chrome 124 navigation request: 12 field lines, about 500 bytes. */
const CHROME_HEAD = Buffer.from(
  [
    'GET /search?q=warren HTTP/1.1',
    'Host: www.example.com',
    'Connection: keep-alive',
    'sec-ch-ua: "Chromium";v="124", "Not-A.Brand";v="99"',
    'sec-ch-ua-mobile: ?0',
    'sec-ch-ua-platform: "Linux"',
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Accept: text/html,application/xhtml+xml,*/*;q=0.8',
    'Sec-Fetch-Site: same-origin',
    'Sec-Fetch-Mode: navigate',
    'Accept-Encoding: gzip, deflate, br',
    'Accept-Language: en-US,en;q=0.9',
    'Cookie: sid=7f3a9c2e41b84d0f',
    '',
    '',
  ].join('\r\n'),
  'latin1',
);
const CHROME_FIELDS = 12;

const TINY_HEAD = Buffer.from('GET /api/v1/item/42 HTTP/1.1\r\nHost: localhost\r\n\r\n', 'latin1');
const TINY_FIELDS = 1;

const BODY_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024;
const CHUNKS = BODY_BYTES / CHUNK_BYTES;
const SEGMENT_BYTES = 16 * 1024;
const CHUNKED_FIELDS = 3;

/** The body: bytes that are not all alike, so a wrong offset shows. */
const BODY = Buffer.alloc(BODY_BYTES);
for (let i = 0; i < BODY.length; i++) BODY[i] = (i * 31 + (i >> 10)) & 0xff;

/** The extensions chunk i carries: `;n=<i>;sig="abc"`, one token value and one quoted. */
function chunkExtensions(i: number): ChunkExtension[] {
  return [
    ['n', String(i)],
    ['sig', 'abc'],
  ];
}

const CHUNKED_MESSAGE = (() => {
  const parts: Buffer[] = [
    Buffer.from('POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1'),
  ];
  for (let i = 0; i < CHUNKS; i++) {
    parts.push(Buffer.from(`${CHUNK_BYTES.toString(16)};n=${i};sig="abc"\r\n`, 'latin1'));
    parts.push(BODY.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    parts.push(Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
})();

/** The chunked message as consecutive reads of 16 KiB (views, no copies). */
const CHUNKED_SEGMENTS: Buffer[] = [];
for (let at = 0; at < CHUNKED_MESSAGE.length; at += SEGMENT_BYTES) {
  CHUNKED_SEGMENTS.push(CHUNKED_MESSAGE.subarray(at, Math.min(CHUNKED_MESSAGE.length, at + SEGMENT_BYTES)));
}

// ---------------------------------------------------------------------------------------
// warren

const RESPONSE_204: SendEvent = Object.freeze({ type: 'response', status: 204 });
const END_OF_MESSAGE: SendEvent = Object.freeze({ type: 'end-of-message' });

/**
 * Takes events up to and including end-of-message; returns fields + body bytes +
 * extensions + 1 for the end. Everything needed must already have been received.
 */
function warrenDrain(conn: Connection): number {
  let sum = 0;
  for (;;) {
    const event = conn.nextEvent();
    if (typeof event === 'string') throw new Error(`warren: '${event}' before end-of-message`);
    switch (event.type) {
      case 'request':
        sum += event.fields.size;
        break;
      case 'data':
        sum += event.data.length;
        if (event.extensions !== null) sum += event.extensions.length;
        break;
      case 'end-of-message':
        return sum + 1;
      default:
        throw new Error(`warren: unexpected ${event.type} event`);
    }
  }
}

/** One message, whole, on a fresh server Connection (parse only). */
function warrenFresh(bytes: Uint8Array): number {
  const conn = new Connection('server');
  conn.receive(bytes);
  return warrenDrain(conn);
}

/** One message fed read by read on a fresh server Connection, taking events as they come. */
function warrenFreshSegments(segments: readonly Uint8Array[]): number {
  const conn = new Connection('server');
  let sum = 0;
  for (const segment of segments) {
    conn.receive(segment);
    for (;;) {
      const event = conn.nextEvent();
      if (event === 'need-data') break;
      if (typeof event === 'string') throw new Error(`warren: '${event}' in the middle of a message`);
      switch (event.type) {
        case 'request':
          sum += event.fields.size;
          break;
        case 'data':
          sum += event.data.length;
          if (event.extensions !== null) sum += event.extensions.length;
          break;
        case 'end-of-message':
          return sum + 1;
        default:
          throw new Error(`warren: unexpected ${event.type} event`);
      }
    }
  }
  throw new Error('warren: the reads ended before end-of-message');
}

/** One keep-alive cycle: the request in, a 204 out, the connection back to idle. */
function warrenCycle(conn: Connection, bytes: Uint8Array): number {
  conn.receive(bytes);
  const sum = warrenDrain(conn);
  conn.send(RESPONSE_204);
  conn.send(END_OF_MESSAGE);
  return sum;
}

// ---------------------------------------------------------------------------------------
// llhttp

/** One message through a reused llhttp parser; returns fields + body bytes + 1 per message. */
function llhttpMessage(parser: LlhttpRequestParser, bytes: Uint8Array): number {
  const body = parser.bodyBytes;
  const messages = parser.messages;
  parser.fieldCount = 0;
  parser.execute(bytes);
  return parser.fieldCount + (parser.bodyBytes - body) + (parser.messages - messages);
}

function llhttpSegments(parser: LlhttpRequestParser, segments: readonly Uint8Array[]): number {
  const body = parser.bodyBytes;
  const messages = parser.messages;
  parser.fieldCount = 0;
  for (const segment of segments) parser.execute(segment);
  return parser.fieldCount + (parser.bodyBytes - body) + (parser.messages - messages);
}

// ---------------------------------------------------------------------------------------
// Checks before timing: both sides must really parse what they are timed on.

function check(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    throw new Error(`check failed: ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function events(conn: Connection, segments: readonly Uint8Array[]): ReceivedEvent[] {
  const out: ReceivedEvent[] = [];
  for (const segment of segments) {
    conn.receive(segment);
    for (let event = conn.nextEvent(); typeof event !== 'string'; event = conn.nextEvent()) {
      out.push(event);
      if (event.type === 'end-of-message') return out;
    }
  }
  throw new Error('no end-of-message');
}

function checkWarrenHead(bytes: Uint8Array, target: string, fields: number, host: string): void {
  const conn = new Connection('server');
  const [request, end, ...rest] = events(conn, [bytes]);
  assert.equal(rest.length, 0);
  assert.ok(request?.type === 'request', 'first event is a request');
  assert.equal(request.method, 'GET');
  assert.equal(request.target, target);
  assert.equal(request.version, '1.1');
  assert.equal(request.fields.size, fields);
  assert.equal(request.fields.get('host'), host);
  assert.ok(end?.type === 'end-of-message', 'then end-of-message');
  assert.equal(end.trailers, null);
  assert.equal(conn.nextEvent(), 'paused');
  assert.equal(warrenFresh(bytes), fields + 1);
  // The keep-alive cycle must bring the connection back to idle, message after message.
  const reused = new Connection('server');
  for (let i = 0; i < 3; i++) {
    assert.equal(warrenCycle(reused, bytes), fields + 1);
    assert.equal(reused.ourState, 'idle');
    assert.equal(reused.theirState, 'idle');
    assert.equal(reused.keepAlive, true);
  }
}

function checkLlhttpHead(bytes: Uint8Array, target: string, fields: number): void {
  const parser = new LlhttpRequestParser();
  for (let i = 1; i <= 3; i++) {
    assert.equal(llhttpMessage(parser, bytes), fields + 1);
    assert.equal(parser.heads, i);
    assert.equal(parser.messages, i);
    assert.equal(parser.methodName, 'GET');
    assert.equal(parser.url, target);
    assert.equal(parser.versionMinor, 1);
    assert.equal(parser.keepAlive, true);
    assert.equal(parser.fieldCount, fields);
  }
  parser.close();
}

function checkWarrenChunked(segments: readonly Uint8Array[]): void {
  const list = events(new Connection('server'), segments);
  const request = list[0];
  assert.ok(request?.type === 'request', 'first event is a request');
  assert.equal(request.method, 'POST');
  assert.equal(request.fields.size, CHUNKED_FIELDS);
  assert.equal(request.fields.get('transfer-encoding'), 'chunked');
  const pieces: Uint8Array[] = [];
  const extensions: (readonly ChunkExtension[])[] = [];
  let chunkEnds = 0;
  for (const event of list.slice(1, -1)) {
    assert.ok(event.type === 'data', `data events between head and end, got ${event.type}`);
    pieces.push(event.data);
    if (event.extensions !== null) extensions.push(event.extensions);
    if (event.chunkEnd) chunkEnds++;
  }
  assert.ok(Buffer.concat(pieces).equals(BODY), 'the body comes out byte for byte');
  assert.equal(chunkEnds, CHUNKS);
  assert.deepEqual(extensions, Array.from({ length: CHUNKS }, (_, i) => chunkExtensions(i)));
  const end = list[list.length - 1];
  assert.ok(end?.type === 'end-of-message', 'last event is end-of-message');
  assert.deepEqual(end.extensions, []);
  assert.equal(end.trailers, null);
  const checksum = CHUNKED_FIELDS + BODY_BYTES + 2 * CHUNKS + 1;
  assert.equal(segments.length === 1 ? warrenFresh(segments[0]!) : warrenFreshSegments(segments), checksum);
}

function checkLlhttpChunked(segments: readonly Uint8Array[]): void {
  const parser = new LlhttpRequestParser();
  parser.bodyPieces = [];
  assert.equal(llhttpSegments(parser, segments), CHUNKED_FIELDS + BODY_BYTES + 1);
  assert.equal(parser.methodName, 'POST');
  assert.equal(parser.url, '/upload');
  assert.equal(parser.fieldCount, CHUNKED_FIELDS);
  assert.equal(parser.messages, 1);
  assert.ok(Buffer.concat(parser.bodyPieces).equals(BODY), 'the body comes out byte for byte');
  parser.bodyPieces = null;
  assert.equal(llhttpSegments(parser, segments), CHUNKED_FIELDS + BODY_BYTES + 1);
  parser.close();
}

// ---------------------------------------------------------------------------------------
// The benchmarks

interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Body bytes per message, for MB/s; 0 for heads, reported in requests/s. */
  readonly bodyBytes: number;
  readonly check: () => void;
  /** warren's cases; the first is the one the headline ratio uses. */
  readonly warren: readonly Case[];
  readonly llhttp: Case;
}

function headBenchmark(name: string, description: string, bytes: Buffer, target: string, fields: number, host: string): Benchmark {
  const reused = new Connection('server');
  const parser = new LlhttpRequestParser();
  return {
    name,
    description: `${description} (${bytes.length} B, ${fields} field line${fields === 1 ? '' : 's'})`,
    bodyBytes: 0,
    check: () => {
      check(`warren parses ${name}`, () => checkWarrenHead(bytes, target, fields, host));
      check(`llhttp parses ${name}`, () => checkLlhttpHead(bytes, target, fields));
    },
    warren: [
      {
        label: 'warren fresh Connection',
        checksumPerOp: fields + 1,
        run: (n) => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += warrenFresh(bytes);
          return sum;
        },
      },
      {
        label: 'warren keep-alive + 204',
        checksumPerOp: fields + 1,
        run: (n) => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += warrenCycle(reused, bytes);
          return sum;
        },
      },
    ],
    llhttp: {
      label: 'llhttp reused parser',
      checksumPerOp: fields + 1,
      run: (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += llhttpMessage(parser, bytes);
        return sum;
      },
    },
  };
}

function chunkedBenchmark(name: string, description: string, segments: readonly Buffer[]): Benchmark {
  const parser = new LlhttpRequestParser();
  const whole = segments.length === 1 ? segments[0]! : null;
  return {
    name,
    description,
    bodyBytes: BODY_BYTES,
    check: () => {
      check(`warren parses ${name}`, () => checkWarrenChunked(segments));
      check(`llhttp parses ${name}`, () => checkLlhttpChunked(segments));
    },
    warren: [
      {
        label: 'warren fresh Connection',
        // warren also hands out each chunk's two extensions; llhttp checks them and drops them.
        checksumPerOp: CHUNKED_FIELDS + BODY_BYTES + 2 * CHUNKS + 1,
        run:
          whole !== null
            ? (n) => {
                let sum = 0;
                for (let i = 0; i < n; i++) sum += warrenFresh(whole);
                return sum;
              }
            : (n) => {
                let sum = 0;
                for (let i = 0; i < n; i++) sum += warrenFreshSegments(segments);
                return sum;
              },
      },
    ],
    llhttp: {
      label: 'llhttp reused parser',
      checksumPerOp: CHUNKED_FIELDS + BODY_BYTES + 1,
      run: (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += llhttpSegments(parser, segments);
        return sum;
      },
    },
  };
}

/** The benchmarks, in the order they run; each is built only when it runs. */
const BENCHMARKS: ReadonlyMap<string, () => Benchmark> = new Map([
  ['chrome-head', () => headBenchmark('chrome-head', 'Chrome GET navigation head', CHROME_HEAD, '/search?q=warren', CHROME_FIELDS, 'www.example.com')],
  ['tiny-get', () => headBenchmark('tiny-get', 'GET /api/v1/item/42 with Host only', TINY_HEAD, '/api/v1/item/42', TINY_FIELDS, 'localhost')],
  [
    'chunked-64k',
    () =>
      chunkedBenchmark(
        'chunked-64k',
        `64 KiB chunked request body, ${CHUNKS} chunks of 1 KiB with ;n=<i>;sig="abc", in one read (${CHUNKED_MESSAGE.length} B)`,
        [CHUNKED_MESSAGE],
      ),
  ],
  [
    'chunked-64k-reads',
    () => chunkedBenchmark('chunked-64k-reads', `the same message in ${CHUNKED_SEGMENTS.length} reads of 16 KiB, as a socket hands it over`, CHUNKED_SEGMENTS),
  ],
]);

// ---------------------------------------------------------------------------------------
// Running and reporting

interface Options {
  readonly quick: boolean;
  readonly json: string | null;
  /** Run only this benchmark, in this process. */
  readonly only: string | null;
  /** Internal: this is a child run by the parent for one benchmark; write its result here, print nothing. */
  readonly childResult: string | null;
}

const USAGE = `usage: node dist/bench/protocol.js [--quick] [--json FILE] [--only NAME]
  --quick      a few short rounds: a smoke test, the numbers mean nothing
  --json FILE  also write the results as JSON
  --only NAME  run one benchmark, in this process (for profiling): ${[...BENCHMARKS.keys()].join(', ')}
Without --only, each benchmark runs in a child process of its own, so that none inherits another's heap.`;

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let json: string | null = null;
  let only: string | null = null;
  let childResult: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) usage(2, `${arg} needs a value`);
      i++;
      return next;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = value();
    else if (arg === '--only') only = value();
    else if (arg === '--child-result') childResult = value();
    else if (arg === '--help' || arg === '-h') usage(0);
    else usage(2, `unknown argument: ${arg}`);
  }
  if (only !== null && !BENCHMARKS.has(only)) usage(2, `no benchmark named ${only}`);
  if (childResult !== null && only === null) usage(2, '--child-result goes with --only');
  return { quick, json, only, childResult };
}

function usage(code: number, problem?: string): never {
  if (problem !== undefined) console.error(problem);
  (code === 0 ? console.log : console.error)(USAGE);
  process.exit(code);
}

const FULL: Plan = { warmupMs: 300, roundMs: 250, rounds: 7 };
const QUICK: Plan = { warmupMs: 20, roundMs: 15, rounds: 3 };

interface Result {
  readonly label: string;
  readonly opsPerSecond: Summary;
  /** Body MB/s (10^6 bytes of body per second), for body benchmarks. */
  readonly mbPerSecond: Spread | null;
}

interface BenchmarkResult {
  readonly name: string;
  readonly description: string;
  readonly unit: 'req/s' | 'MB/s';
  readonly warren: readonly Result[];
  readonly llhttp: Result;
  /** Median warren / median llhttp, per warren case. */
  readonly ratios: readonly { readonly label: string; readonly ratio: number }[];
}

function toResult(summary: Summary, bodyBytes: number): Result {
  const mb = (opsPerSecond: number): number => (opsPerSecond * bodyBytes) / 1e6;
  return {
    label: summary.label,
    opsPerSecond: summary,
    mbPerSecond: bodyBytes === 0 ? null : { median: mb(summary.median), min: mb(summary.min), max: mb(summary.max) },
  };
}

function run(benchmark: Benchmark, plan: Plan): BenchmarkResult {
  benchmark.check();
  const summaries = measureGroup([...benchmark.warren, benchmark.llhttp], plan);
  const results = summaries.map((s) => toResult(s, benchmark.bodyBytes));
  const llhttp = results[results.length - 1]!;
  const warren = results.slice(0, -1);
  return {
    name: benchmark.name,
    description: benchmark.description,
    unit: benchmark.bodyBytes === 0 ? 'req/s' : 'MB/s',
    warren,
    llhttp,
    ratios: warren.map((w) => ({ label: w.label, ratio: w.opsPerSecond.median / llhttp.opsPerSecond.median })),
  };
}

function printResult(result: BenchmarkResult): void {
  console.log(`\n${result.name}: ${result.description}`);
  console.log(tableHeader('implementation'));
  for (const r of [...result.warren, result.llhttp]) {
    const perMessage = r.mbPerSecond === null ? '' : `  (${formatRate(r.opsPerSecond.median, 'req/s')} msg/s)`;
    const noisy = isNoisy(r.opsPerSecond) ? '  noisy' : '';
    console.log(tableRow(r.label, r.mbPerSecond ?? r.opsPerSecond, result.unit, `${perMessage}${noisy}`));
  }
}

function ratioName(result: BenchmarkResult, index: number): string {
  // The headline (first) warren case gets the bare name; others say which: chrome-head[keep-alive+204].
  return index === 0 ? result.name : `${result.name}[${result.warren[index]!.label.replace(/^warren /, '').replace(/ /g, '')}]`;
}

/** Runs one benchmark in a fresh node process (same flags) and returns its result. */
function runInChild(name: string, options: Options): BenchmarkResult {
  const dir = mkdtempSync(join(os.tmpdir(), 'warren-bench-'));
  try {
    const file = join(dir, 'result.json');
    const args = [...process.execArgv, fileURLToPath(import.meta.url), '--only', name, '--child-result', file];
    if (options.quick) args.push('--quick');
    const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.status !== 0) throw new Error(`the child process for ${name} failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`}); its errors are above`);
    return JSON.parse(readFileSync(file, 'utf8')) as BenchmarkResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const plan = options.quick ? QUICK : FULL;
  if (options.childResult !== null) {
    const result = run(BENCHMARKS.get(options.only!)!(), plan);
    writeFileSync(options.childResult, JSON.stringify(result));
    return;
  }
  const machine = thisMachine();
  console.log("warren protocol bench: warren's sans-I/O core vs node's llhttp (_http_common HTTPParser) driven from JS");
  console.log(machineLine(machine));
  console.log(
    `mode: ${options.quick ? 'quick (smoke test: numbers are not meaningful)' : 'full'}: per case ~${plan.warmupMs} ms warm-up,` +
      ` then ${plan.rounds} rounds of ~${plan.roundMs} ms; a benchmark's cases run interleaved, round by round;` +
      (options.only === null ? ' each benchmark in a fresh process' : ` only ${options.only}, in this process`),
  );
  console.log('method:');
  console.log("  warren fresh Connection  new Connection('server') per message, receive() + nextEvent() to end-of-message: parse only");
  console.log('  warren keep-alive + 204  one Connection for all messages; per message also send() a 204 and its end-of-message,');
  console.log('                           so the connection is idle again: parse + a tiny response');
  console.log('  llhttp reused parser     one HTTPParser for all messages, as node keeps one per socket; parse only, but the');
  console.log('                           binding also builds the header strings and copies each body piece into a new Buffer');
  console.log('  headline ratio = median warren fresh Connection / median llhttp: parse only on both sides, warren also paying');
  console.log('  for a new Connection per message. Chunk extensions: warren parses them into events, llhttp checks and drops them.');

  const loadBefore = os.loadavg()[0]!;
  const started = process.hrtime.bigint();
  const names = options.only === null ? [...BENCHMARKS.keys()] : [options.only];
  const results = names.map((name) => {
    const result = options.only === null ? runInChild(name, options) : run(BENCHMARKS.get(name)!(), plan);
    printResult(result);
    return result;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  console.log('\nmedian warren / median llhttp (above 1: warren is faster)');
  for (const result of results) {
    result.ratios.forEach((r, i) => {
      console.log(`ratio warren/llhttp ${ratioName(result, i).padEnd(36)} ${r.ratio.toFixed(2)}`);
    });
  }
  const noisy = results.flatMap((r) => [...r.warren, r.llhttp]).filter((r) => isNoisy(r.opsPerSecond)).length;
  if (noisy > 0) console.log(`\nnote: ${noisy} case(s) marked noisy varied by more than 25% between rounds; rerun on a quiet machine`);
  console.log(`\n${seconds.toFixed(1)} s (load average before: ${loadBefore.toFixed(2)}, after: ${os.loadavg()[0]!.toFixed(2)})`);

  if (options.json !== null) {
    const report = {
      bench: 'protocol',
      date: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      plan,
      machine,
      commit: gitCommit(),
      loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
      seconds,
      benchmarks: results,
    };
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`results written to ${options.json}`);
  }
}

try {
  main();
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
