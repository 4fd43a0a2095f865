// Server: Degu's embedded server on one address argument. It listens on a Unix socket,
// an abstract socket, IPv4 or IPv6 (with scope id), and serves one app. listen() binds,
// `address` tells where (with the port the kernel chose), close() is graceful: it stops
// accepting, lets exchanges in flight finish, and closes idle connections at once.

import { Connection } from '../protocol/index.js';
import { checkAddress, isLocalSocket, type Address } from '../transport/address.js';
import { Listener, type Socket } from '../transport/listen.js';
import { checkServerTls, type ServerTlsOptions, type TlsIdentity } from '../transport/tls.js';
import { Deadlines } from '../transport/deadlines.js';
import type { App } from './app.js';
import { ServerConnection, type ServerContext } from './connection.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js';
import { Session } from './session.js';

export interface ServerHooks {
  /** Where app failures go (the peer gets a 500). Default: console.error. */
  readonly onError?: (error: unknown, session: Session) => void;
  /** Serve TLS: a certificate and key, and either a CA for client certificates or allowUnauthenticatedClients. */
  readonly tls?: ServerTlsOptions;
}

type ServerState = 'new' | 'listening' | 'closing' | 'closed';

export class Server {
  readonly app: App;
  readonly options: ResolvedServerOptions;
  readonly #requested: Address;
  readonly #net: Listener;
  readonly #connections = new Set<ServerConnection>();
  readonly #context: ServerContext;
  #address: Address | null = null;
  #state: ServerState = 'new';
  #closed: Promise<void> | null = null;
  #allClosed: (() => void) | null = null;

  constructor(address: Address, app: App, options?: ServerOptions & ServerHooks) {
    this.#requested = checkAddress(address);
    if (typeof app !== 'function') throw new TypeError(`Server(address, app) takes an app function (session, request, bodies) => response; got ${typeof app}`);
    this.app = app;
    const { onError, tls, ...rest } = options ?? {};
    const policy = tls === undefined ? null : checkServerTls(tls);
    // Over TLS the peer is authenticated by its certificate, Unix socket or not: Host is required as on TCP.
    this.options = resolveServerOptions(rest, isLocalSocket(this.#requested) && policy === null);
    // Check the core's limits now, not at the first connection.
    new Connection('server', { limits: this.options.limits });
    const { headTimeout, bodyTimeout, keepAliveTimeout } = this.options;
    const report = onError ?? ((error: unknown) => console.error('warren: the app failed:', error));
    this.#context = {
      app,
      options: this.options,
      onError: report,
      deadlines: new Deadlines([headTimeout, bodyTimeout, keepAliveTimeout]),
      closed: (conn: ServerConnection) => this.#forget(conn),
    };
    this.#net = new Listener(this.#requested, policy, (socket, identity) => this.#accept(socket, identity));
  }

  /** Where the server listens, in the form it was given, with the port the kernel chose. */
  get address(): Address {
    if (this.#address === null) throw new Error('the server has no address yet: await server.listen() first');
    return this.#address;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  async listen(): Promise<this> {
    if (this.#state !== 'new') throw new Error(`listen() was already called (the server is ${this.#state})`);
    this.#state = 'listening';
    this.#address = await this.#net.listen();
    return this;
  }

  /** Stops accepting, finishes exchanges in flight, closes idle connections; resolves when all are closed. */
  close(): Promise<void> {
    if (this.#closed !== null) return this.#closed;
    this.#state = 'closing';
    this.#closed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
      this.#net.close(() => this.#maybeClosed());
      for (const conn of this.#connections) conn.shutdown();
    });
    return this.#closed;
  }

  #maybeClosed(): void {
    if (this.#connections.size === 0 && this.#allClosed !== null && !this.#net.listening) {
      this.#state = 'closed';
      this.#allClosed();
      this.#allClosed = null;
    }
  }

  #accept(socket: Socket, tls: TlsIdentity | null): void {
    if (this.#state !== 'listening' || this.#connections.size >= this.options.maxConnections) {
      const refusal = new Connection('server').send({ type: 'response', status: 503, fields: [['Content-Length', '0']] });
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
      if (keep === false) {
        socket.destroy();
        return;
      }
    }
    this.#connections.add(new ServerConnection(this.#context, socket, session));
  }

  #forget(conn: ServerConnection): void {
    this.#connections.delete(conn);
    if (this.#state === 'closing') this.#maybeClosed();
  }
}

function peerAddress(socket: Socket, local: Address): Address {
  const host = socket.remoteAddress;
  const port = socket.remotePort;
  return host !== undefined && port !== undefined ? Object.freeze([host, port] as const) : local;
}
