// TempServer, as Degu's degu.misc.TempServer: a throw-away warren server in a child
// process, for tests and benchmarks. The child imports an ES module, calls one of its
// exports to build the app, listens on the address given, and reports the address it got.
// It dies with its parent (it watches the IPC channel), and close() stops it gracefully.

import { fork, type ChildProcess } from 'node:child_process';
import { unlink } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server, type App, type ServerHooks, type ServerOptions } from '../server/index.js';
import type { ServerTlsOptions } from '../transport/tls.js';

/** Server options that travel to the child as JSON: no onError hook; tls with PEM text. */
export type TempServerOptions = ServerOptions & { readonly tls?: ServerTlsOptions };
import { checkAddress, describeAddress, type Address } from '../transport/address.js';

/** What can cross to the child: JSON. An object property that is undefined is left out, as JSON does. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** What TempServer.startWith() runs in a child: an app module, the address, the server options. */
export interface TempServerSpec {
  /** Where to listen, in any Address form; port 0 lets the kernel choose. */
  readonly address: Address;
  /** The app module: a file: URL (a URL or its string) or an absolute path. */
  readonly module: string | URL;
  /** The export of `module` that builds the app: `(...args) => app`, or a promise of it. */
  readonly exportName: string;
  /** Arguments for the builder; JSON only. Default []. */
  readonly args?: readonly JsonValue[];
  /** Options for `new Server(address, app, options)` in the child; JSON only (no onError hook). */
  readonly options?: TempServerOptions;
  /** How long start waits for the child to report; then it kills the child and rejects. Default 10 s. */
  readonly startTimeout?: number;
  /** How long close() waits for a graceful exit before SIGKILL. Default 5 s. */
  readonly closeTimeout?: number;
  /**
   * Node flags for the child. Default: this process's flags (so loaders such as `--import tsx`
   * carry over) without the test runner's, --watch or --inspect.
   */
  readonly execArgv?: readonly string[];
}

/** How the child ended: an exit code, or the signal that ended it. */
export interface TempServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// --- the IPC protocol, shared with temp-server-child.ts -----------------------------------

/** @internal What the child needs to start. */
export interface StartSpec {
  readonly address: Address;
  readonly module: string;
  readonly exportName: string;
  readonly args: readonly JsonValue[];
  readonly options: TempServerOptions | null;
}

/** @internal Parent to child. */
export type ParentMessage = { readonly start: StartSpec } | { readonly close: true };

/** @internal Child to parent. */
export type ChildMessage = { readonly ready: true; readonly address: Address } | { readonly error: string };

const CHILD_PATH = fileURLToPath(new URL('./temp-server-child.js', import.meta.url));

/**
 * @internal The environment variable that marks a TempServer child: the child reads it
 * at its start, keeps the mark on globalThis (where every copy of warren sees it) and
 * removes it from its environment, so the app's own children do not inherit it.
 */
export const CHILD_MARK = 'WARREN_TEMP_SERVER_CHILD';
/** @internal Where the child keeps its mark. */
export const CHILD_SYMBOL = Symbol.for('warren.testing.temp-server-child');

/** Refuses a start from inside a child: a module that starts a TempServer of itself would fork a child per import, for ever. */
function refuseInChild(module: string): void {
  if ((globalThis as Record<symbol, unknown>)[CHILD_SYMBOL] !== true) return;
  throw new Error(
    `TempServer.startWith() for ${module} was called inside a TempServer child, most likely by the app module it imports: ` +
      'a module that exports the app builder and also starts a TempServer of itself starts one more child at each import. ' +
      'Move the builder to its own module and pass that module, or use TempServer.inProcess(app) to serve the app in this process.',
  );
}
const DEFAULT_START_TIMEOUT = 10_000;
const DEFAULT_CLOSE_TIMEOUT = 5_000;
/** How long a child that reported a failure gets to exit by itself before SIGKILL. */
const FAILED_EXIT_GRACE = 1_000;

