// The benchmark suite: warren against its peers and against the physical limit, in one run.
//
//   npm run bench [-- --quick] [--json FILE] [--only W1,W6,memory] [--awake both|on|off]
//   node dist/bench/suite/main.js [the same]
//
// Servers always run in child processes of their own (bench/lib/servers.ts): warren,
// node:http, fastify, and the raw `net` limit that answers with fixed bytes. Clients run in
// this process, one keep-alive connection each (warren Client, node:http + keep-alive Agent,
// undici Client, a raw socket writing fixed bytes), except W6's load generator (wrk if
// installed, else load-child.js) and the idle-memory connections, which run in a child.
// Within a workload the pairs run interleaved, run by run, in alternating order, so drift
// is shared (sequential.ts).
//
//   W1  POST / with a 108-byte JSON body -> 200 + 108 bytes, sequential   (Unix, 127.0.0.1, ::1)
//   W2  GET /example -> "hello, world", sequential                       (Unix, 127.0.0.1, ::1)
//   W3  GET /example pipelined, 16 at a time on one connection          (Unix)
//   W4  GET /64k, sequential                                            (Unix)
//   W5  a chunked upload of 16 MiB in 16 KiB chunks with extensions     (Unix)
//   W6  GET /example from 1, 10 and 100 connections at once             (127.0.0.1)
//   idle memory: server RSS with 10,000 idle keep-alive connections     (Unix)
//
// --quick: 2 short runs per pair and 1,000 idle connections, a ~30 s smoke run (numbers
// are not meaningful). --json FILE: all results, for machines (and bench/suite/chart.js).
// --awake both (the default, except with --quick): W1-W5 run twice, with a nice-19 busy
// loop per CPU so that no CPU halts between the halves of a round trip, and without, in
// the same run, workload by workload (bench/lib/keep-awake.ts, docs/performance.md);
// --awake on (or --keep-awake) only with the loops, --awake off (--no-keep-awake) only without.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { gitCommit } from '../lib/git.js';
import { keepAwake } from '../lib/keep-awake.js';
import { machineLine, thisMachine } from '../lib/machine.js';
import { SERVER_KINDS, serveInChild, stopChild, WARREN_OPTIONS, type RunningServer } from '../lib/servers.js';
import { isNoisy } from '../lib/stats.js';
import { findWrk, measureConcurrency } from './concurrency.js';
import { fdLimit, measureMemory, type MemoryResult } from './memory.js';
import { FULL, QUICK, workloads, type Transport } from './plan.js';
import { printRatios, printWorkload, ratios, type Condition, type WorkloadResult } from './results.js';
import { measure } from './sequential.js';

