// The benchmark suite: warren against its peers and against the physical limit, in one run.
//
//   npm run bench [-- --quick] [--json FILE] [--no-keep-awake]
//   node dist/bench/suite/main.js [--quick] [--json FILE] [--keep-awake | --no-keep-awake]
//
// Servers always run in child processes of their own: warren (a TempServer child), node:http,
// and the raw `net` limit that answers with fixed bytes. Clients run in this process, one
// keep-alive connection each (warren Client, node:http + keep-alive Agent, undici Client, a
// raw socket writing fixed bytes), except W6's load generator (wrk if installed, else
// load-child.js) and the idle-memory connections, which run in a child. Within a workload
// the pairs run interleaved, run by run, in alternating order, so drift is shared.
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
// --keep-awake (the default, except with --quick): a nice-19 busy loop per CPU, so that
// no CPU halts between the halves of a round trip (see keepAwake() and docs/performance.md).

import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../../src/index.js';
import { TempServer } from '../../src/testing/index.js';
import { withTimeout } from '../lib/timeout.js';
import { gitCommit } from '../lib/git.js';
import { machineLine, thisMachine } from '../lib/machine.js';
import { isNoisy, spread, tableHeader, tableRow } from '../lib/stats.js';
import { makeDriver, runFor, type ClientKind, type Driver, type Op } from './drivers.js';
import type { Target } from './framing.js';
import type { LoadCommand, LoadReply } from './load-child.js';
import { UPLOAD_BYTES } from './payloads.js';

// ---------------------------------------------------------------------------------------
// Plan

interface Plan {
  /** Timed runs per pair; the median, min and max are over these. */
  readonly runs: number;
  /** Untimed warm-up per pair before its runs. */
  readonly warmupMs: number;
  /** Length of one timed run of a one-connection workload (W1-W5). */
  readonly runMs: number;
  /** Length of one timed run of W6. */
  readonly loadMs: number;
  /** Idle keep-alive connections for the memory measurement (fewer if file descriptors are short). */
  readonly idleConnections: number;
}

const FULL: Plan = { runs: 5, warmupMs: 200, runMs: 400, loadMs: 1000, idleConnections: 10_000 };
const QUICK: Plan = { runs: 2, warmupMs: 40, runMs: 100, loadMs: 200, idleConnections: 1_000 };

/** The options of every warren server in the suite. */
const WARREN_OPTIONS: ServerOptions = { maxRequestsPerConnection: 1e9, keepAliveTimeout: 600_000, maxBodyBytes: 64 * 1024 * 1024 };

/** Bounds on requests per run (every run is bounded in time and in count). */
const MAX_REQUESTS: Record<Op, number> = { json: 500_000, example: 500_000, '64k': 200_000, pipeline: 2_000_000, upload: 200 };

// ---------------------------------------------------------------------------------------
// Pairs and workloads

const WW = 'warren -> warren';
const NN = 'node:http -> node:http';
const UN = 'undici -> node:http';
const UW = 'undici -> warren';
const WN = 'warren -> node:http';
const RR = 'raw -> raw (limit)';
const RW = 'raw -> warren';
const RN = 'raw -> node:http';
const WR = 'warren -> raw';

type ServerKind = 'warren' | 'node:http' | 'raw';
type Transport = 'unix' | '127.0.0.1' | '::1';

interface Pair {
  readonly name: string;
  readonly client: ClientKind;
  readonly server: ServerKind;
  /** Said in the table: e.g. that this client cannot send chunk extensions. */
  readonly note?: string;
}

const PAIRS: Record<string, Pair> = {
  [WW]: { name: WW, client: 'warren', server: 'warren' },
  [NN]: { name: NN, client: 'node:http', server: 'node:http' },
  [UN]: { name: UN, client: 'undici', server: 'node:http' },
  [UW]: { name: UW, client: 'undici', server: 'warren' },
  [WN]: { name: WN, client: 'warren', server: 'node:http' },
  [RR]: { name: RR, client: 'raw', server: 'raw' },
  [RW]: { name: RW, client: 'raw', server: 'warren' },
  [RN]: { name: RN, client: 'raw', server: 'node:http' },
  [WR]: { name: WR, client: 'warren', server: 'raw' },
};

type Unit = 'round trips/s' | 'requests/s' | 'MB/s';

