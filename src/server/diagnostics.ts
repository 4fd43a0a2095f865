// The server's node:diagnostics_channel events, named under `warren:server:` (as undici's
// `undici:request:*` and node:http's `http.server.*`). An exchange is traced only when some
// channel has a subscriber as its request head arrives: then it publishes start, head and
// end, or start and error, each at most once; with no subscriber nothing is allocated.
// The message shapes are a public contract, documented in docs/diagnostics.md.

import { anySubscriber, sideChannels } from '../transport/channels.js';
import type { FieldLine } from '../protocol/index.js';
import type { ServerRequest } from './request.js';
import type { Session } from './session.js';

/** `warren:server:request:start`: a request head has arrived and goes to the app. */
export interface ServerRequestStartMessage {
  readonly session: Session;
  readonly request: ServerRequest;
}

/** `warren:server:response:head`: the app's response head was serialized and is being written. */
export interface ServerResponseHeadMessage {
  readonly session: Session;
  readonly request: ServerRequest;
  readonly status: number;
  /** The field lines sent, the server's Date and Connection included. */
  readonly fields: readonly FieldLine[];
}

/** `warren:server:response:end`: the whole response was handed to the socket. */
export interface ServerResponseEndMessage {
  readonly session: Session;
  readonly request: ServerRequest;
  readonly status: number;
}

/**
 * `warren:server:request:error`: an exchange failed. `request` is null when the failure came
 * before the request went to the app (a malformed head, a head timeout, a Content-Length over maxBodyBytes); `status` is what the peer was answered, null
 * when the response had begun and only the close could tell it.
 */
export interface ServerRequestErrorMessage {
  readonly session: Session;
  readonly request: ServerRequest | null;
  readonly status: number | null;
  /** A WarrenError or ProtocolError code, or 'app-error' when the app threw. */
  readonly code: string;
  readonly message: string;
  /** What was thrown (the app's error, a ProtocolError...), null when nothing was. */
  readonly error: unknown;
}

/** The server's channels, by event. */
export const serverChannels = sideChannels('server');

const { requestStart, responseHead, responseEnd, requestError } = serverChannels;

/** @internal One traced exchange: publishes its events in order, its last (end or error) once. */
export class ServerTrace {
  readonly #session: Session;
  readonly #request: ServerRequest;
  #status = 0;
  #over = false;

  constructor(session: Session, request: ServerRequest) {
    this.#session = session;
    this.#request = request;
    if (requestStart.hasSubscribers) requestStart.publish({ session, request } satisfies ServerRequestStartMessage);
  }

  head(status: number, fields: readonly FieldLine[]): void {
    this.#status = status;
    if (responseHead.hasSubscribers) responseHead.publish({ session: this.#session, request: this.#request, status, fields } satisfies ServerResponseHeadMessage);
  }

  end(): void {
    if (this.#over) return;
    this.#over = true;
    if (responseEnd.hasSubscribers) responseEnd.publish({ session: this.#session, request: this.#request, status: this.#status } satisfies ServerResponseEndMessage);
  }

  error(status: number | null, code: string, message: string, error: unknown): void {
    if (this.#over) return;
    this.#over = true;
    publishError(this.#session, this.#request, status, code, message, error);
  }
}

/** @internal A trace for a request about to go to the app; null when no one listens. */
export function traceRequest(session: Session, request: ServerRequest): ServerTrace | null {
  return anySubscriber(serverChannels) ? new ServerTrace(session, request) : null;
}

/** @internal An error on a connection: through its exchange's trace, else (no request read) on its own. */
export function traceError(trace: ServerTrace | null, session: Session, status: number | null, code: string, message: string, error: unknown): void {
  if (trace !== null) trace.error(status, code, message, error);
  else publishError(session, null, status, code, message, error);
}

function publishError(session: Session, request: ServerRequest | null, status: number | null, code: string, message: string, error: unknown): void {
  if (requestError.hasSubscribers) requestError.publish({ session, request, status, code, message, error } satisfies ServerRequestErrorMessage);
}
