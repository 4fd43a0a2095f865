// Starting test/lib/worker-child.js processes: each is killed when the test file ends, and
// a child that does not say it listens within STARTUP_MS fails its test with its stderr.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Address } from '../../src/index.js';

const CHILD = fileURLToPath(new URL('./worker-child.js', import.meta.url));

/** Long enough for node to start on a loaded 2-CPU machine. */
export const STARTUP_MS = 15_000;

const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** A running worker: its pid, the address it reports, and stop(). */
export interface Worker {
  readonly pid: number;
  readonly address: Address;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** The command line that runs a worker with `config` (for a test that wraps it in sh). */
export function workerArgs(config: object): string[] {
  return [CHILD, JSON.stringify(config)];
}

/**
 * Starts a worker: `node worker-child.js config`, or `command` (such as sh -c '... exec node ...')
 * when given; `stdio` past the first three passes descriptors (an inherited socket at fd 3).
 */
export function startWorker(config: object, options: { command?: [string, string[]]; stdio?: StdioOptions; env?: NodeJS.ProcessEnv } = {}): Promise<Worker> {
  const [file, args] = options.command ?? [process.execPath, workerArgs(config)];
  const child = spawn(file, args, { stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<Worker>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(`did not start within ${STARTUP_MS} ms`), STARTUP_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`worker ${why}; stderr: ${stderr}`));
    };
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.indexOf('\n');
      if (line < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const { pid, address } = JSON.parse(stdout.slice(0, line)) as { pid: number; address: Address };
      const stop = (): Promise<void> =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => {
            children.delete(child);
            done();
          });
          child.kill('SIGTERM');
        });
      resolve({ pid, address, child, stop });
    });
  });
}