interface Workload {
  readonly id: string;
  /** The transport (W1-W5) or the number of connections (W6). */
  readonly variant: string;
  readonly title: string;
  readonly unit: Unit;
  readonly op: Op;
  readonly transport: Transport;
  readonly pairs: readonly Pair[];
}

const SEQUENTIAL = [WW, NN, UN, UW, WN, RR];
const NO_EXT = 'node:http and undici cannot send chunk extensions: this client uploads without them';

function workloads(transports: readonly Transport[]): Workload[] {
  const out: Workload[] = [];
  const seq = (id: string, op: Op, title: string): void => {
    for (const transport of transports) {
      const names = transport === 'unix' ? [...SEQUENTIAL, RW, RN, WR] : SEQUENTIAL;
      out.push({ id, variant: transport, title, unit: 'round trips/s', op, transport, pairs: names.map((n) => PAIRS[n]!) });
    }
  };
  seq('W1', 'json', "Degu's workload: POST / with a 108-byte JSON body -> 200 + 108 bytes, sequential, one keep-alive connection");
  seq('W2', 'example', 'GET /example -> "hello, world", sequential, one keep-alive connection');
  out.push({
    id: 'W3',
    variant: 'unix',
    title: 'GET /example pipelined, 16 requests at a time on one connection',
    unit: 'requests/s',
    op: 'pipeline',
    transport: 'unix',
    pairs: [WW, UN, UW, WN, RR, RW, RN].map((n) => PAIRS[n]!),
  });
  out.push({
    id: 'W4',
    variant: 'unix',
    title: 'GET /64k -> a 64 KiB body, sequential, one keep-alive connection',
    unit: 'round trips/s',
    op: '64k',
    transport: 'unix',
    pairs: [...SEQUENTIAL, RW, RN].map((n) => PAIRS[n]!),
  });
  out.push({
    id: 'W5',
    variant: 'unix',
    title: 'a chunked upload of 16 MiB in 16 KiB chunks with extensions (;n=<i>;sig="abc"), one connection',
    unit: 'MB/s',
    op: 'upload',
    transport: 'unix',
    pairs: [
      PAIRS[WW]!,
      { ...PAIRS[NN]!, note: NO_EXT },
      { ...PAIRS[UN]!, note: NO_EXT },
      { ...PAIRS[UW]!, note: NO_EXT },
      PAIRS[WN]!,
      PAIRS[RR]!,
      PAIRS[RW]!,
      PAIRS[RN]!,
    ],
  });
  return out;
}

// ---------------------------------------------------------------------------------------
// Results

export interface PairResult {
  readonly pair: string;
  readonly client: string;
  readonly server: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The value of every run, in the order they ran. */
  readonly runs: readonly number[];
  readonly note?: string;
  /** CPU time per request over the timed runs, in µs: the client's (this process) and the server child's. */
  readonly cpu?: { readonly clientUs: number; readonly serverUs: number };
}

export interface WorkloadResult {
  readonly id: string;
  readonly variant: string;
  readonly title: string;
  readonly unit: Unit;
  readonly results: PairResult[];
}

interface Ratio {
  readonly workload: string;
  readonly name: string;
  readonly value: number;
}

interface MemoryResult {
  readonly server: string;
  readonly connections: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
  readonly perConnectionBytes: number;
  readonly openSeconds: number;
}

function summarize(pair: Pair, runs: number[], cpu?: CpuTally): PairResult {
  return {
    pair: pair.name,
    client: pair.client,
    server: pair.server,
    ...spread(runs),
    runs,
    ...(pair.note === undefined ? {} : { note: pair.note }),
    ...(cpu === undefined || cpu.requests === 0 ? {} : { cpu: { clientUs: cpu.clientUs / cpu.requests, serverUs: cpu.serverUs / cpu.requests } }),
  };
}

/** CPU spent by both ends of a pair over its timed runs. */
interface CpuTally {
  clientUs: number;
  serverUs: number;
  requests: number;
}

