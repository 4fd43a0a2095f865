// Client options and their defaults; times in milliseconds, 0 waits forever.

import { resolveLimits, type Limits } from '../protocol/index.js';
import { checkClientTls, type ClientTlsOptions } from '../transport/tls.js';
import { resolveNumbers } from '../transport/options.js';

export interface ClientOptions {
  /** The Host field. Default: from a TCP address (`127.0.0.1:8080`, `[::1]:8080`); none over a Unix socket (as Degu). */
  readonly host?: string | null;
  /** Connect timeout (lowhaio: connect_timeout; undici: connectTimeout 10 s). Default 10 s. */
  readonly connectTimeout?: number;
  /** From a request sent to its response head (undici: headersTimeout 300 s; Degu's socket timeout 65 s). Default 60 s. */
  readonly headersTimeout?: number;
  /** Longest silence while a body moves, either way (undici: bodyTimeout 300 s). Default 60 s. */
  readonly bodyTimeout?: number;
  /** Requests on the wire before their responses, on one connection (gruvi pipelines; undici pipelining: 1). Default 8. */
  readonly pipelining?: number;
  /** How long a request with Expect: 100-continue waits for the 100 before it sends its body anyway (curl: 1 s). Default 1 s. */
  readonly continueTimeout?: number;
  /** Bytes read ahead of the body the program is reading (node highWaterMark). Default 64 KiB. */
  readonly readAheadBytes?: number;
  /** The protocol core's head and chunk limits, for responses. */
  readonly limits?: Partial<Limits>;
  /** Speak TLS: the server is always verified (by `ca`, else the system store), by hostname unless verifyHostname is false. */
  readonly tls?: ClientTlsOptions;
}

export interface ResolvedClientOptions {
  readonly host: string | null | undefined;
  readonly connectTimeout: number;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly pipelining: number;
  readonly continueTimeout: number;
  readonly readAheadBytes: number;
  readonly limits: Limits;
  readonly tls: ClientTlsOptions | null;
}

export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  connectTimeout: 10_000,
  headersTimeout: 60_000,
  bodyTimeout: 60_000,
  pipelining: 8,
  continueTimeout: 1_000,
  readAheadBytes: 64 * 1024,
});

export function resolveClientOptions(options: ClientOptions | undefined, extra: readonly string[] = []): ResolvedClientOptions & Record<string, unknown> {
  const out = resolveNumbers(options, DEFAULT_CLIENT_OPTIONS, ['host', 'limits', 'tls', ...extra], 'client option');
  const given = (options ?? {}) as Record<string, unknown>;
  if ((out['pipelining'] as number) < 1) throw new TypeError('client option pipelining must be at least 1 (1: one request at a time)');
  const host = given['host'];
  if (host !== undefined && host !== null && typeof host !== 'string') throw new TypeError(`client option host must be a string or null, got ${typeof host}`);
  out['limits'] = resolveLimits(given['limits'] as Partial<Limits> | undefined);
  out['tls'] = given['tls'] === undefined ? null : checkClientTls(given['tls']);
  return Object.freeze(out) as unknown as ResolvedClientOptions & Record<string, unknown>;
}
