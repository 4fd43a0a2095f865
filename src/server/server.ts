// Server: Degu's embedded server on one address argument. It listens on a Unix socket,
// an abstract socket, IPv4 or IPv6 (with scope id), and serves one app. listen() binds,
// `address` tells where (with the port the kernel chose), close() is graceful: it stops
// accepting, lets exchanges in flight finish, and closes idle connections at once; after
// its timeout (10 s by default) it destroys the connections still open, as a response that
// streams forever (SSE) would otherwise hold it open for good.

import { Connection } from '../protocol/index.js';
import { isLocalSocket, type Address } from '../transport/address.js';
import { checkListenAddress, checkReusePort, isInherited, type ListenAddress } from '../transport/listen-address.js';
import { Listener, type Socket } from '../transport/listen.js';
import { checkServerTls, type ServerTlsOptions, type TlsIdentity } from '../transport/tls.js';
import { Deadlines } from '../transport/deadlines.js';
import type { App } from './app.js';
import { ServerConnection, type ServerContext, type SlotUse } from './connection.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js';
import { HttpDate } from './date.js';
import { Session } from './session.js';
import { WarrenError } from '../transport/errors.js';
import { describe } from '../transport/outgoing.js';

/** The Server options that are not limits: where errors go, and TLS. */
export interface ServerHooks {
  /**
   * Where app failures go (the peer gets a 500), and the server's diagnostics: a connection
   * shed at maxConnections comes as a WarrenError with code 'connection-shed'. Default: console.error.
   */
  readonly onError?: (error: unknown, session: Session) => void;
  /** Serve TLS: a certificate and key, and either a CA for client certificates or allowUnauthenticatedClients. */
  readonly tls?: ServerTlsOptions;
}

type ServerState = 'new' | 'listening' | 'closing' | 'closed';

/** How close() ends. */
export interface CloseOptions {
  /**
   * Milliseconds to let exchanges in flight finish; then the connections still open are
   * destroyed (node's server.close() with closeAllConnections(); Go's Shutdown takes a
   * context for the same). 0 waits for them however long. Default 10 000.
   */
  readonly timeout?: number;
}

/** close()'s default timeout: long enough for a request in flight, short enough for a deploy (systemd's stop timeout is 90 s). */
const DEFAULT_CLOSE_TIMEOUT = 10_000;

/**
 * An HTTP/1.1 server: one app on one address (a Unix socket path, an abstract socket
 * name, [host, port], or an inherited listening socket `{ fd }`), optionally over TLS. `new Server(address, app, options)`, then
 * `await server.listen()`; `await server.close()` ends it gracefully.
 */
export class Server {
  /** The app every request goes to. */
  readonly app: App;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedServerOptions;
  readonly #requested: ListenAddress;
  readonly #net: Listener;
  readonly #connections = new Set<ServerConnection>();
  /** Connections between requests or ending, oldest first: shed first at maxConnections. */
  readonly #idle = new Set<ServerConnection>();
  /** Connections whose request head is arriving, by when it began: shed next, oldest first. */
  readonly #heads = new Set<ServerConnection>();
  /** Sockets whose async onConnect has not settled yet. */
  readonly #pending = new Set<Socket>();
  #closeTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #context: ServerContext;
  readonly #date: HttpDate;
  #address: Address | null = null;
  #state: ServerState = 'new';
  #closed: Promise<void> | null = null;
  #allClosed: (() => void) | null = null;

