// Server options and their defaults. Every limit bounds what one peer can make the server
// hold or wait for; each default names its precedent. Times are in milliseconds.

import { resolveLimits, type Limits } from '../protocol/index.js';
import { resolveNumbers } from '../transport/options.js';

/** The server's limits and timeouts; every one optional. */
export interface ServerOptions {
  /**
   * Connections served at once (Degu: 50; nginx worker_connections: 512). Default 512. At the
   * limit a new connection sheds an idle one, else the oldest partial head (reported to
   * onError as 'connection-shed'); only when every slot is busy is it answered 503 and closed.
   */
  readonly maxConnections?: number;
  /** Requests on one connection before it closes (Degu: 1000; nginx keepalive_requests: 1000). Default 1000. */
  readonly maxRequestsPerConnection?: number;
  /** From a request's first byte to the end of its head; then 408 (Apache mod_reqtimeout: 20-40 s). Default 10 s. */
  readonly headTimeout?: number;
  /** Longest silence while a body is read or written; then the connection closes (Degu socket timeout: 30 s). Default 30 s. */
  readonly bodyTimeout?: number;
  /** How long an idle keep-alive connection is kept (node: keepAliveTimeout 5 s). Default 5 s. */
  readonly keepAliveTimeout?: number;
  /** Largest request body; a larger Content-Length, or a chunked body that grows larger, is 413 (Degu: MAX_IO_SIZE 16 MiB). Default 16 MiB. */
  readonly maxBodyBytes?: number;
  /** Unread request body drained after the response to keep the connection (nginx lingering: 64 KiB). Default 64 KiB. */
  readonly drainBytes?: number;
  /** Bytes read ahead of the request being answered, pipelined requests included (node: highWaterMark 64 KiB). Default 64 KiB. */
  readonly readAheadBytes?: number;
  /** Whether an HTTP/1.1 request must carry Host. Default: true on TCP and on an inherited socket, false on Unix sockets (Degu's client sends none). */
  readonly requireHost?: boolean;
  /** The protocol core's head and chunk limits. */
  readonly limits?: Partial<Limits>;
  /**
   * Bind the TCP port with SO_REUSEPORT, so that several processes (each a Server with
   * reusePort) listen on one port and the kernel spreads new connections among them
   * (nginx: listen ... reuseport). Linux, FreeBSD, Solaris and AIX; elsewhere, on a Unix
   * socket or an inherited fd, new Server() throws a WarrenError. Default false.
   */
  readonly reusePort?: boolean;
}

/** ServerOptions with every default filled in, as `server.options` shows them. */
export interface ResolvedServerOptions {
  readonly maxConnections: number;
  readonly maxRequestsPerConnection: number;
  readonly headTimeout: number;
  readonly bodyTimeout: number;
  readonly keepAliveTimeout: number;
  readonly maxBodyBytes: number;
  readonly drainBytes: number;
  readonly readAheadBytes: number;
  readonly requireHost: boolean;
  readonly limits: Limits;
  readonly reusePort: boolean;
}

/** The defaults, each with its precedent on ServerOptions. */
export const DEFAULT_SERVER_OPTIONS = Object.freeze({
  maxConnections: 512,
  maxRequestsPerConnection: 1000,
  headTimeout: 10_000,
  bodyTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxBodyBytes: 16 * 1024 * 1024,
  drainBytes: 64 * 1024,
  readAheadBytes: 64 * 1024,
});

/** The options with their defaults, checked: a TypeError names an unknown key (listing the known ones) or a bad value. */
export function resolveServerOptions(options: ServerOptions | undefined, localSocket: boolean): ResolvedServerOptions {
  // onError and tls are hooks, taken by new Server() before these: named here so that a misspelt key's message lists them.
  const out = resolveNumbers(options, DEFAULT_SERVER_OPTIONS, ['requireHost', 'limits', 'reusePort', 'onError', 'tls'], 'Server option');
  const given = (options ?? {}) as Record<string, unknown>;
  const requireHost = given['requireHost'] ?? !localSocket;
  if (typeof requireHost !== 'boolean') throw new TypeError(`Server option requireHost must be true or false, got ${String(requireHost)}`);
  out['requireHost'] = requireHost;
  const reusePort = given['reusePort'] ?? false;
  if (typeof reusePort !== 'boolean') throw new TypeError(`Server option reusePort must be true or false, got ${String(reusePort)}`);
  out['reusePort'] = reusePort;
  // Checked once here, so a bad limit fails at new Server(), and shared by every connection.
  out['limits'] = resolveLimits(given['limits'] as Partial<Limits> | undefined);
  return Object.freeze(out) as unknown as ResolvedServerOptions;
}