/** ::1 when the host has IPv6 loopback; otherwise why not. */
async function ipv6Problem(): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: Error) => resolve(`cannot listen on [::1]: ${error.message}`));
    server.listen({ host: '::1', port: 0 }, () => server.close(() => resolve(null)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures each workload in each condition, the order of conditions alternating workload by workload. */
async function measureAll(
  list: ReturnType<typeof workloads>,
  servers: ReadonlyMap<string, RunningServer>,
  plan: typeof FULL,
  conditions: readonly Condition[],
  limitMs: number,
): Promise<WorkloadResult[]> {
  const out: WorkloadResult[] = [];
  for (const [index, workload] of list.entries()) {
    for (const condition of index % 2 === 0 ? conditions : [...conditions].reverse()) {
      const spinners = condition === 'keep-awake' ? keepAwake(limitMs) : [];
      try {
        // Let the loops start before anything is timed (the warm-up covers the rest).
        if (spinners.length > 0) await sleep(100);
        const result = await measure(workload, servers, plan, condition);
        out.push(result);
        printWorkload(result);
      } finally {
        await Promise.all(spinners.map(stopChild));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Main

const USAGE = `usage: node dist/bench/suite/main.js [--quick] [--json FILE] [--only W1,W6,memory] [--awake both|on|off]
  --quick          2 short runs per pair and 1,000 idle connections: a ~30 s smoke run (numbers are not meaningful)
  --json FILE      also write every result as JSON (for machines, and for npm run bench:chart)
  --only LIST      run only these of W1-W6 and memory, comma-separated (to iterate on one workload)
  --awake both     run W1-W5 with a nice-19 busy loop per CPU (so that idle CPUs do not halt between
                   round trips) and without, side by side (the default, except with --quick)
  --awake on|off   only with the loops (also --keep-awake), only without (also --no-keep-awake;
                   the default with --quick)`;

const AWAKE: Record<string, readonly Condition[]> = { both: ['keep-awake', 'no keep-awake'], on: ['keep-awake'], off: ['no keep-awake'] };

const PARTS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'memory'] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: readonly string[]): { quick: boolean; json: string | null; conditions: readonly Condition[]; only: ReadonlySet<Part> } {
  let quick = false;
  let only = new Set<Part>(PARTS);
  let json: string | null = null;
  let conditions: readonly Condition[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) usage(2, '--json needs a file name');
      json = next;
    } else if (arg === '--only') {
      const list = (argv[++i] ?? '').split(',').filter((p) => p !== '');
      const unknown = list.filter((p) => !(PARTS as readonly string[]).includes(p));
      if (list.length === 0 || unknown.length > 0) usage(2, `--only takes a comma-separated list of ${PARTS.join(', ')}${unknown.length > 0 ? `; not ${unknown.join(', ')}` : ''}`);
      only = new Set(list as Part[]);
    } else if (arg === '--awake') {
      const next = argv[++i] ?? '';
      if (!(next in AWAKE)) usage(2, `--awake takes both, on or off, not ${JSON.stringify(next)}`);
      conditions = AWAKE[next]!;
    } else if (arg === '--no-keep-awake') conditions = AWAKE.off!;
    else if (arg === '--keep-awake') conditions = AWAKE.on!;
    else if (arg === '--help' || arg === '-h') usage(0);
    else usage(2, `unknown argument: ${arg}`);
  }
  // Both by default for the measurements, off for the smoke run (which must not busy every CPU of a CI machine).
  return { quick, json, conditions: conditions ?? (quick ? AWAKE.off! : AWAKE.both!), only };
}

function usage(code: number, problem?: string): never {
  if (problem !== undefined) console.error(problem);
  (code === 0 ? console.log : console.error)(USAGE);
  process.exit(code);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const plan = options.quick ? QUICK : FULL;
  // No run may hang: past this, the bench fails (its server children exit with it).
  const limitMs = (options.quick ? 110 : 900) * 1000;
  setTimeout(() => {
    console.error(`bench failed: still running after ${limitMs / 1000} s`);
    process.exit(1);
  }, limitMs).unref();

  const machine = thisMachine();
  console.log('warren bench suite: warren against node:http, fastify, undici and the raw net limit, servers in child processes');
  console.log(machineLine(machine));
  console.log(
    `mode: ${options.quick ? 'quick (smoke test: numbers are not meaningful)' : 'full'}: per pair a check, ${plan.warmupMs} ms warm-up, then ${plan.runs} runs of ${plan.runMs} ms` +
      ` (W6: ${plan.loadMs} ms), pairs interleaved run by run; median, min and max over the runs`,
  );

  const awake = options.conditions.includes('keep-awake');
  const idle = options.conditions.includes('no keep-awake');
  console.log(
    awake && idle
      ? `keep-awake: W1-W5 run twice, workload by workload: with ${os.cpus().length} busy loop(s) at nice 19 that keep idle CPUs from halting between round trips, and without (what an idle machine sees); W6 runs without, its load keeps every CPU busy`
      : awake
        ? `keep-awake: ${os.cpus().length} busy loop(s) at nice 19 keep idle CPUs from halting between round trips of W1-W5; none for W6, whose load keeps every CPU busy (--awake both to measure without as well)`
        : 'keep-awake: off (on a VM, sequential round trips then include the wake-up of halted vCPUs; --awake both to measure with the loops as well)',
  );

  const loadBefore = os.loadavg()[0]!;
  const started = process.hrtime.bigint();
  const skipped: { what: string; reason: string }[] = [];
  const v6 = await ipv6Problem();
  const transports: Transport[] = ['unix', '127.0.0.1'];
  if (v6 === null) transports.push('::1');
  else {
    skipped.push({ what: 'W1 and W2 over ::1', reason: v6 });
    console.log(`skipped: W1 and W2 over ::1: ${v6}`);
  }
  const wrk = findWrk();
  if (wrk === null) {
    skipped.push({ what: 'wrk for W6', reason: "wrk is not installed (Debian package wrk); W6 uses the suite's own raw-socket load generator in a child process" });
    console.log("note: wrk is not installed (Debian package wrk); W6 uses the suite's own raw-socket load generator, in a child process");
  } else {
    console.log(`note: W6 uses ${wrk} -t1`);
  }

  const dir = mkdtempSync(join(os.tmpdir(), 'warren-suite-'));
  const servers = new Map<string, RunningServer>();
  const results: WorkloadResult[] = [];
  let memory: MemoryResult[] = [];
  let memoryNote = '';
  try {
    const starts: Promise<void>[] = [];
    for (const transport of transports) {
      for (const kind of SERVER_KINDS) {
        const on = transport === 'unix' ? join(dir, `${kind === 'node:http' ? 'node' : kind}.sock`) : transport;
        starts.push(serveInChild(kind, on).then((server) => void servers.set(`${kind} ${transport}`, server)));
      }
    }
    await Promise.all(starts);

    const list = workloads(transports).filter((w) => options.only.has(w.id as Part));
    results.push(...(await measureAll(list, servers, plan, options.conditions, limitMs)));
    // Under load no CPU idles, and a busy loop, however nice, would take CPU time from the server being measured.
    for (const result of options.only.has('W6') ? await measureConcurrency(servers, plan, wrk) : []) {
      results.push(result);
      printWorkload(result);
    }
    for (const server of servers.values()) await server.close();
    servers.clear();

    if (options.only.has('memory')) {
      const limit = fdLimit();
      // Each side holds one descriptor per connection, plus its own few; keep a margin.
      const fit = limit === null ? plan.idleConnections : Math.max(0, Math.min(plan.idleConnections, Math.floor(limit - 256)));
      memoryNote =
        `open file limit ${limit === null ? 'unknown' : limit === Infinity ? 'unlimited' : limit} per process` +
        (fit < plan.idleConnections ? `: ${fit} connections instead of ${plan.idleConnections}, to fit` : `: ${fit} connections fit`);
      console.log(`\nidle memory: ${fit.toLocaleString('en-US')} keep-alive connections over a Unix socket, opened 250 at a time from a child process, each after one GET /example; ${memoryNote}`);
      if (fit > 0) {
        memory = await measureMemory(dir, fit);
        console.log(`  ${'server'.padEnd(12)}${'RSS before'.padStart(14)}${'RSS after'.padStart(14)}${'per conn'.padStart(12)}`);
        for (const m of memory) {
          console.log(
            `  ${m.server.padEnd(12)}${`${(m.rssBeforeKiB / 1024).toFixed(1)} MiB`.padStart(14)}${`${(m.rssAfterKiB / 1024).toFixed(1)} MiB`.padStart(14)}${`${(m.perConnectionBytes / 1024).toFixed(1)} KiB`.padStart(12)}`,
          );
        }
      } else {
        skipped.push({ what: 'idle memory', reason: memoryNote });
      }
    }
  } finally {
    for (const server of servers.values()) await server.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }

  const all = ratios(results);
  printRatios(all);
  const noisy = results.flatMap((w) => w.results).filter(isNoisy).length;
  if (noisy > 0) console.log(`\nnote: ${noisy} pair(s) marked noisy varied by more than 25% between runs; rerun on a quiet machine`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const loadAfter = os.loadavg()[0]!;
  console.log(`\n${seconds.toFixed(1)} s (load average before: ${loadBefore.toFixed(2)}, after: ${loadAfter.toFixed(2)})`);

  if (options.json !== null) {
    const report = {
      bench: 'suite',
      date: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      plan,
      conditions: options.conditions,
      machine,
      commit: gitCommit(),
      warrenOptions: WARREN_OPTIONS,
      loadGenerator: wrk === null ? 'builtin' : 'wrk',
      loadAverage: { before: loadBefore, after: loadAfter },
      seconds,
      workloads: results,
      ratios: all,
      memory: { connections: memory[0]?.connections ?? 0, requested: plan.idleConnections, note: memoryNote, servers: memory },
      skipped,
    };
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`results written to ${options.json}`);
  }
}

try {
  await main();
  // Children (servers, load generator) are gone; do not wait for stray handles.
  process.exit(0);
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
