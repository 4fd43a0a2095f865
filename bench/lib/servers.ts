// The one way the benches start their servers: `serveHere` listens in this process (what
// a counted process of bench/instructions.ts needs), `serveInChild` runs the same function
// in a child process of its own (server-child.ts: the suite's servers, and the peers of
// the instruction counts). Every start is bounded in time; every child is ended by `close`
// and exits by itself when its parent goes (the IPC channel closes).

import { fork, type ChildProcess } from 'node:child_process';
import type { Server as NetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server, type ServerOptions } from '../../src/index.js';
import { fastifyServer, nodeHttpServer, rawServer, suite } from '../suite/apps.js';
import type { Target } from '../suite/framing.js';
import { withTimeout } from './timeout.js';

/** The servers the benches compare (bench/suite/apps.ts has their routes). */
export type ServerKind = 'warren' | 'node:http' | 'fastify' | 'raw';
export const SERVER_KINDS: readonly ServerKind[] = ['warren', 'node:http', 'fastify', 'raw'];


/** The options of every warren server in the benches: no limit a run could reach. */
export const WARREN_OPTIONS: ServerOptions = { maxRequestsPerConnection: 1e9, keepAliveTimeout: 600_000, maxBodyBytes: 64 * 1024 * 1024 };

/** A server listening in this process. */
export interface Listening {
  readonly target: Target;
  close(): Promise<void>;
}

/** A server in a child process. */
export interface RunningServer extends Listening {
  readonly kind: ServerKind;
  readonly pid: number;
}

/** Listens with `kind` on `on` (a Unix socket path, '127.0.0.1' or '::1'); `options` are warren's, over WARREN_OPTIONS. */
export async function serveHere(kind: ServerKind, on: string, options: ServerOptions = {}): Promise<Listening> {
  if (kind === 'warren') {
    const server = new Server(on.startsWith('/') ? on : [on, 0], suite(), { ...WARREN_OPTIONS, ...options });
    await server.listen();
    const address = server.address;
    return { target: typeof address === 'string' ? { path: address } : { host: address[0], port: address[1] }, close: () => server.close() };
  }
  const server: NetServer = kind === 'raw' ? await rawServer(on) : kind === 'fastify' ? await fastifyServer(on) : await nodeHttpServer(on);
  const address = server.address();
  const target: Target = on.startsWith('/') ? { path: on } : { host: on, port: typeof address === 'object' && address !== null ? address.port : 0 };
  return {
    target,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as NetServer & { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

const SERVER_CHILD = fileURLToPath(new URL('./server-child.js', import.meta.url));

/** What server-child.ts sends its parent once it listens. */
export type ChildReport = { readonly target: Target } | { readonly error: string };

/** Runs serveHere(kind, on, options) in a child process (forked with `execArgv`, none by default). */
export async function serveInChild(kind: ServerKind, on: string, options: ServerOptions = {}, execArgv: readonly string[] = []): Promise<RunningServer> {
  const child = fork(SERVER_CHILD, [kind, on, JSON.stringify(options)], { execArgv: [...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => {});
  const report = await withTimeout(
    new Promise<ChildReport>((resolve, reject) => {
      child.once('message', (m: ChildReport) => resolve(m));
      child.once('exit', (code, signal) => reject(new Error(`the ${kind} server child exited (${signal ?? code}) before it listened on ${on}`)));
    }),
    30_000,
    `starting the ${kind} server on ${on}`,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw error;
  });
  if ('error' in report) {
    await stopChild(child);
    throw new Error(`the ${kind} server child could not listen on ${on}: ${report.error}`);
  }
  return { kind, target: report.target, pid: child.pid!, close: () => stopChild(child) };
}

/**
 * Ends a child and waits until it has exited: a child with an IPC channel is asked first
 * (the channel closes and it exits by itself, so a --cpu-prof child writes its profile),
 * then SIGTERM, then SIGKILL, each after 2 s.
 */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (what: string): Promise<boolean> =>
    withTimeout(exited, 2_000, what).then(
      () => true,
      () => false,
    );
  if (child.connected) {
    child.disconnect();
    if (await within('a child exit after its channel closed')) return;
  }
  child.kill();
  if (await within('a child exit')) return;
  child.kill('SIGKILL');
  await within('a killed child exit');
}