/** A process's user + system CPU time so far, in µs (/proc/PID/stat counts clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
  return (Number(after[11]) + Number(after[12])) * 10_000;
}

// ---------------------------------------------------------------------------------------
// Servers

interface RunningServer {
  readonly kind: ServerKind;
  readonly target: Target;
  readonly pid: number;
  close(): Promise<void>;
}

async function startWarren(on: string, extra: ServerOptions = {}): Promise<RunningServer> {
  const server = await TempServer.startWith({
    address: on.startsWith('/') ? on : [on, 0],
    module: new URL('./apps.js', import.meta.url),
    exportName: 'suite',
    options: { ...WARREN_OPTIONS, ...extra },
  });
  const address = server.address;
  const target: Target = typeof address === 'string' ? { path: address } : { host: address[0], port: address[1] };
  return {
    kind: 'warren',
    target,
    pid: server.pid,
    close: async () => {
      await server.close();
    },
  };
}

/** Kills a child (SIGTERM, then SIGKILL after 2 s) and waits until it has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill();
  await withTimeout(exited, 2_000, 'a child exit').catch(async () => {
    child.kill('SIGKILL');
    await withTimeout(exited, 2_000, 'a killed child exit').catch(() => {});
  });
}

const SERVER_CHILD = fileURLToPath(new URL('./server-child.js', import.meta.url));

async function startChild(kind: 'node:http' | 'raw', on: string): Promise<RunningServer> {
  const child = fork(SERVER_CHILD, [kind === 'raw' ? 'raw' : 'node', on], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const address = await withTimeout(
    new Promise<unknown>((resolve, reject) => {
      child.once('message', (m: { address?: unknown }) => resolve(m.address));
      child.once('exit', (code, signal) => reject(new Error(`the ${kind} server child exited (${signal ?? code}) before it was ready`)));
    }),
    10_000,
    `starting the ${kind} server on ${on}`,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw error;
  });
  const target: Target = typeof address === 'string' ? { path: address } : { host: on, port: (address as { port: number }).port };
  return {
    kind,
    target,
    pid: child.pid!,
    close: () => stopChild(child),
  };
}

function startServer(kind: ServerKind, on: string): Promise<RunningServer> {
  return kind === 'warren' ? startWarren(on) : startChild(kind, on);
}

/** ::1 when the host has IPv6 loopback; otherwise why not. */
async function ipv6Problem(): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: Error) => resolve(`cannot listen on [::1]: ${error.message}`));
    server.listen({ host: '::1', port: 0 }, () => server.close(() => resolve(null)));
  });
}

// ---------------------------------------------------------------------------------------
// One-connection workloads (W1-W5)

