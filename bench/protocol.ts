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
//
// The inputs, both parsers' drivers, the checks and the benchmarks are in bench/protocol/.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { measureGroup, type Plan, type Summary } from './lib/measure.js';
import { formatRate, isNoisy, tableHeader, tableRow, type Spread } from './lib/stats.js';
import { BENCHMARKS, type Benchmark } from './protocol/benchmarks.js';

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