/** What TempServer.inProcess() takes besides the app. */
export interface InProcessSpec {
  /** Where to listen. Default ['127.0.0.1', 0]: a free port on loopback. */
  readonly address?: Address;
  /** Options for `new Server(address, app, options)`, hooks included (this process: no JSON needed). */
  readonly options?: ServerOptions & ServerHooks;
  /** How long close() lets exchanges in flight finish before it destroys their connections. Default 5 s. */
  readonly closeTimeout?: number;
}

/** The two ways a TempServer runs: a child process, or a Server in this process. */
type Backend = { readonly child: ChildProcess } | { readonly server: Server };

/**
 * A throw-away warren server for tests (Degu's TempServer): in a child process built from an
 * app module, or in this process; close() stops it gracefully.
 */
export class TempServer {
  /** The address the server is listening on, in the form given, with the port the kernel chose. */
  readonly address: Address;
  /** The child's process id; this process's for inProcess(). */
  readonly pid: number;
  /** Settles when the child has exited (and a Unix socket file it could not remove is gone), or the in-process server has closed. */
  readonly exited: Promise<TempServerExit>;
  readonly #backend: Backend;
  readonly #closeTimeout: number;
  #exit: TempServerExit | null = null;
  #closing: Promise<TempServerExit> | null = null;
  #markExited: ((exit: TempServerExit) => void) | null = null;

