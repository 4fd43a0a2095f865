// A real nginx for tests: one foreground process (`-g 'daemon off;'`) whose prefix, pid
// file, error log and temp paths all live in a fresh temp directory, listening on a free
// port of 127.0.0.1. startNginx() resolves once the port accepts; stop() ends it and
// removes the directory, and any still running when the test file ends are killed.
// nginx is Debian's, in /usr/sbin (often not on PATH); nginxSkipReason() says when absent.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** Long enough for nginx to start on a loaded 2-CPU machine. */
export const NGINX_START_MS = 10_000;
/** A port taken between our probe and nginx's bind: tried again this many times. */
const BIND_ATTEMPTS = 3;

const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Where nginx is: on PATH, else Debian's /usr/sbin/nginx; null when neither. */
export function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here: the next place.
    }
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : null;
}

/** Why the nginx tests cannot run here, or null when they can. */
export function nginxSkipReason(): string | null {
  return findNginx() === null ? 'nginx is not installed (not on PATH, nor /usr/sbin/nginx): apt-get install nginx, as .ci/run does' : null;
}

/** A running nginx. */
export interface RunningNginx {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** Its prefix: nginx.conf, error.log and the temp directories. */
  readonly dir: string;
  /** What its error log says so far (for a failing test's message). */
  errors(): string;
  /** Stops it (SIGQUIT: graceful, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts nginx with `httpBlock` inside its http { } block. The block is given the port to
 * listen on: `(port) => \`upstream ... server { listen 127.0.0.1:${port}; ... }\``.
 */
export async function startNginx(httpBlock: (port: number) => string): Promise<RunningNginx> {
  const nginx = findNginx();
  if (nginx === null) throw new Error(nginxSkipReason()!);
  let failure: Error | null = null;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'warren-nginx-'));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), config(dir, httpBlock(port)));
    const child = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const errors = (): string => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8') + stderr;
      } catch {
        return stderr;
      }
    };
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    };
    if (await accepting(port, exited)) return { port, dir, errors, stop };
    const log = errors();
    await stop();
    failure = new Error(`nginx did not start: ${log.trim() || 'no error logged'}`);
    if (!/Address already in use/.test(log)) break;
  }
  throw failure!;
}

function config(dir: string, httpBlock: string): string {
  // Started as root (a CI container), the master would hand its workers to `nobody`, who
  // may not reach the temp directory nor connect to the backends' sockets there.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${httpBlock}
}
`;
}

/** A port free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Polls until `port` accepts (true), nginx exits or NGINX_START_MS pass (false). */
async function accepting(port: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + NGINX_START_MS;
  while (!gone && Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}
