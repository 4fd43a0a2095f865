// Client options and their defaults; times in milliseconds, 0 waits forever. Degu's
// per-client fields (`authorization`, `base_headers`) are checked here, once, and become
// the field lines every request starts from; a request's own field of the same name wins.

import { resolveLimits, type FieldLine, type Limits } from '../protocol/index.js';
import { TOKEN, isValueText } from '../protocol/syntax.js';
import { toLines, type HeadersInit } from '../transport/outgoing.js';
import { checkClientTls, type ClientTlsOptions } from '../transport/tls.js';
import { resolveNumbers } from '../transport/options.js';
import type { ClientConnection } from './connection.js';
import { describe } from './describe.js';
import { MAX_DECODED_BYTES } from './decode.js';

/**
 * Called with each new connection before any request is written on it (Degu: on_connect),
 * for a check such as the server's TLS identity (`conn.tls`). Returning `false`, or
 * throwing (or rejecting), closes the connection: connect() then fails with a RequestError
 * of code 'connect-refused' and `sent: false`. It may make requests on `conn` itself. A
 * promise that does not settle within connectTimeout closes it too, with code 'connect-timeout'.
 */
export type OnConnect = (conn: ClientConnection) => boolean | void | Promise<boolean | void>;

/** Options of a Client (and a Pool): times in milliseconds, 0 waits forever. */
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
  /** The Authorization field of every request that sets none itself (Degu: authorization). Default: none. */
  readonly authorization?: string | null;
  /** Fields sent with every request, under its own: a request's field of the same name (any case) replaces them (Degu: base_headers). */
  readonly headers?: HeadersInit;
  /** A check of each new connection before its first request; see OnConnect. */
  readonly onConnect?: OnConnect;
  /**
   * Decode gzip, deflate, br and zstd (where this Node has it) response bodies, and send
   * Accept-Encoding for them when a request gives none. A decoded response has no
   * Content-Encoding or Content-Length; its body runs to its end. Default false.
   */
  readonly decompress?: boolean;
  /** With `decompress`: the most bytes a body may decode to; past it the read fails with 'decoded-too-large'. Default MAX_DECODED_BYTES (1 GiB). */
  readonly maxDecodedBytes?: number;
}

/** A client's options with their defaults filled in and checked: `client.options`. */
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
  readonly authorization: string | null;
  /** The `headers` option as field lines, checked. */
  readonly headers: readonly FieldLine[];
  readonly onConnect: OnConnect | null;
  readonly decompress: boolean;
  readonly maxDecodedBytes: number;
  /** @internal What every request starts from: Authorization, then `headers`; empty for none. */
  readonly defaultFields: readonly FieldLine[];
}

/** Options that are not numbers, by name, for the unknown-option check. */
export const CLIENT_OPTION_NAMES: readonly string[] = ['host', 'limits', 'tls', 'authorization', 'headers', 'onConnect', 'decompress'];

/** Names a client's defaults cannot hold: each belongs to one message, or has its own option. */
const NOT_DEFAULTS: Readonly<Record<string, string>> = {
  host: "the Host field has the client's own option: { host: 'name' }",
  'content-length': 'Content-Length frames each body: warren sets it per request',
  'transfer-encoding': 'Transfer-Encoding frames each body: warren sets it per request',
  expect: 'Expect: 100-continue is for one request with a body: give it in that request',
};

/** The numeric client options' defaults, in milliseconds and bytes. */
export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  connectTimeout: 10_000,
  headersTimeout: 60_000,
  bodyTimeout: 60_000,
  pipelining: 8,
  continueTimeout: 1_000,
  readAheadBytes: 64 * 1024,
  maxDecodedBytes: MAX_DECODED_BYTES,
});

/** @internal `options` checked (a TypeError names a mistake) over the defaults; `extra` names a Pool's own options. */
export function resolveClientOptions(options: ClientOptions | undefined, extra: readonly string[] = []): ResolvedClientOptions & Record<string, unknown> {
  const out = resolveNumbers(options, DEFAULT_CLIENT_OPTIONS, [...CLIENT_OPTION_NAMES, ...extra], 'client option');
  const given = (options ?? {}) as Record<string, unknown>;
  if ((out['pipelining'] as number) < 1) throw new TypeError('client option pipelining must be at least 1 (1: one request at a time)');
  const host = given['host'];
  if (host !== undefined && host !== null && typeof host !== 'string') throw new TypeError(`client option host must be a string or null, got ${typeof host}`);
  out['limits'] = resolveLimits(given['limits'] as Partial<Limits> | undefined);
  out['tls'] = given['tls'] === undefined ? null : checkClientTls(given['tls']);
  const authorization = given['authorization'] ?? null;
  if (authorization !== null && (typeof authorization !== 'string' || authorization === '' || !isValueText(authorization))) {
    throw new TypeError(`client option authorization is the Authorization field's value, such as 'Bearer abc', or null; got ${describe(authorization)}`);
  }
  const headers = defaultLines(given['headers'], authorization !== null);
  out['authorization'] = authorization;
  out['headers'] = headers;
  out['defaultFields'] = Object.freeze(authorization === null ? headers : [['Authorization', authorization] as FieldLine, ...headers]);
  const onConnect = given['onConnect'] ?? null;
  if (onConnect !== null && typeof onConnect !== 'function') {
    throw new TypeError(`client option onConnect is a function (conn) => boolean | Promise<boolean>; got ${describe(onConnect)}`);
  }
  out['onConnect'] = onConnect;
  const decompress = given['decompress'] ?? false;
  if (typeof decompress !== 'boolean') throw new TypeError(`client option decompress is true or false; got ${describe(decompress)}`);
  out['decompress'] = decompress;
  return Object.freeze(out) as unknown as ResolvedClientOptions & Record<string, unknown>;
}

/** The `headers` option as frozen field lines: names tokens, values strings fit for a field. */
function defaultLines(headers: unknown, authorization: boolean): readonly FieldLine[] {
  if (headers === undefined || headers === null) return Object.freeze([]);
  if (typeof headers !== 'object') throw new TypeError(`client option headers is a record of name to value, or [name, value] pairs; got ${describe(headers)}`);
  const lines = toLines(headers as HeadersInit).map(([name, value]) => {
    if (typeof name !== 'string' || !TOKEN.test(name)) throw new TypeError(`client option headers: a field name is a token (RFC 9110 §5.1), got ${describe(name)}`);
    if (typeof value !== 'string' || !isValueText(value)) {
      throw new TypeError(`client option headers: the value of ${name} is a string without CR, LF or other controls, got ${describe(value)}`);
    }
    const lower = name.toLowerCase();
    const why = Object.hasOwn(NOT_DEFAULTS, lower) ? NOT_DEFAULTS[lower] : lower === 'authorization' && authorization ? 'it is given twice: as the authorization option and in headers; keep one' : undefined;
    if (why !== undefined) throw new TypeError(`client option headers cannot hold ${name}: ${why}`);
    return Object.freeze([name, value]) as unknown as FieldLine;
  });
  return Object.freeze(lines);
}

/**
 * @internal
 * Puts the client's default fields before a request's own, but those the request names
 * itself (in any case): a request's Authorization replaces the client's.
 */
export function underDefaults(fields: FieldLine[], defaults: readonly FieldLine[]): void {
  const own = new Set<string>();
  for (const [name] of fields) if (typeof name === 'string') own.add(name.toLowerCase());
  const kept = own.size === 0 ? defaults : defaults.filter(([name]) => !own.has(name.toLowerCase()));
  fields.unshift(...kept);
}