  /**
   * Checks the address, the app and every option now (a TypeError names what is wrong);
   * nothing is bound until listen().
   */
  constructor(address: ListenAddress, app: App, options?: ServerOptions & ServerHooks) {
    this.#requested = checkListenAddress(address);
    if (typeof app !== 'function') throw new TypeError(`Server(address, app) takes an app function (session, request, bodies) => response; got ${typeof app}`);
    this.app = app;
    const { onError, tls, ...rest } = options ?? {};
    const policy = tls === undefined ? null : checkServerTls(tls);
    // Over TLS the peer is authenticated by its certificate, Unix socket or not: Host is required as on TCP.
    // An inherited socket may be TCP: Host is required unless the options say otherwise.
    this.options = resolveServerOptions(rest, !isInherited(this.#requested) && isLocalSocket(this.#requested) && policy === null);
    if (this.options.reusePort) checkReusePort(this.#requested);
    // Check the core's limits now, not at the first connection.
    new Connection('server', { limits: this.options.limits });
    const { headTimeout, bodyTimeout, keepAliveTimeout } = this.options;
    const report = onError ?? ((error: unknown) => console.error(error instanceof WarrenError && error.code === 'connection-shed' ? 'warren:' : 'warren: the app failed:', error));
    const date = (this.#date = new HttpDate());
    this.#context = {
      app,
      options: this.options,
      onError: report,
      deadlines: new Deadlines([headTimeout, bodyTimeout, keepAliveTimeout], () => date.refresh()),
      date,
      closed: (conn: ServerConnection) => this.#forget(conn),
      slot: (conn: ServerConnection, was: SlotUse, now: SlotUse) => {
        if (was !== 'busy') (was === 'idle' ? this.#idle : this.#heads).delete(conn);
        if (now !== 'busy') (now === 'idle' ? this.#idle : this.#heads).add(conn);
      },
    };
    this.#net = new Listener(this.#requested, policy, (socket, identity) => this.#accept(socket, identity), this.options.reusePort);
  }

  /** Where the server listens, in the form it was given, with the port the kernel chose; for an inherited socket, the address the kernel reports. */
  get address(): Address {
    if (this.#address === null) throw new Error('the server has no address yet: await server.listen() first');
    return this.#address;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Binds the address and starts accepting; resolves with the server once it listens. */
  async listen(): Promise<this> {
    if (this.#state !== 'new') throw new Error(`listen() was already called (the server is ${this.#state})`);
    this.#state = 'listening';
    this.#address = await this.#net.listen();
    return this;
  }

  /**
   * Stops accepting, finishes exchanges in flight, closes idle connections; resolves when
   * all are closed. After `timeout` ms (default 10 000; 0: none) the connections still
   * open are destroyed. Calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    const timeout = checkCloseTimeout(options);
    this.#state = 'closing';
    this.#closed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
      this.#net.close(() => this.#maybeClosed());
      for (const conn of this.#connections) conn.shutdown();
      for (const socket of this.#pending) socket.destroy();
      if (timeout > 0) {
        this.#closeTimer = setTimeout(() => this.closeAllConnections(), timeout);
        this.#closeTimer.unref();
      }
      this.#maybeClosed();
    });
    return this.#closed;
  }

  /**
   * Destroys every open connection now, exchanges in flight included (their peers see the
   * connection close); the server goes on accepting unless it is closing. As node's.
   */
  closeAllConnections(): void {
    for (const socket of this.#pending) socket.destroy();
    for (const conn of this.#connections) conn.destroy();
  }

  #maybeClosed(): void {
    if (this.#connections.size === 0 && this.#pending.size === 0 && this.#allClosed !== null && !this.#net.listening) {
      this.#state = 'closed';
      if (this.#closeTimer !== null) clearTimeout(this.#closeTimer);
      this.#allClosed();
      this.#allClosed = null;
    }
  }

  #accept(socket: Socket, tls: TlsIdentity | null): void {
    if (this.#state !== 'listening' || (this.#connections.size + this.#pending.size >= this.options.maxConnections && !this.#shed())) {
      const date = this.#date;
      date.refresh();
      const refusal = new Connection('server').send({ type: 'response', status: 503, fields: [['Content-Length', '0'], ['Date', date.value]] });
      socket.on('error', () => socket.destroy());
      socket.end(refusal[0]);
      return;
    }
    const session = new Session(peerAddress(socket, this.address), tls);
    const onConnect = this.app.onConnect;
    if (onConnect !== undefined) {
      let keep;
      try {
        keep = onConnect(session, socket);
      } catch (error) {
        this.#context.onError(error, session);
        keep = false;
      }
      if (keep instanceof Promise) return this.#acceptLater(socket, session, keep);
      if (keep === false) {
        socket.destroy();
        return;
      }
    }
    this.#connections.add(new ServerConnection(this.#context, socket, session));
  }

  /**
   * Serves `socket` once an async onConnect resolves to anything but false. Its bytes wait
   * in the socket (nothing reads them), at most for the head timeout, as a slow head would.
   */
  #acceptLater(socket: Socket, session: Session, keep: Promise<boolean | void>): void {
    this.#pending.add(socket);
    const timeout = this.options.headTimeout;
    const settle = (verdict: boolean | void, error: { reason: unknown } | null): void => {
      if (!this.#pending.delete(socket)) return;
      if (timer !== null) clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error !== null) this.#context.onError(error.reason, session);
      if (verdict === false || error !== null || this.#state !== 'listening' || socket.destroyed) {
        socket.destroy();
        if (this.#state === 'closing') this.#maybeClosed();
        return;
      }
      this.#connections.add(new ServerConnection(this.#context, socket, session));
    };
    const timer =
      timeout === 0
        ? null
        : setTimeout(() => settle(false, { reason: new WarrenError('connect-timeout', `onConnect did not settle within the head timeout of ${timeout} ms: the connection was dropped`) }), timeout);
    timer?.unref();
    const onError = (): void => {
      socket.destroy();
    };
    const onClose = (): void => settle(false, null);
    socket.on('error', onError);
    socket.on('close', onClose);
    keep.then(
      (verdict) => settle(verdict, null),
      (reason: unknown) => settle(false, { reason }),
    );
  }

  /**
   * At maxConnections, frees a slot for a new connection: drops the one holding its slot
   * for least reason, an idle (or ending) connection first, else the oldest partial head;
   * never one whose request the app handles or whose response is being written. A slowloris
   * peer holding every slot then costs a normal client nothing but the shed's diagnostic.
   */
  #shed(): boolean {
    const victim = first(this.#idle) ?? first(this.#heads);
    if (victim === undefined) return false;
    this.#idle.delete(victim);
    this.#heads.delete(victim);
    this.#connections.delete(victim);
    const what = victim.shed();
    this.#context.onError(new WarrenError('connection-shed', `at maxConnections (${this.options.maxConnections}) the server shed ${what} to admit a new one`), victim.session);
    return true;
  }

  #forget(conn: ServerConnection): void {
    this.#connections.delete(conn);
    this.#idle.delete(conn);
    this.#heads.delete(conn);
    if (this.#state === 'closing') this.#maybeClosed();
  }
}

function checkCloseTimeout(options: CloseOptions): number {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`server.close() takes { timeout? }; got ${describe(options)}`);
  }
  const timeout = options.timeout ?? DEFAULT_CLOSE_TIMEOUT;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 0) {
    throw new TypeError(`server.close({ timeout }) takes a whole number of milliseconds, 0 to wait however long; got ${describe(timeout)}`);
  }
  return timeout;
}

/** The oldest member of an insertion-ordered set, in O(1). */
function first<T>(set: Set<T>): T | undefined {
  for (const item of set) return item;
  return undefined;
}

function peerAddress(socket: Socket, local: Address): Address {
  const host = socket.remoteAddress;
  const port = socket.remotePort;
  return host !== undefined && port !== undefined ? Object.freeze([host, port] as const) : local;
}
