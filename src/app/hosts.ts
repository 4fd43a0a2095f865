// The Host allow-list: the defence of a localhost server against DNS rebinding (a page on
// evil.example re-resolves its name to 127.0.0.1 and reads the app as same-origin). Only
// loopback names on the bound port and the names the program configures are answered;
// another Host, or none, gets 421 Misdirected Request (RFC 9110 §15.5.20) with a page
// that says which option allows it (webpack-dev-server's users turned its check off
// because its message did not). Vite's fix for CVE-2025-24010 is the same check.

import type { App, AppResponse, ServerRequest } from '../index.js';
import { describe } from './html.js';
import { error, type Handler } from './response.js';
import { keepHook } from './wrap.js';

/** How the allow-list is given. */
export interface HostCheckOptions {
  /**
   * Names to answer besides `localhost`, `127.0.0.1` and `[::1]` on the bound port. A name
   * without a port matches it on any port or none (a proxy in front picks the port); with
   * a port, on that port only; a name starting with '.' matches its subdomains too
   * ('.example.test'). 'any' turns the check off. Default [].
   */
  readonly allowedHosts?: readonly string[] | 'any';
  /**
   * The port the server is bound to, or a function that tells it (serve() passes one);
   * null for a Unix socket, where the check is off unless allowedHosts names someone.
   * When omitted, loopback names are answered on any port.
   */
  readonly port?: number | null | (() => number | null);
}

interface HostName {
  readonly name: string;
  readonly port: number | null;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/**
 * `handler`, answering only requests whose Host is a loopback name on the bound port or
 * one of `allowedHosts`; any other gets a 421 page naming the Host it sent (escaped) and
 * the option to set. An App wrapped by it is still an App.
 */
export function hostAllowList(app: App, options?: HostCheckOptions): App;
export function hostAllowList<P extends Readonly<Record<string, string>>>(handler: Handler<P>, options?: HostCheckOptions): Handler<P>;
export function hostAllowList<P extends Readonly<Record<string, string>>>(handler: Handler<P>, options: HostCheckOptions = {}): Handler<P> {
  const check = hostChecker(options);
  if (check === null) return handler;
  return keepHook(handler, (session, request, bodies) => check(request) ?? handler(session, request, bodies));
}

/** The check alone: null when `request` may go on, else the 421 response. Null as a whole when the check is off. */
export function hostChecker(options: HostCheckOptions = {}): ((request: ServerRequest) => AppResponse | null) | null {
  const { allowedHosts = [], port } = options;
  if (allowedHosts === 'any') return null;
  if (!Array.isArray(allowedHosts)) throw new TypeError(`allowedHosts is an array of host names (such as ['myapp.test']) or 'any' to turn the Host check off; got ${describe(allowedHosts)}`);
  const configured = allowedHosts.map((entry) => {
    const parsed = typeof entry === 'string' ? parseHost(entry.toLowerCase()) : null;
    if (parsed === null || parsed.name === '' || parsed.name === '.') {
      throw new TypeError(`allowedHosts holds host names, with or without a port (such as 'myapp.test' or 'myapp.test:8080'); got ${describe(entry)}`);
    }
    return parsed;
  });
  if (port !== undefined && port !== null && typeof port !== 'function' && !(Number.isInteger(port) && port > 0 && port <= 65535)) {
    throw new TypeError(`the Host check's port is the bound port (1-65535), a function that tells it, or null for a Unix socket; got ${describe(port)}`);
  }
  const boundPort = typeof port === 'function' ? port : () => port;
  return (request) => {
    const bound = boundPort();
    // A Unix socket has no network name: only names the program gave are checked for.
    if (bound === null && configured.length === 0) return null;
    const value = request.headers['host'];
    const host = value === undefined ? null : parseHost(value.toLowerCase());
    if (host !== null && (isLoopback(host, bound) || configured.some((entry) => matches(entry, host)))) return null;
    return refusal(value, bound, configured.length > 0);
  };
}

function isLoopback(host: HostName, bound: number | null | undefined): boolean {
  if (bound === null || !LOOPBACK.includes(host.name)) return false;
  // A browser leaves out port 80 (http's default), and only that one.
  return bound === undefined || (host.port ?? 80) === bound;
}

function matches(entry: HostName, host: HostName): boolean {
  const named = entry.name.charCodeAt(0) === 0x2e ? host.name === entry.name.slice(1) || host.name.endsWith(entry.name) : host.name === entry.name;
  return named && (entry.port === null || (host.port ?? 80) === entry.port);
}

/** `name[:port]` or `[v6]:port` (already lowercase); null when it is neither. */
export function parseHost(value: string): HostName | null {
  let name: string;
  let rest: string;
  if (value.charCodeAt(0) === 0x5b) {
    const close = value.indexOf(']');
    if (close === -1) return null;
    name = value.slice(0, close + 1);
    rest = value.slice(close + 1);
  } else {
    const colon = value.indexOf(':');
    name = colon === -1 ? value : value.slice(0, colon);
    rest = colon === -1 ? '' : value.slice(colon);
  }
  if (rest === '' || rest === ':') return { name, port: null };
  if (rest.charCodeAt(0) !== 0x3a || rest.length > 6) return null;
  let port = 0;
  for (let i = 1; i < rest.length; i++) {
    const c = rest.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return null;
    port = port * 10 + c;
  }
  return port > 0 && port <= 65535 ? { name, port } : null;
}

function refusal(value: string | undefined, bound: number | null | undefined, configured: boolean): AppResponse {
  const here = bound === null || bound === undefined ? 'localhost' : `localhost:${bound}`;
  const suggestion = value === undefined ? 'myapp.test' : (parseHost(value.toLowerCase())?.name ?? value);
  const why = value === undefined ? 'This request has no Host field' : `This server does not answer to the Host "${value}"`;
  return error(
    421,
    `${why}: it answers only to ${here}${configured ? ' and the names in its allowedHosts option' : ''}, so that other web sites cannot reach it through their own names (DNS rebinding). ` +
      (value === undefined ? 'A client must name the server it asks (HTTP/1.1 always does); to answer to other names, add them to' : 'To serve it under this name, add the name to') +
      ` the allowedHosts option: serve(handler, { allowedHosts: ['${suggestion}'] }).`,
  );
}
