// Pool: lowhaio's intended pool, made real. Requests share up to maxConnections
// connections, one request per connection at a time; a request waits at most queueTimeout
// for one. Idle connections close after idleTimeout, or sooner when the server's
// Keep-Alive: timeout says so. A request that fails on a reused idle connection before any
// response arrived is sent once more on a fresh one, when that is safe.

import { checkAddress, type Address } from '../transport/address.js';
import type { OutgoingBody } from '../transport/body.js';
import { clientContextOptions } from '../transport/tls.js';
import { Deadlines, type Timed } from '../transport/deadlines.js';
import { RequestError } from '../transport/errors.js';
import type { HeadersInit } from '../transport/outgoing.js';
import { abortError } from './abort.js';
import { admit, hostFor, openSocket } from './client.js';
import { ClientConnection } from './connection.js';
import { Requester } from './methods.js';
import type { RequestOptions } from './exchange.js';
import { retryable } from './exchange.js';
import { asRequestError } from './request-error.js';
import { requestMethod } from './request-line.js';
import { CLIENT_OPTION_NAMES, DEFAULT_CLIENT_OPTIONS, resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './options.js';
import { resolveNumbers } from '../transport/options.js';
import type { ClientResponse } from './response.js';
import type { Switched } from './switch.js';

/** A Pool's options: a Client's, and how many connections, for how long. */
export interface PoolOptions extends ClientOptions {
  /** Connections open at once (undici Pool: connections; lowhaio: max_connections). Default 10. */
  readonly maxConnections?: number;
  /** How long a request waits for a free connection (lowhaio: queue timeout). Default 10 s. */
  readonly queueTimeout?: number;
  /** Requests on one connection before it is closed (nginx keepalive_requests 1000). Default 1000. */
  readonly maxRequestsPerConnection?: number;
  /** How long an idle connection is kept (undici keepAliveTimeout 4 s, under node's 5 s server default). Default 4 s. */
  readonly idleTimeout?: number;
}

const POOL_DEFAULTS = { maxConnections: 10, queueTimeout: 10_000, maxRequestsPerConnection: 1000, idleTimeout: 4_000 };
/** A server's Keep-Alive: timeout hint is taken with this margin, so the pool closes first. */
const HINT_MARGIN_MS = 500;

interface Waiter {
  readonly resolve: (conn: ClientConnection) => void;
  readonly reject: (error: RequestError) => void;
  deadline: number;
}

class Idle implements Timed {
  deadline: number;
  constructor(
    readonly conn: ClientConnection,
    deadline: number,
    readonly expire: () => void,
  ) {
    this.deadline = deadline;
  }
}

/**
 * Connections to one server, shared by the requests made on it: `await pool.request(...)`
 * takes an idle connection or opens one (up to maxConnections), else waits its turn (up to
 * queueTimeout). The Client options hold for every connection, onConnect included.
 */
export class Pool extends Requester {
  /** The server's address, as given (checked). */
  readonly address: Address;
  /** The options with their defaults filled in. */
  readonly options: ResolvedClientOptions & typeof POOL_DEFAULTS;
  /** The Host field sent with each request, or null for none. */
  readonly host: string | null;
  /** @internal The coarse clock of this pool's timeouts. */
  readonly deadlines: Deadlines;
  readonly #all = new Set<ClientConnection>();
  readonly #idle: Idle[] = [];
  readonly #waiting: Waiter[] = [];
  /** Connections whose onConnect has not answered yet: not the pool's to hand out. */
  readonly #admitting = new Set<ClientConnection>();
  #connecting = 0;
  #closed = false;
  readonly #queueTimer: Timed;

  /** Checks `address` and `options` now; connections open as requests need them. */
  constructor(address: Address, options?: PoolOptions) {
    super();
    this.address = checkAddress(address);
    const resolved = resolveClientOptions(options, Object.keys(POOL_DEFAULTS));
    const extra = resolveNumbers(options, POOL_DEFAULTS, [...Object.keys(DEFAULT_CLIENT_OPTIONS), ...CLIENT_OPTION_NAMES], 'Pool option');
    if ((extra['maxConnections'] as number) < 1) throw new TypeError('Pool option maxConnections must be at least 1');
    this.options = Object.freeze({ ...extra, ...resolved }) as unknown as ResolvedClientOptions & typeof POOL_DEFAULTS;
    const tls = this.options.tls;
    // Over a Unix socket with TLS the certificate's name is the server's name: check it now, and send it as Host.
    if (tls !== null) clientContextOptions(tls, typeof this.address === 'string' ? null : this.address[0]);
    this.host = this.options.host === undefined ? (hostFor(this.address) ?? tls?.servername ?? null) : this.options.host;
    const o = this.options;
    this.deadlines = new Deadlines([o.connectTimeout, o.headersTimeout, o.bodyTimeout, o.queueTimeout, o.idleTimeout]);
    const pool = this;
    this.#queueTimer = {
      get deadline() {
        return pool.#waiting[0]?.deadline ?? Infinity;
      },
      expire: () => this.#expireWaiters(),
    };
  }

  /** Connections open now, busy or idle. */
  get connections(): number {
    return this.#all.size;
  }

  /**
   * Sends a request on a free connection and resolves with its response head, as
   * ClientConnection.request() does. Read the body to its end (or let it fail): the
   * connection goes back to the pool then. A request that fails on a reused idle connection
   * before any response, when a retry is safe (not sent, or idempotent with a body at hand), is sent once more.
   */
  async request(method: string, uri: string, headers?: HeadersInit, body?: OutgoingBody, options: RequestOptions = {}): Promise<ClientResponse> {
    try {
      method = requestMethod(method);
    } catch (error) {
      throw asRequestError(error, false);
    }
    const conn = await this.#acquire(options.signal);
    const reused = conn.responses > 0;
    try {
      return await conn.request(method, uri, headers, body, options);
    } catch (error) {
      // A request that failed before it was sent leaves the connection as it was: give it back.
      if (conn.idle) this.released(conn);
      const replayable = body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array;
      if (!(error instanceof RequestError) || !reused || !replayable || !retryable(method, error)) throw error;
      // The server closed an idle connection as we reused it: once more, on a fresh one.
      const fresh = await this.#acquire(options.signal, true);
      return fresh.request(method, uri, headers, body, options);
    }
  }

  /** ClientConnection.upgrade() on a free connection; once switched, the connection leaves the pool. */
  upgrade(uri: string, protocol: string, headers?: HeadersInit, options: RequestOptions = {}): Promise<Switched> {
    return this.#switch(options, (conn) => conn.upgrade(uri, protocol, headers, options));
  }

  /** ClientConnection.tunnel() on a free connection; once the tunnel is open, the connection leaves the pool. */
  tunnel(authority: string, headers?: HeadersInit, options: RequestOptions = {}): Promise<Switched> {
    return this.#switch(options, (conn) => conn.tunnel(authority, headers, options));
  }

  async #switch(options: RequestOptions, ask: (conn: ClientConnection) => Promise<Switched>): Promise<Switched> {
    const conn = await this.#acquire(options.signal);
    try {
      return await ask(conn);
    } catch (error) {
      // Refused before a byte left: the connection is as it was. A refusal's response gives it back once read.
      if (error instanceof RequestError && !error.sent && conn.idle) this.released(conn);
      throw error;
    }
  }

  /** Closes every connection; requests still waiting fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new RequestError('connection-closed', 'the pool was closed', false));
    this.deadlines.delete(this.#queueTimer);
    for (const idle of this.#idle.splice(0)) this.deadlines.delete(idle);
    for (const conn of this.#all) conn.close();
  }

  #acquire(signal: AbortSignal | undefined, fresh = false): Promise<ClientConnection> {
    if (this.#closed) return Promise.reject(new RequestError('connection-closed', 'the pool is closed', false));
    if (!fresh) {
      for (let idle = this.#idle.pop(); idle !== undefined; idle = this.#idle.pop()) {
        this.deadlines.delete(idle);
        if (idle.conn.usable) return Promise.resolve(idle.conn);
        idle.conn.close();
      }
    }
    if (this.#all.size + this.#connecting < this.options.maxConnections) return this.#open(signal);
    return new Promise<ClientConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        deadline: this.options.queueTimeout === 0 ? Infinity : this.deadlines.due(this.options.queueTimeout),
      };
      this.#waiting.push(waiter);
      this.deadlines.add(this.#queueTimer);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.#waiting.indexOf(waiter);
          if (i !== -1) this.#waiting.splice(i, 1);
          reject(abortError(signal, 'while it waited for a connection', false));
        },
        { once: true },
      );
    });
  }

  async #open(signal: AbortSignal | undefined): Promise<ClientConnection> {
    this.#connecting++;
    try {
      const conn = new ClientConnection(this, await openSocket(this.address, this.options, signal));
      this.#admitting.add(conn);
      try {
        await admit(conn, this.options.onConnect, this.options.connectTimeout);
      } finally {
        this.#admitting.delete(conn);
      }
      this.#all.add(conn);
      return conn;
    } finally {
      this.#connecting--;
    }
  }

  #expireWaiters(): void {
    const now = this.deadlines.now;
    while (this.#waiting.length > 0 && this.#waiting[0]!.deadline <= now) {
      this.#waiting.shift()!.reject(new RequestError('queue-timeout', `no free connection within ${this.options.queueTimeout} ms (maxConnections ${this.options.maxConnections})`, false));
    }
    if (this.#waiting.length === 0) this.deadlines.delete(this.#queueTimer);
  }

  // ConnectionHost

  /** @internal A response on `conn` was read to its end: it goes idle, or to a waiting request. */
  released(conn: ClientConnection): void {
    if (!conn.idle || this.#admitting.has(conn)) return;
    if (!conn.usable || conn.responses >= this.options.maxRequestsPerConnection || this.#closed) {
      conn.close();
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) return waiter.resolve(conn);
    const hint = conn.keepAliveHint === null ? Infinity : Math.max(0, conn.keepAliveHint - HINT_MARGIN_MS);
    const keep = Math.min(this.options.idleTimeout === 0 ? Infinity : this.options.idleTimeout, hint);
    const idle: Idle = new Idle(conn, this.deadlines.due(keep), () => {
      const i = this.#idle.indexOf(idle);
      if (i !== -1) this.#idle.splice(i, 1);
      this.deadlines.delete(idle);
      conn.close();
    });
    this.#idle.push(idle);
    this.deadlines.add(idle);
  }

  /** @internal `conn` closed: its slot is free. */
  closed(conn: ClientConnection): void {
    // One closed by its onConnect was never the pool's: its #open() frees the slot.
    if (this.#admitting.has(conn)) return;
    this.#all.delete(conn);
    const i = this.#idle.findIndex((idle) => idle.conn === conn);
    if (i !== -1) this.deadlines.delete(this.#idle.splice(i, 1)[0]!);
    // A slot is free: a waiting request gets a new connection.
    const waiter = this.#waiting.shift();
    if (waiter !== undefined && !this.#closed) this.#open(undefined).then(waiter.resolve, waiter.reject);
  }
}

