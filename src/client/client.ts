// Client: Degu's client. `new Client(address)` reaches a server wherever it listens (any
// Address form); connect() gives a ClientConnection. The Host field comes from the address
// for TCP and from the `host` option over Unix sockets, where by default none is sent.

import { addressKind, checkAddress, describeAddress, type Address } from '../transport/address.js';
import { connectSocket, type Socket } from '../transport/connect.js';
import { clientContextOptions } from '../transport/tls.js';
import { Deadlines } from '../transport/deadlines.js';
import { RequestError, WarrenError } from '../transport/errors.js';
import { abortError } from './abort.js';
import { ClientConnection } from './connection.js';
import { describe } from './describe.js';
import { resolveClientOptions, type ClientOptions, type OnConnect, type ResolvedClientOptions } from './options.js';

/**
 * Where to reach a server, and how: `new Client(address, options)` checks both at once, and
 * `await client.connect()` opens a ClientConnection. Options (see ClientOptions) hold for
 * every connection: Host, timeouts, TLS, and Degu's `authorization`, `headers` and `onConnect`.
 */
export class Client {
  /** The server's address, as given (checked). */
  readonly address: Address;
  /** The options with their defaults filled in. */
  readonly options: ResolvedClientOptions;
  /** The Host field sent with each request, or null for none. */
  readonly host: string | null;
  /** @internal The coarse clock of this client's timeouts. */
  readonly deadlines: Deadlines;

  /** Checks `address` (any Address form) and `options` now: a mistake throws a TypeError here, not at connect(). */
  constructor(address: Address, options?: ClientOptions) {
    this.address = checkAddress(address);
    this.options = resolveClientOptions(options);
    const tls = this.options.tls;
    // Over a Unix socket with TLS the certificate's name is the server's name: check it now, and send it as Host.
    if (tls !== null) clientContextOptions(tls, typeof this.address === 'string' ? null : this.address[0]);
    this.host = this.options.host === undefined ? (hostFor(this.address) ?? tls?.servername ?? null) : this.options.host;
    const { connectTimeout, headersTimeout, bodyTimeout } = this.options;
    this.deadlines = new Deadlines([connectTimeout, headersTimeout, bodyTimeout]);
  }

  /**
   * A new connection, once the onConnect option (if any) accepted it. Fails with a
   * RequestError, `sent: false`: 'connect-failed', 'connect-timeout', 'tls-failed',
   * 'connect-refused' (onConnect), 'aborted' or 'timeout' (the signal).
   */
  async connect(options: { signal?: AbortSignal } = {}): Promise<ClientConnection> {
    const socket = await openSocket(this.address, this.options, options.signal);
    return admit(new ClientConnection(this, socket), this.options.onConnect, this.options.connectTimeout);
  }
}

/** @internal The socket to `address`, or the RequestError (sent: false) of why not. */
export async function openSocket(address: Address, options: ResolvedClientOptions, signal: AbortSignal | undefined): Promise<Socket> {
  try {
    return await connectSocket(address, { timeout: options.connectTimeout, signal, tls: options.tls });
  } catch (error) {
    const e = error as WarrenError;
    if (e.code === 'aborted' && signal?.aborted) throw abortError(signal, `before it reached ${describeAddress(address)}`, false, 'connect');
    throw new RequestError(e.code ?? 'connect-failed', e.message, false, { cause: error });
  }
}

const TIMED_OUT = Symbol('onConnect timed out');

/**
 * @internal `conn` once `onConnect` accepted it; closed, and a 'connect-refused' RequestError,
 * when it did not; 'connect-timeout' when a promise of it did not settle within `timeout` ms (0: no bound).
 */
export async function admit(conn: ClientConnection, onConnect: OnConnect | null, timeout: number): Promise<ClientConnection> {
  if (onConnect === null) return conn;
  let verdict: unknown;
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    const asked = onConnect(conn);
    // A check that never answers would hold the connection, and a pool's slot, for ever: it
    // is bounded by the connect timeout, as the server bounds its onConnect by the head timeout.
    verdict =
      !(asked instanceof Promise) || timeout === 0
        ? await asked
        : await Promise.race([
            asked,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(TIMED_OUT), timeout);
            }),
          ]);
  } catch (error) {
    conn.close();
    if (error === TIMED_OUT) throw new RequestError('connect-timeout', `onConnect() did not settle within the connect timeout of ${timeout} ms: the connection was closed before any request`, false);
    conn.close();
    const why = error instanceof Error ? error.message : String(error);
    throw new RequestError('connect-refused', `onConnect() threw (${why}): the connection was closed before any request`, false, { cause: error });
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
  if (verdict === true || verdict === undefined) return conn;
  conn.close();
  const why = verdict === false ? 'onConnect() returned false' : `onConnect() returns true, false or nothing, not ${describe(verdict)}`;
  throw new RequestError('connect-refused', `${why}: the connection was closed before any request`, false);
}

/** RFC 9112 §3.2: uri-host ":" port; IPv6 literals in brackets, never with their zone (RFC 6874 is not for Host). */
export function hostFor(address: Address): string | null {
  if (typeof address === 'string') return null;
  const [host, port] = address;
  return addressKind(address) === 'ipv6' ? `[${host}]:${port}` : `${host}:${port}`;
}
