// The CLI tests run `warren` as a child process, the way a user does. This keeps every child
// bounded in time (a hung command fails its test, not the whole run) and removes what a
// failing test leaves behind: children still running and temporary directories.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatCliAddress, type Address } from '../../src/index.js';

// This file runs as dist/test/lib/cli.js; the CLI is dist/src/cli/main.js.
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Long enough for a TLS handshake on a loaded CI machine, short enough that a hang is reported. */
export const TIMEOUT = 15_000;

const children = new Set<ChildProcess>();
const dirs: string[] = [];

after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-cli-'));
  dirs.push(dir);
  return dir;
}

export interface Run {
  code: number | null;
  /** The signal that ended the child: SIGKILL when it ran past its timeout. */
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout undecoded, for bodies that are not UTF-8 text. */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; without it the child's stdin is /dev/null. */
  readonly input?: string | Uint8Array;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeout?: number;
}

/** Runs `command` to its end without blocking: servers in this process must go on serving meanwhile. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const child = spawn(command, args, {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  children.add(child);
  const parts: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (part: Buffer) => parts.push(part));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  if (options.input !== undefined) child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? TIMEOUT);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const stdoutBytes = Buffer.concat(parts);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
  });
}

export function runWarren(args: readonly string[], options?: RunOptions): Promise<Run> {
  return run(process.execPath, [MAIN, ...args], options);
}

/** `warren ...args` to its end, for the many tests that need no options. */
export const warren = (...args: string[]): Promise<Run> => runWarren(args);

export interface Running {
  child: ChildProcess;
  /** The first line on stdout, without its newline: a server says there where it listens. */
  line: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `warren ...args`, which keeps running, and resolves once its first line is out. */
export async function startWarren(args: readonly string[], timeout = TIMEOUT): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line on stdout from warren ${args.join(' ')} within ${timeout} ms; stderr: ${stderr}`)), timeout);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const end = stdout.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    void exited.then(({ code }) => reject(new Error(`warren ${args.join(' ')} exited with ${code} before its first line; stderr: ${stderr}`)));
  });
  return { child, line, stderr: () => stderr, exited };
}

export interface Echo extends Running {
  /** The address from the `listening` line, parsed from its JSON. */
  address: Address;
  /** The same address in the form the CLI takes, for `warren request`. */
  cliAddress: string;
}

/** Starts `warren echo ...args` and waits until it listens. */
export async function startEcho(...args: string[]): Promise<Echo> {
  const running = await startWarren(['echo', ...args]);
  assert.match(running.line, /^listening /);
  const address = JSON.parse(running.line.slice('listening '.length)) as Address;
  return { ...running, address, cliAddress: formatCliAddress(address) };
}

/** Stops a running warren with `signal` and asserts that it handled it: exit 0, not killed by it. */
export async function stopWarren(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  running.child.kill(signal);
  const { code, signal: by } = await running.exited;
  assert.equal(by, null, `warren was killed by ${by}; stderr: ${running.stderr()}`);
  assert.equal(code, 0, `warren exited with ${code}; stderr: ${running.stderr()}`);
}