async function measure(workload: Workload, servers: ReadonlyMap<string, RunningServer>, plan: Plan): Promise<WorkloadResult> {
  const drivers: Driver[] = [];
  try {
    for (const pair of workload.pairs) {
      const server = servers.get(`${pair.server} ${workload.transport}`)!;
      const driver = await withTimeout(makeDriver(pair.client, workload.op, server.target), 10_000, `connecting ${pair.name}`);
      drivers.push(driver);
      // The check: one operation, whose answer the driver verifies; then the warm-up.
      await withTimeout(driver.step(), 30_000, `the first ${workload.op} of ${pair.name}`);
      await withTimeout(runFor(driver, plan.warmupMs, MAX_REQUESTS[workload.op]), plan.warmupMs + 30_000, `the warm-up of ${pair.name}`);
    }
    const runs: number[][] = workload.pairs.map(() => []);
    const cpu: CpuTally[] = workload.pairs.map(() => ({ clientUs: 0, serverUs: 0, requests: 0 }));
    const forward = workload.pairs.map((_, i) => i);
    const backward = [...forward].reverse();
    for (let run = 0; run < plan.runs; run++) {
      for (const i of run % 2 === 0 ? forward : backward) {
        const pair = workload.pairs[i]!;
        const serverPid = servers.get(`${pair.server} ${workload.transport}`)!.pid;
        const serverBefore = processCpuUs(serverPid);
        const clientBefore = process.cpuUsage();
        const { requests, seconds } = await withTimeout(runFor(drivers[i]!, plan.runMs, MAX_REQUESTS[workload.op]), plan.runMs + 30_000, `a run of ${pair.name}`);
        const client = process.cpuUsage(clientBefore);
        cpu[i]!.clientUs += client.user + client.system;
        cpu[i]!.serverUs += processCpuUs(serverPid) - serverBefore;
        cpu[i]!.requests += requests;
        runs[i]!.push(workload.unit === 'MB/s' ? (requests * UPLOAD_BYTES) / seconds / 1e6 : requests / seconds);
      }
    }
    return { id: workload.id, variant: workload.variant, title: workload.title, unit: workload.unit, results: workload.pairs.map((pair, i) => summarize(pair, runs[i]!, cpu[i])) };
  } finally {
    for (const driver of drivers) await driver.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// W6: concurrency

const LOAD_CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

function forkLoadChild(): ChildProcess {
  const child = fork(LOAD_CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => {});
  return child;
}

function ask(child: ChildProcess, command: LoadCommand, ms: number, what: string): Promise<LoadReply> {
  return withTimeout(
    new Promise<LoadReply>((resolve, reject) => {
      const onExit = (): void => reject(new Error(`the load child exited during ${what}`));
      child.once('exit', onExit);
      child.once('message', (reply: LoadReply) => {
        child.off('exit', onExit);
        if ('error' in reply) reject(new Error(`${what}: ${reply.error}`));
        else resolve(reply);
      });
      child.send(command);
    }),
    ms,
    what,
  );
}

function findWrk(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8', timeout: 5_000 });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : null;
}

/** One wrk run: requests/s from its report. */
function wrkRun(wrk: string, target: { host: string; port: number }, connections: number, seconds: number): Promise<number> {
  const url = `http://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}/example`;
  return new Promise((resolve, reject) => {
    const child = spawn(wrk, ['-t1', `-c${connections}`, `-d${seconds}s`, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (code !== 0 || rate === null) return reject(new Error(`wrk failed (exit ${code}):\n${out}`));
      if (/Non-2xx or 3xx responses|Socket errors/.test(out)) return reject(new Error(`wrk saw errors:\n${out}`));
      resolve(Number(rate[1]));
    });
  });
}

async function measureConcurrency(servers: ReadonlyMap<string, RunningServer>, plan: Plan, wrk: string | null): Promise<WorkloadResult[]> {
  const kinds: [string, ServerKind][] = [
    ['warren', 'warren'],
    ['node:http', 'node:http'],
    ['raw (limit)', 'raw'],
  ];
  const generator = wrk === null ? 'load' : 'wrk';
  const pairs = kinds.map(([label, kind]) => ({ name: `${generator} -> ${label}`, client: generator, server: kind }));
  const child = wrk === null ? forkLoadChild() : null;
  const wrkSeconds = Math.max(1, Math.round(plan.loadMs / 1000));
  const once = async (server: RunningServer, connections: number, ms: number): Promise<number> => {
    const target = server.target as { host: string; port: number };
    if (wrk !== null) return wrkRun(wrk, target, connections, wrkSeconds);
    const reply = await ask(child!, { load: { target, connections, ms, maxRequests: 5_000_000 } }, ms + 30_000, `W6 with ${connections} connections to ${server.kind}`);
    if (!('count' in reply)) throw new Error('the load child answered something else');
    if (reply.errors > 0) throw new Error(`W6: ${reply.errors} connection(s) to ${server.kind} failed`);
    return reply.count / reply.seconds;
  };
  try {
    const out: WorkloadResult[] = [];
    for (const connections of [1, 10, 100]) {
      const list = kinds.map(([, kind]) => servers.get(`${kind} 127.0.0.1`)!);
      if (wrk === null) for (const server of list) await once(server, connections, Math.min(300, plan.warmupMs * 2));
      const runs: number[][] = list.map(() => []);
      for (let run = 0; run < plan.runs; run++) {
        const order = list.map((_, i) => i);
        if (run % 2 === 1) order.reverse();
        for (const i of order) runs[i]!.push(await once(list[i]!, connections, plan.loadMs));
      }
      out.push({
        id: 'W6',
        variant: `${connections} conn`,
        title: `GET /example from ${connections} keep-alive connection${connections === 1 ? '' : 's'} at once (${wrk === null ? "the suite's raw-socket load generator, in a child process" : 'wrk -t1'}), 127.0.0.1`,
        unit: 'requests/s',
        results: pairs.map((pair, i) => ({
          pair: pair.name,
          client: pair.client,
          server: pair.server,
          ...spread(runs[i]!),
          runs: runs[i]!,
        })),
      });
    }
    return out;
  } finally {
    if (child !== null) await stopChild(child);
  }
}

// ---------------------------------------------------------------------------------------
// Idle memory

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** The soft limit on open files of this process (children inherit it). */
function fdLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match === null) return null;
    return match[1] === 'unlimited' ? Infinity : Number(match[1]);
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function measureMemory(dir: string, connections: number): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  // The raw net server holds the sockets and nothing else: the floor any Node server stands on.
  for (const kind of ['warren', 'node:http', 'raw'] as const) {
    const path = join(dir, `idle-${kind === 'node:http' ? 'node' : kind}.sock`);
    const server = kind === 'warren' ? await startWarren(path, { maxConnections: connections + 100 }) : await startChild(kind, path);
    const child = forkLoadChild();
    try {
      await sleep(300);
      const before = rssKiB(server.pid);
      const reply = await ask(child, { idle: { target: server.target, connections, batch: 250, timeoutMs: 90_000 } }, 100_000, `opening ${connections} idle connections to ${kind}`);
      if (!('opened' in reply) || reply.opened !== connections) throw new Error(`opened ${'opened' in reply ? reply.opened : '?'} of ${connections} idle connections to ${kind}`);
      await sleep(500);
      const after = rssKiB(server.pid);
      out.push({
        server: kind,
        connections,
        rssBeforeKiB: before,
        rssAfterKiB: after,
        perConnectionBytes: ((after - before) * 1024) / connections,
        openSeconds: reply.seconds,
      });
      await ask(child, { close: true }, 30_000, 'closing the idle connections');
    } finally {
      await stopChild(child);
      await server.close();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Keep-awake

/**
 * One busy loop per CPU at the lowest priority (nice 19), so that no CPU halts between
 * the two halves of a round trip. On a VM an idle vCPU halts, and waking it costs tens of
 * microseconds, as long as a whole warren round trip: sequential loopback benchmarks then
 * measure the hypervisor. A nice-19 task yields to any normal one at once (CFS weight 15
 * against 1024), so it takes ~1.5% of a busy CPU. Each loop ends after `ms`, or within a
 * few milliseconds of its parent's death (it polls with kill(parent, 0)).
 */
function keepAwake(ms: number): ChildProcess[] {
  const code =
    `const parent = ${process.pid}, end = Date.now() + ${ms};` +
    'const alive = () => { try { process.kill(parent, 0); return true; } catch { return false; } };' +
    'for (;;) { for (let i = 0; i < 1e6; i++); if (Date.now() > end || !alive()) process.exit(0); }';
  return os.cpus().map(() => {
    const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
    child.on('error', () => {});
    try {
      os.setPriority(child.pid!, 19);
    } catch {
      child.kill();
      throw new Error('cannot lower the priority of the keep-awake loops; run with --no-keep-awake');
    }
    return child;
  });
}

// ---------------------------------------------------------------------------------------
// Ratios

function ratios(results: readonly WorkloadResult[]): Ratio[] {
  const find = (id: string, variant: string, pair: string): number | null =>
    results.find((w) => w.id === id && w.variant === variant)?.results.find((r) => r.pair === pair)?.median ?? null;
  const out: Ratio[] = [];
  const add = (workload: string, name: string, a: number | null, b: number | null): void => {
    if (a !== null && b !== null && b > 0) out.push({ workload, name, value: a / b });
  };
  for (const w of results) {
    const key = `${w.id} ${w.variant}`;
    const m = (pair: string): number | null => find(w.id, w.variant, pair);
    if (w.id === 'W6') {
      add(key, 'warren / raw (limit)', m('load -> warren') ?? m('wrk -> warren'), m('load -> raw (limit)') ?? m('wrk -> raw (limit)'));
      add(key, 'warren / node:http', m('load -> warren') ?? m('wrk -> warren'), m('load -> node:http') ?? m('wrk -> node:http'));
      continue;
    }
    add(key, 'warren<->warren / raw limit', m(WW), m(RR));
    add(key, 'warren<->warren / node:http<->node:http', m(WW), m(NN));
    add(key, 'warren<->warren / undici->node:http', m(WW), m(UN));
    add(key, 'server: undici->warren / undici->node:http', m(UW), m(UN));
    add(key, 'client: warren->node:http / undici->node:http', m(WN), m(UN));
    add(key, 'server: raw->warren / raw->node:http', m(RW), m(RN));
    add(key, 'server: raw->warren / raw limit', m(RW), m(RR));
    add(key, 'client: warren->raw / raw limit', m(WR), m(RR));
    if (w.id === 'W3') {
      add(key, 'warren pipelined / W1 warren<->warren sequential', m(WW), find('W1', 'unix', WW));
      add(key, 'warren pipelined / W2 warren<->warren sequential', m(WW), find('W2', 'unix', WW));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Output

function printWorkload(w: WorkloadResult): void {
  console.log(`\n${w.id} [${w.variant}] ${w.title}`);
  const sequential = w.unit === 'round trips/s';
  console.log(tableHeader('pair') + (sequential ? '  CPU µs per round trip: client + server' : ''));
  for (const r of w.results) {
    const flags = [isNoisy(r) ? 'noisy' : '', r.note === undefined ? '' : 'no extensions'].filter((f) => f !== '').join(', ');
    const cpu = sequential && r.cpu !== undefined ? `  ${r.cpu.clientUs.toFixed(1).padStart(5)} + ${r.cpu.serverUs.toFixed(1).padStart(5)}` : '';
    console.log(tableRow(r.pair, r, w.unit, `${cpu}${flags === '' ? '' : `  (${flags})`}`));
  }
}

// ---------------------------------------------------------------------------------------
// Main

const USAGE = `usage: node dist/bench/suite/main.js [--quick] [--json FILE] [--only W1,W6,memory] [--keep-awake | --no-keep-awake]
  --quick          2 short runs per pair and 1,000 idle connections: a ~30 s smoke run (numbers are not meaningful)
  --json FILE      also write every result as JSON (for machines, and for npm run bench:chart)
  --only LIST      run only these of W1-W6 and memory, comma-separated (to iterate on one workload)
  --keep-awake     run a nice-19 busy loop per CPU so that idle CPUs do not halt between round trips
                   (the default, except with --quick); --no-keep-awake: measure without`;

const PARTS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'memory'] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: readonly string[]): { quick: boolean; json: string | null; keepAwake: boolean; only: ReadonlySet<Part> } {
  let quick = false;
  let only = new Set<Part>(PARTS);
  let json: string | null = null;
  let keepAwake: boolean | null = null;
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
    } else if (arg === '--no-keep-awake') keepAwake = false;
    else if (arg === '--keep-awake') keepAwake = true;
    else if (arg === '--help' || arg === '-h') usage(0);
    else usage(2, `unknown argument: ${arg}`);
  }
  // On by default for the measurements, off for the smoke run (which must not busy every CPU of a CI machine).
  return { quick, json, keepAwake: keepAwake ?? !quick, only };
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
  setTimeout(() => {
    console.error(`bench failed: still running after ${options.quick ? 110 : 540} s`);
    process.exit(1);
  }, (options.quick ? 110 : 540) * 1000).unref();

  const machine = thisMachine();
  console.log('warren bench suite: warren against node:http, undici and the raw net limit, servers in child processes');
  console.log(machineLine(machine));
  console.log(
    `mode: ${options.quick ? 'quick (smoke test: numbers are not meaningful)' : 'full'}: per pair a check, ${plan.warmupMs} ms warm-up, then ${plan.runs} runs of ${plan.runMs} ms` +
      ` (W6: ${plan.loadMs} ms), pairs interleaved run by run; median, min and max over the runs`,
  );

  const spinners = options.keepAwake ? keepAwake((options.quick ? 110 : 540) * 1000) : [];
  console.log(
    options.keepAwake
      ? `keep-awake: ${spinners.length} busy loop(s) at nice 19 keep idle CPUs from halting between round trips of W1-W5; stopped for W6, whose load keeps every CPU busy (--no-keep-awake to measure without)`
      : 'keep-awake: off (on a VM, sequential round trips then include the wake-up of halted vCPUs; --keep-awake to prevent it)',
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
      for (const kind of ['warren', 'node:http', 'raw'] as const) {
        const on = transport === 'unix' ? join(dir, `${kind === 'node:http' ? 'node' : kind}.sock`) : transport;
        starts.push(startServer(kind, on).then((server) => void servers.set(`${kind} ${transport}`, server)));
      }
    }
    await Promise.all(starts);

    for (const workload of workloads(transports).filter((w) => options.only.has(w.id as Part))) {
      const result = await measure(workload, servers, plan);
      results.push(result);
      printWorkload(result);
    }
    // Under load no CPU idles, and a busy loop, however nice, would take CPU time from the server being measured.
    await Promise.all(spinners.map(stopChild));
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
    await Promise.all(spinners.map(stopChild));
    for (const server of servers.values()) await server.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }

  const all = ratios(results);
  console.log('\nratios of medians (above 1: the first is faster)');
  for (const r of all) console.log(`ratio ${r.workload.padEnd(14)} ${r.name.padEnd(50)} ${r.value.toFixed(2)}`);
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
      keepAwake: options.keepAwake,
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
