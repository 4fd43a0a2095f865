// fetchApp(): any fetch-style handler, (request: Request) => Response, as a warren App.
// The Request is a LazyRequest (fetch-request.ts): nothing WHATWG is built until touched;
// the Response goes out as fetch-response.ts reads it. A connection's close (or its FIN,
// as node's http server takes it) aborts the signal of the request it is serving, known
// through the App's onConnect hook; without it (the app mounted inside another) the signal
// still aborts when the response body is cut.

import { ProtocolError } from '../protocol/index.js';
import type { Socket } from '../transport/listen.js';
import { WarrenError } from '../transport/errors.js';
import { describe } from '../transport/outgoing.js';
import type { App, AppResponse } from './app.js';
import { LazyRequest } from './fetch-request.js';
import { toAppResponse, type Tracker } from './fetch-response.js';
import { originOf, requestUrl, unixOrigin } from './fetch-url.js';
import type { ServerRequest } from './request.js';
import type { Session } from './session.js';

/** A fetch-style handler, as Hono's `app.fetch`, Deno.serve's and Bun.serve's take. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

const GONE = 'the client closed the connection before the response was sent';

/** One request's reach into its handler: its signal (once asked for) and its streaming body (once there is one). */
class Exchange implements Tracker {
  readonly #state: ConnectionState | null;
  controller: AbortController | null = null;
  #cancel: ((reason: Error) => void) | null = null;

  constructor(state: ConnectionState | null) {
    this.#state = state;
    if (state !== null) state.current = this;
  }

  signal(): AbortController {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.#state?.gone === true) this.controller.abort(new WarrenError('connection-closed', GONE));
    }
    return this.controller;
  }

  /** The client went away: the signal aborts and a streaming body is cancelled. */
  gone(reason: Error): void {
    this.controller?.abort(reason);
    this.#cancel?.(reason);
  }

  streaming(cancel: (reason: Error) => void): void {
    this.#cancel = cancel;
  }

  finished(cut: boolean): void {
    if (this.#state !== null && this.#state.current === this) this.#state.current = null;
    this.#cancel = null;
    if (cut) this.controller?.abort(new WarrenError('connection-closed', 'the response body was cut before its end: the client went away'));
  }
}

/** What one connection's requests share: its socket's fate, and the origin last built from its Host. */
class ConnectionState {
  /** The exchange being served, until its response is out. */
  current: Exchange | null = null;
  gone = false;
  readonly local: string | null;
  host: string | null = null;
  origin: string | null = null;

  constructor(socket: Socket) {
    const address = socket.localAddress;
    this.local = address === undefined ? null : address.includes(':') ? `[${address}]:${socket.localPort}` : `${address}:${socket.localPort}`;
    // The peer's FIN counts as gone, as node's http server (httpAllowHalfOpen false) takes it.
    const gone = (): void => {
      if (this.gone) return;
      this.gone = true;
      this.current?.gone(new WarrenError('connection-closed', GONE));
      this.current = null;
    };
    socket.once('end', gone);
    socket.once('close', gone);
  }
}

const states = new WeakMap<Session, ConnectionState>();

/**
 * A warren App that calls `handler` with a WHATWG Request for each request and sends the
 * Response it returns: `new Server(address, fetchApp(hono.fetch))`. The Request is lazy
 * (method, url and headers made when read; a ReadableStream body only when `body` is
 * touched); a Response with a string, bytes or null body goes out in one write with
 * Content-Length, a stream as it is read. A throw is the server's 500 (onError hears it);
 * a return that is not a Response is a WarrenError ('invalid-response') the same way.
 */
export function fetchApp(handler: FetchHandler): App {
  if (typeof handler !== 'function') {
    throw new WarrenError('misuse', `fetchApp(handler) takes a function (request: Request) => Response; got ${describe(handler)} (for a Hono app, give app.fetch)`);
  }
  const app: App = (session, request) => serveOne(handler, session, request);
  app.onConnect = (session, socket) => {
    states.set(session, new ConnectionState(socket));
  };
  return app;
}

function serveOne(handler: FetchHandler, session: Session, request: ServerRequest): Promise<AppResponse> {
  const state = states.get(session) ?? null;
  const exchange = new Exchange(state);
  const method = request.method;
  const lazy = new LazyRequest({
    method,
    fields: request.fields,
    body: method === 'GET' || method === 'HEAD' ? null : request.body,
    url: () => urlFor(session, state, request),
    controller: () => exchange.signal(),
  });
  let result;
  try {
    result = handler(lazy as unknown as Request);
  } catch (error) {
    exchange.finished(false);
    return Promise.reject(error);
  }
  if (result instanceof Promise) {
    return result.then(
      (response) => toAppResponse(response, method, exchange),
      (error: unknown) => {
        exchange.finished(false);
        throw error;
      },
    );
  }
  return toAppResponse(result, method, exchange);
}

const plainMemo: { host: string | null; origin: string | null } = { host: null, origin: null };
const tlsMemo: { host: string | null; origin: string | null } = { host: null, origin: null };

function urlFor(session: Session, state: ConnectionState | null, request: ServerRequest): string {
  const scheme = session.tls === null ? 'http' : 'https';
  const host = request.fields.get('host');
  let origin: string | null;
  if (host === null) {
    // No Host (HTTP/1.0, or a Unix socket, where it is optional): where the connection came in.
    const address = session.address;
    origin = typeof address === 'string' ? unixOrigin(scheme, address) : `${scheme}://${state?.local ?? 'localhost'}`;
  } else {
    // The origin is remembered per connection (one Host a connection, as a rule), or without
    // onConnect for the last Host seen: a URL parse a request would cost more than the rest.
    const memo = state ?? (scheme === 'http' ? plainMemo : tlsMemo);
    if (memo.host === host) origin = memo.origin;
    else {
      origin = originOf(scheme, host);
      if (origin === null) throw new ProtocolError('invalid-host', 'remote', `Host ${JSON.stringify(host)} is not a host[:port]: a fetch handler's Request needs a URL`, 400);
      memo.host = host;
      memo.origin = origin;
    }
  }
  // Mounted in a Router (or behind shiftPath()), the handler sees only the rest of the path, as any warren App does.
  const target = request.mount.length === 0 ? request.uri : request.buildProxyUri();
  const url = requestUrl(origin!, target);
  if (url === null) throw new ProtocolError('invalid-target', 'remote', `the request-target ${JSON.stringify(target.slice(0, 80))} makes no URL: a fetch handler takes origin-form (/path) or absolute-form (http://host/path) targets`, 400);
  return url;
}