  private constructor(backend: Backend, pid: number, address: Address, exited: Promise<TempServerExit> | null, closeTimeout: number) {
    this.#backend = backend;
    this.pid = pid;
    this.address = address;
    this.#closeTimeout = closeTimeout;
    const done = exited ?? new Promise<TempServerExit>((resolve) => (this.#markExited = resolve));
    this.exited = done.then((exit) => (this.#exit = exit));
  }

  /**
   * Serves `app` in this process, on a real socket, behind the same interface as a child's:
   * for a test whose app cannot be imported by a child (a closure, a fixture of the test
   * file itself), or that wants its app's state at hand. Resolves once it listens.
   */
  static async inProcess(app: App, spec: InProcessSpec = {}): Promise<TempServer> {
    if (spec === null || typeof spec !== 'object') throw new TypeError('TempServer.inProcess(app, spec?) takes { address?, options?, closeTimeout? } as its spec');
    const closeTimeout = checkTimeout(spec.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT, 'closeTimeout');
    const server = new Server(spec.address ?? ['127.0.0.1', 0], app, spec.options);
    await server.listen();
    return new TempServer({ server }, process.pid, server.address, null, closeTimeout);
  }

  /**
   * Starts `exportName(...args)` from `module` as a server on `address` in a child process;
   * resolves once it listens. Rejects with the child's reason if it cannot start.
   */
  static start(address: Address, module: string | URL, exportName: string, ...args: JsonValue[]): Promise<TempServer> {
    return TempServer.startWith({ address, module, exportName, args });
  }

  /** start() with every option. */
  static async startWith(spec: TempServerSpec): Promise<TempServer> {
    if (spec === null || typeof spec !== 'object') {
      throw new TypeError('TempServer.startWith() takes { address, module, exportName, args?, options? }');
    }
    const address = checkAddress(spec.address);
    const module = moduleHref(spec.module);
    refuseInChild(module);
    if (typeof spec.exportName !== 'string' || spec.exportName === '') {
      throw new TypeError(`the exportName must name an export of ${module}; got ${String(spec.exportName)}`);
    }
    const args = spec.args ?? [];
    if (!Array.isArray(args)) throw new TypeError('the args of a TempServer must be an array');
    args.forEach((arg: unknown, i) => checkJson(arg, `args[${i}]`, []));
    if (spec.options !== undefined) checkJson(spec.options, 'options', []);
    const startTimeout = checkTimeout(spec.startTimeout ?? DEFAULT_START_TIMEOUT, 'startTimeout');
    const closeTimeout = checkTimeout(spec.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT, 'closeTimeout');
    const execArgv = spec.execArgv === undefined ? inheritedExecArgv(process.execArgv) : [...spec.execArgv];
    const what = `${spec.exportName} from ${module} on ${describeAddress(address)}`;

    const child = fork(CHILD_PATH, [], {
      execArgv,
      env: { ...process.env, [CHILD_MARK]: '1' },
      serialization: 'json',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Errors that matter show as an exit; a failed send to a dead child must not crash us.
    child.on('error', () => {});
    let ready = false;
    const exited = new Promise<TempServerExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }).then(async (exit) => {
      if (ready && (exit.signal !== null || exit.code !== 0) && typeof address === 'string' && !address.startsWith('\0')) {
        // A child that was killed or crashed could not remove its socket file.
        await unlink(address).catch(() => {});
      }
      return exit;
    });

    const bound = await new Promise<Address>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, value?: Address): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('error', onError);
        child.off('close', onExit);
        if (error === null) {
          ready = true;
          resolve(value!);
          return;
        }
        if (child.pid === undefined) {
          // It never ran (the spawn failed), so there is nothing to wait for.
          reject(error);
          return;
        }
        // Leave nothing behind: make sure the child is gone before rejecting.
        const kill = setTimeout(() => child.kill('SIGKILL'), FAILED_EXIT_GRACE);
        void exited.then(() => {
          clearTimeout(kill);
          reject(error);
        });
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(new Error(`TempServer: the child did not report within ${startTimeout} ms while starting ${what}; it was killed`));
      }, startTimeout);
      const onMessage = (message: unknown): void => {
        if (isObject(message) && typeof message['error'] === 'string') {
          finish(new Error(`TempServer: ${message['error']}`));
        } else if (isObject(message) && message['ready'] === true) {
          try {
            finish(null, checkAddress(message['address']));
          } catch (error) {
            child.kill('SIGKILL');
            finish(new Error(`TempServer: the child reported a bad address: ${(error as Error).message}`));
          }
        }
      };
      const onError = (error: Error): void => {
        child.kill('SIGKILL');
        finish(new Error(`TempServer: cannot run the child for ${what}: ${error.message}`));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
        finish(new Error(`TempServer: the child ${how} before it was ready, while starting ${what}`));
      };
      child.on('message', onMessage);
      child.on('error', onError);
      // 'close', not 'exit': it comes after the channel is drained, so an error the child sent is read first.
      child.on('close', onExit);
      const message: ParentMessage = { start: { address, module, exportName: spec.exportName, args, options: spec.options ?? null } };
      child.send(message);
    });
    // Idle, the child does not keep this process alive; if this process exits, the child
    // sees its channel close and exits too. close() holds the process until the child is gone.
    child.unref();
    child.channel?.unref();
    return new TempServer({ child }, child.pid!, bound, exited, closeTimeout);
  }

  /** True until the child has exited. */
  get running(): boolean {
    return this.#exit === null;
  }

  /**
   * Asks the child to close the server (exchanges in flight finish, idle connections close)
   * and waits for it to exit; after `timeout` ms it is killed. Resolves with how it ended.
   * In process: closes the server; after `timeout` ms its connections are destroyed.
   */
  close(timeout: number = this.#closeTimeout): Promise<TempServerExit> {
    if (this.#closing !== null) return this.#closing;
    checkTimeout(timeout, 'timeout');
    if ('server' in this.#backend) {
      this.#closing = this.#stopServer(this.#backend.server.close({ timeout }), { code: 0, signal: null });
      return this.#closing;
    }
    const child = this.#backend.child;
    this.#closing = this.#stop(() => {
      if (child.connected) {
        const message: ParentMessage = { close: true };
        child.send(message);
      } else {
        child.kill('SIGTERM');
      }
    }, timeout);
    return this.#closing;
  }

  /** Kills the child at once (SIGKILL), as a crash would, and waits for it to be gone. In process: destroys every connection and closes. */
  kill(): Promise<TempServerExit> {
    if ('server' in this.#backend) {
      const server = this.#backend.server;
      const closed = server.close({ timeout: 0 });
      server.closeAllConnections();
      return this.#stopServer(closed, { code: null, signal: 'SIGKILL' });
    }
    const child = this.#backend.child;
    return this.#stop(() => child.kill('SIGKILL'), 0);
  }

  async #stopServer(closed: Promise<void>, exit: TempServerExit): Promise<TempServerExit> {
    if (this.#exit !== null) return this.#exit;
    await closed;
    this.#markExited?.(exit);
    return this.exited;
  }

  async #stop(ask: () => void, timeout: number): Promise<TempServerExit> {
    if (this.#exit !== null) return this.#exit;
    const child = (this.#backend as { child: ChildProcess }).child;
    child.ref();
    ask();
    const timer = timeout > 0 ? setTimeout(() => child.kill('SIGKILL'), timeout) : null;
    try {
      return await this.exited;
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
  }
}

// --- helpers ----------------------------------------------------------------------------

function moduleHref(module: unknown): string {
  const hint = "; pass a file: URL or an absolute path, such as new URL('./app.js', import.meta.url)";
  if (module instanceof URL) {
    if (module.protocol !== 'file:') throw new TypeError(`the app module must be a file: URL; got ${module.href}${hint}`);
    return module.href;
  }
  if (typeof module !== 'string') throw new TypeError(`the app module must be a URL or a string; got ${typeof module}${hint}`);
  if (module.startsWith('file:')) {
    try {
      return new URL(module).href;
    } catch {
      throw new TypeError(`the app module is not a valid file: URL: ${module}${hint}`);
    }
  }
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new TypeError(`the app module must be a file: URL or an absolute path; got ${JSON.stringify(module)}${hint}`);
}

function checkTimeout(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(`the TempServer ${name} must be a positive integer of milliseconds; got ${String(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Throws a TypeError naming where `value` is not JSON, which would not reach the child as given. */
function checkJson(value: unknown, path: string, stack: object[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      throw new TypeError(`${path} is ${value}, which JSON cannot carry to the TempServer child`);
    case 'object': {
      if (value === null) return;
      if (stack.includes(value)) throw new TypeError(`${path} is circular; the TempServer child takes JSON`);
      stack.push(value);
      if (Array.isArray(value)) {
        value.forEach((item: unknown, i) => {
          if (item === undefined) throw new TypeError(`${path}[${i}] is undefined, which JSON cannot carry to the TempServer child`);
          checkJson(item, `${path}[${i}]`, stack);
        });
      } else {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
          throw new TypeError(`${path} is a ${typeof name === 'string' ? name : 'non-plain object'}; the TempServer child takes JSON: plain objects, arrays, strings, numbers, booleans, null`);
        }
        for (const [key, item] of Object.entries(value)) {
          if (item !== undefined) checkJson(item, `${path}.${key}`, stack);
        }
      }
      stack.pop();
      return;
    }
    default:
      throw new TypeError(`${path} is a ${typeof value}, which JSON cannot carry to the TempServer child`);
  }
}

// Flags that must not reach the child: the test runner's (the child would run as a test
// file), --watch (it would restart), --inspect (the port is taken; -brk would wait forever)
// and those of string input (-e code would run instead of the child's module).
const DROPPED_FLAG = /^(--(test|experimental-test|watch|inspect|debug|eval|print|input-type|interactive|check)(-|=|$)|-[epic]+$)/;
// Those that take their value as the next argument when written without '='.
const DROPPED_WITH_VALUE = new Set([
  '--test-reporter', '--test-reporter-destination', '--test-name-pattern', '--test-skip-pattern',
  '--test-concurrency', '--test-timeout', '--test-shard', '--test-isolation', '--test-global-setup',
  '--test-coverage-include', '--test-coverage-exclude', '--test-coverage-branches', '--test-coverage-functions',
  '--test-coverage-lines', '--watch-path', '--inspect-port', '--debug-port', '--input-type',
  '--eval', '--print', '-e', '-p', '-pe', '-ep',
]);

/** @internal This process's Node flags, less those that must not reach a TempServer child. */
export function inheritedExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (!DROPPED_FLAG.test(flag)) {
      out.push(flag);
      continue;
    }
    if (!flag.includes('=') && DROPPED_WITH_VALUE.has(flag)) i++;
  }
  return out;
}
