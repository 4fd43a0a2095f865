// N worker processes on one TCP port, each a warren Server with reusePort: the kernel
// spreads new connections among their accept queues (SO_REUSEPORT). The primary only
// starts the workers, restarts one that dies (at most MAX_RESTARTS_PER_MINUTE) and passes
// SIGINT/SIGTERM on, so that each worker closes gracefully.
//
//   node dist/examples/multi-process.js [port] [workers]     (defaults: 8080, the CPU count)
//
// Why child processes with reusePort rather than node:cluster: cluster's default on Linux
// is round-robin in the primary, which accepts every connection itself and sends it to a
// worker over IPC (a hop per connection, one process in every connection's path); its other
// mode has the workers share one accept queue, which the kernel balances badly (nginx turned
// to reuseport for the same reason). With reusePort each worker accepts on its own queue, and
// the workers need no common parent: a new generation can bind the port before the old one
// stops. The price: the kernel's hash does not know which worker is busy, and connections
// still queued on a worker that closes are reset (Linux), so stop workers one at a time.
//
// WARREN_DEMO_ONCE=1: listens on a free port, sends requests until every worker answered
// (at most 50 per worker), prints who did, and exits.

import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Server, type App } from 'warren';

/** Restarts allowed in a minute before the primary gives up (systemd's StartLimitBurst is 5 per 10 s). */
const MAX_RESTARTS_PER_MINUTE = 10;

/** Says which worker answered. */
export const workerApp: App = (session) => ({
  status: 200,
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  body: `worker ${process.pid}, request ${session.requests} on this connection\n`,
});

async function worker(port: number): Promise<void> {
  const server = new Server(['0.0.0.0', port], workerApp, { reusePort: true });
  await server.listen();
  process.send?.({ listening: (server.address as [string, number])[1] });
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The primary is gone: so is the reason to serve.
  process.on('disconnect', stop);
}

/** Forks one worker and resolves with it and its port once it listens. */
function spawnWorker(port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, WARREN_WORKER_PORT: String(port) } });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { listening: number }) => resolve({ child, port: message.listening }));
    child.once('exit', (code) => reject(new Error(`a worker exited with ${code} before listening`)));
  });
}

async function primary(port: number, count: number, once: boolean): Promise<void> {
  // The first worker binds (port 0: any free one); the others join the port it got.
  const first = await spawnWorker(port);
  const bound = first.port;
  const workers = new Set<ChildProcess>([first.child]);
  for (let i = 1; i < count; i++) workers.add((await spawnWorker(bound)).child);
  let stopping = false;
  const restarts: number[] = [];
  const watch = (child: ChildProcess): void => {
    child.once('exit', (code, signal) => {
      workers.delete(child);
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        console.error(`workers died ${restarts.length} times in a minute (the last: ${signal ?? code}): stopping`);
        return shutdown();
      }
      console.error(`worker ${child.pid} died (${signal ?? code}): starting another`);
      spawnWorker(bound).then(({ child: next }) => {
        workers.add(next);
        watch(next);
      }, (error: unknown) => console.error(error));
    });
  };
  const shutdown = (): void => {
    stopping = true;
    for (const child of workers) child.kill('SIGTERM');
  };
  for (const child of workers) watch(child);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log(`${count} workers serving on http://127.0.0.1:${bound}/ (pids ${[...workers].map((w) => w.pid).join(', ')})`);
  if (!once) return;

  const seen = new Map<string, number>();
  for (let i = 0; i < 50 * count && seen.size < count; i++) {
    // A new connection each time: the kernel picks a worker per connection.
    const conn = await new Client(['127.0.0.1', bound]).connect();
    const body = await (await conn.get('/')).body!.text();
    conn.close();
    const pid = body.split(',')[0]!;
    seen.set(pid, (seen.get(pid) ?? 0) + 1);
  }
  for (const [pid, n] of seen) console.log(`${pid} answered ${n} connection(s)`);
  console.log(seen.size === count ? 'every worker answered' : `only ${seen.size} of ${count} workers answered`);
  shutdown();
  if (seen.size !== count) process.exitCode = 1;
}

const workerPort = process.env['WARREN_WORKER_PORT'];
if (workerPort !== undefined) {
  await worker(Number(workerPort));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const once = process.env['WARREN_DEMO_ONCE'] === '1';
  const port = once ? 0 : Number(process.argv[2] ?? 8080);
  const count = Number(process.argv[3] ?? (once ? 2 : availableParallelism()));
  await primary(port, count, once);
}
