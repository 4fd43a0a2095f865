// Hono on warren (fetchApp(app.fetch)) against Hono on @hono/node-server, the adapter
// Hono's docs give for Node, as it runs by default (replacing the global Request and
// Response) and with overrideGlobalObjects false ('node-server-plain': Node's own
// Response, as fetchApp() must take it): the same app (GET /example -> 'hello, world'), each server in
// a child process of its own, driven by the suite's raw-socket load generator (a third
// process) over 127.0.0.1, with 1 and 50 keep-alive connections. Servers take turns run
// by run, in alternating order; each figure is the median of the runs, the ratios
// warren/node-server and warren/node-server-plain are of the medians.
//
//   node dist/bench/hono.js [--quick] [--runs N] [--ms MS] [--json FILE]
//
// --quick: a few short runs, for smoke tests (numbers are not meaningful).
// --runs N, --ms MS: runs per server and connection count (default 5), each MS long (default 1000).
// --json FILE: also write the results as JSON.

import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './lib/args.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { stopChild, type ChildReport } from './lib/servers.js';
import { isNoisy, spread, tableHeader, tableRow, type Spread } from './lib/stats.js';
import { withTimeout } from './lib/timeout.js';
import { ask, forkLoadChild } from './suite/concurrency.js';
import type { Target } from './suite/framing.js';
import { HONO_SERVERS, type HonoServer } from './lib/hono-app.js';

const USAGE = `usage: node dist/bench/hono.js [--quick] [--runs N] [--ms MS] [--json FILE]
  --quick      a few short runs, for smoke tests (numbers are not meaningful)
  --runs N     runs per server and connection count (default 5)
  --ms MS      length of each run in ms (default 1000)
  --json FILE  also write the results as JSON`;

interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly ms: number;
  readonly json: string | null;
}

function parseArgs(argv: readonly string[]): Options {
  const { quick, json, numbers } = benchArgs('hono', USAGE, argv, ['runs', 'ms']);
  return { quick, runs: numbers['runs'] ?? (quick ? 3 : 5), ms: numbers['ms'] ?? (quick ? 150 : 1000), json };
}

const CHILD = fileURLToPath(new URL('./lib/hono-child.js', import.meta.url));
const CONNECTIONS = [1, 50] as const;

interface Running {
  readonly kind: HonoServer;
  readonly target: Target;
  close(): Promise<void>;
}

async function start(kind: HonoServer): Promise<Running> {
  const child = fork(CHILD, [kind, '127.0.0.1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => {});
  const report = await withTimeout(
    new Promise<ChildReport>((resolve, reject) => {
      child.once('message', (m: ChildReport) => resolve(m));
      child.once('exit', (code, signal) => reject(new Error(`the ${kind} child exited (${signal ?? code}) before it listened`)));
    }),
    30_000,
    `starting Hono on ${kind}`,
  ).catch(async (error: Error) => {
    await stopChild(child);
    throw error;
  });
  if ('error' in report) {
    await stopChild(child);
    throw new Error(`Hono on ${kind} could not listen: ${report.error}`);
  }
  return { kind, target: report.target, close: () => stopChild(child) };
}

interface Row {
  readonly connections: number;
  readonly server: HonoServer;
  readonly requestsPerSecond: Spread & { readonly runs: readonly number[] };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const machine = thisMachine();
  const commit = gitCommit();
  console.log('Hono requests per second: on warren (fetchApp) vs on @hono/node-server (default, and plain: overrideGlobalObjects false), GET /example, 127.0.0.1.');
  console.log(machineLine(machine));
  console.log(`commit: ${commit ?? 'unknown'}; ${options.runs} runs of ${options.ms} ms per server and connection count, interleaved${options.quick ? ' (--quick: numbers are not meaningful)' : ''}`);
  const servers: Running[] = [];
  const load = forkLoadChild();
  try {
    for (const kind of HONO_SERVERS) servers.push(await start(kind));
    const once = async (server: Running, connections: number, ms: number): Promise<number> => {
      const reply = await ask(load, { load: { target: server.target, connections, ms, maxRequests: 50_000_000 } }, ms + 30_000, `${connections} connection(s) to Hono on ${server.kind}`);
      if (!('count' in reply)) throw new Error('the load child answered something else');
      if (reply.errors > 0) throw new Error(`${reply.errors} connection(s) to Hono on ${server.kind} failed`);
      return reply.count / reply.seconds;
    };
    const rows: Row[] = [];
    const ratios: { connections: number; peer: string; ratio: number }[] = [];
    console.log(tableHeader('connections / server'));
    for (const connections of CONNECTIONS) {
      // A warm-up each, untimed: both JITs reach their steady state before the first run.
      for (const server of servers) await once(server, connections, Math.min(500, options.ms));
      const runs: number[][] = servers.map(() => []);
      for (let run = 0; run < options.runs; run++) {
        const order = servers.map((_, i) => i);
        if (run % 2 === 1) order.reverse();
        for (const i of order) runs[i]!.push(await once(servers[i]!, connections, options.ms));
      }
      const medians = new Map<HonoServer, number>();
      servers.forEach((server, i) => {
        const s = spread(runs[i]!);
        medians.set(server.kind, s.median);
        rows.push({ connections, server: server.kind, requestsPerSecond: { ...s, runs: runs[i]! } });
        console.log(tableRow(`${connections} ${server.kind}`, s, 'requests/s', isNoisy(s) ? '  noisy' : ''));
      });
      for (const peer of ['node-server', 'node-server-plain'] as const) {
        const ratio = medians.get('warren')! / medians.get(peer)!;
        ratios.push({ connections, peer, ratio });
        console.log(`ratio warren/${peer} ${connections} ${ratio.toFixed(2)}`);
      }
    }
    if (options.json !== null) {
      const report = { bench: 'hono', mode: options.quick ? 'quick' : 'full', commit, machine, runs: options.runs, msPerRun: options.ms, results: rows, ratios };
      mkdirSync(dirname(options.json), { recursive: true });
      writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`results written to ${options.json}`);
    }
  } finally {
    await stopChild(load);
    for (const server of servers) await server.close();
  }
}

await main();
