// W6, concurrency: GET /example from 1, 10 and 100 keep-alive connections at once, over
// 127.0.0.1, driven by wrk when it is installed, else by the suite's own raw-socket load
// generator in a child process (load-child.ts). Servers take turns run by run, in
// alternating order; the CPUs are busy with the load, so no keep-awake loop runs.

import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild, type RunningServer, type ServerKind } from '../lib/servers.js';
import { spread } from '../lib/stats.js';
import { withTimeout } from '../lib/timeout.js';
import type { LoadCommand, LoadReply } from './load-child.js';
import type { Plan } from './plan.js';
import type { WorkloadResult } from './results.js';

const LOAD_CHILD = fileURLToPath(new URL('./load-child.js', import.meta.url));

export function forkLoadChild(): ChildProcess {
  const child = fork(LOAD_CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => {});
  return child;
}

export function ask(child: ChildProcess, command: LoadCommand, ms: number, what: string): Promise<LoadReply> {
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

export function findWrk(): string | null {
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

export async function measureConcurrency(servers: ReadonlyMap<string, RunningServer>, plan: Plan, wrk: string | null): Promise<WorkloadResult[]> {
  const kinds: [string, ServerKind][] = [
    ['warren', 'warren'],
    ['node:http', 'node:http'],
    ['fastify', 'fastify'],
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
        condition: 'no keep-awake',
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
