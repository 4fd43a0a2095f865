// serve(): a browser app on localhost, in one call. A warren Server on 127.0.0.1 (another
// address only when given explicitly), the Host allow-list and cross-origin protection on
// by default, optional serial mode, error pages, the URL printed and optionally opened.
// Each piece is also a wrapper of its own (hostAllowList, crossOriginProtection, serial, asApp).

import { Server, type Address, type Bodies, type ServerOptions, type ServerRequest, type Session } from '../index.js';
import { accessLog as withAccessLog, type AccessLogOptions } from './access-log.js';
import { openBrowser } from './browser.js';
import { asApp, isDevelopment } from './handle.js';
import { hostChecker } from './hosts.js';
import { describe } from './html.js';
import { originChecker } from './origin.js';
import type { Handler } from './response.js';
import { serial as serialize } from './serial.js';
import { keepHook } from './wrap.js';

/** Options of serve(): its own, and every ServerOption (maxBodyBytes, timeouts...) passed to the Server. */
export interface ServeOptions extends ServerOptions {
  /** TCP port on 127.0.0.1; 0 lets the kernel choose a free one. Default 0. */
  readonly port?: number;
  /** Where to listen instead (a Unix socket path, ['::1', 8080], ['0.0.0.0', 8080]...): the only way to bind off loopback. Its host is answered as a name. */
  readonly address?: Address;
  /** Do not print `warren/app: serving <url>`. Default false. */
  readonly quiet?: boolean;
  /** Start the system's browser on the URL once listening. Default false. */
  readonly open?: boolean;
  /** Show stacks on 500 pages. Default: true unless NODE_ENV is 'production'. */
  readonly dev?: boolean;
  /** Run handlers one at a time, in arrival order (see serial()). Default false. */
  readonly serial?: boolean;
  /** Host names to answer besides localhost, 127.0.0.1 and [::1] on the bound port; 'any' turns the check off. Default []. */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Origins allowed to send unsafe requests from another site; 'any' turns cross-origin protection off. Default []. */
  readonly trustedOrigins?: readonly string[] | 'any';
  /** Log each request in the Common Log Format (see accessLog()): true for stdout, or where and how. Default false. */
  readonly accessLog?: boolean | AccessLogOptions;
  /** Where failures go: a handler's (with its request), the server's (without). Default: console.error. */
  readonly onError?: (error: unknown, session?: Session, request?: ServerRequest) => void;
}

/** A running app. */
export interface Served {
  /** What to open in a browser: `http://127.0.0.1:<port>/` (also for 0.0.0.0); for a Unix socket, `http+unix://<encoded path>/`. */
  readonly url: string;
  /** Where the server listens, with the port the kernel chose. */
  readonly address: Address;
  /** The warren Server underneath. */
  readonly server: Server;
  /** Stops accepting, finishes the exchanges in flight; resolves once all connections are closed. */
  close(): Promise<void>;
}

const OWN = ['port', 'address', 'quiet', 'open', 'dev', 'serial', 'allowedHosts', 'trustedOrigins', 'accessLog', 'onError'] as const;

/**
 * Serves `handler` (a warren/app Handler, a Router, or any warren App) as a browser app on
 * 127.0.0.1, and resolves once listening. Unsafe requests from other sites get 403, and
 * requests for other host names 421 (both say which option allows them).
 */
export async function serve(handler: Handler, options: ServeOptions = {}): Promise<Served> {
  if (typeof handler !== 'function') throw new TypeError(`serve() takes a handler (session, request, bodies) => response, such as a Router; got ${describe(handler)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`serve(handler, options) takes an options object; got ${describe(options)}`);
  const { port, address, quiet = false, open = false, dev = isDevelopment(), serial = false, allowedHosts, trustedOrigins, onError } = options;
  const serverOptions: Record<string, unknown> = { ...options };
  for (const name of OWN) delete serverOptions[name];
  for (const [name, value] of [['quiet', quiet], ['open', open], ['dev', dev], ['serial', serial]] as const) {
    if (typeof value !== 'boolean') throw new TypeError(`serve() option ${name} is true or false; got ${describe(value)}`);
  }
  if (address !== undefined && port !== undefined) throw new TypeError(`serve() takes a port (on 127.0.0.1) or an address, not both; got port ${describe(port)} and an address`);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError(`serve() option port is 0 (any free port) to 65535; got ${describe(port)}`);
  }
  const where: Address = address ?? ['127.0.0.1', port ?? 0];
  const report = onError ?? ((error: unknown, _session?: Session, request?: ServerRequest) => console.error(`warren/app: ${request === undefined ? 'the server' : `${request.method} ${request.uri}`} failed:`, error));

  let server: Server | null = null;
  const boundPort = (): number | null => {
    const bound = server?.address;
    return bound === undefined || typeof bound === 'string' ? null : bound[1];
  };
  const hosts = hostChecker({ allowedHosts: withBoundName(allowedHosts, where), port: boundPort });
  const origins = originChecker({ trustedOrigins });
  // The checks come before the serial queue: a refused request takes no slot.
  const inner = asApp(serial ? serialize(handler) : handler, { dev, onError: report });
  const app =
    hosts === null && origins === null
      ? inner
      : ((session: Session, request: ServerRequest, bodies: Bodies) => (hosts?.(request) ?? origins?.(request)) ?? inner(session, request, bodies));

  // Outermost, so that refusals (403, 421) and error pages are logged too.
  const log = options.accessLog ?? false;
  if (typeof log !== 'boolean' && (log === null || typeof log !== 'object')) throw new TypeError(`serve() option accessLog is true, false or { write?, user?, utc? }; got ${describe(log)}`);
  const served = log === false ? app : withAccessLog(app, log === true ? {} : log);
  server = new Server(where, keepHook(handler, served), { ...(serverOptions as ServerOptions), onError: (error, session) => report(error, session) });
  await server.listen();
  const url = urlOf(server.address);
  if (!quiet) console.log(`warren/app: serving ${url}`);
  if (open) openBrowser(url, (error) => report(error));
  const running = server;
  return Object.freeze({ url, address: running.address, server: running, close: () => running.close() });
}

/** Wildcard addresses, and the loopback address a browser on this machine reaches them by. */
const WILDCARD: ReadonlyMap<string, string> = new Map([['0.0.0.0', '127.0.0.1'], ['::', '::1']]);

/**
 * The allow-list with the name of an explicit address added (['192.168.1.5', 8080],
 * ['myhost.lan', 8080]): the program chose it, and a Host that is the address itself is
 * no rebinding. Wildcards and loopback addresses add nothing.
 */
function withBoundName(allowedHosts: readonly string[] | 'any' | undefined, where: Address): readonly string[] | 'any' | undefined {
  if (typeof where === 'string' || where.length !== 2 || !(allowedHosts === undefined || Array.isArray(allowedHosts))) return allowedHosts;
  const host = where[0].toLowerCase();
  if (WILDCARD.has(host) || host === '127.0.0.1' || host === '::1' || host === 'localhost') return allowedHosts;
  return [...(allowedHosts ?? []), host.includes(':') ? `[${host}]` : host];
}

/** The URL a browser opens for `address` (a wildcard address is reached through loopback). */
export function urlOf(address: Address): string {
  if (typeof address === 'string') return `http+unix://${encodeURIComponent(address)}/`;
  const host = WILDCARD.get(address[0]) ?? address[0];
  return `http://${host.includes(':') ? `[${host}]` : host}:${address[1]}/`;
}
