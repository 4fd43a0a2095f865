// The client's node:diagnostics_channel events, named under `warren:client:` (as undici's
// `undici:request:create`, `:headers`, `:trailers` and `:error`). A request is traced only
// when some channel has a subscriber as its head goes out: then it publishes start, head
// and end, or start and error, its last event once. A request refused before it went out
// publishes only its error. With no subscriber nothing is allocated. Shapes: docs/diagnostics.md.

import { anySubscriber, sideChannels } from '../transport/channels.js';
import type { FieldLine } from '../protocol/index.js';
import type { RequestError } from '../transport/errors.js';
import type { ClientConnection } from './connection.js';
import type { ClientResponse } from './response.js';

/** A request as the client's channels describe it. */
export interface ClientRequestInfo {
  readonly method: string;
  readonly uri: string;
  /** The field lines sent (Host and the client's default fields included); null for a request that never went out. */
  readonly fields: readonly FieldLine[] | null;
}

/** `warren:client:request:start`: a request head was serialized and is being written. */
export interface ClientRequestStartMessage {
  readonly connection: ClientConnection;
  readonly request: ClientRequestInfo;
}

/** `warren:client:response:head`: the final response head arrived (1xx responses publish nothing). */
export interface ClientResponseHeadMessage {
  readonly connection: ClientConnection;
  readonly request: ClientRequestInfo;
  readonly response: ClientResponse;
}

/** `warren:client:response:end`: the response was read to its end; its trailers, if chunked, are on `response.body`. */
export interface ClientResponseEndMessage {
  readonly connection: ClientConnection;
  readonly request: ClientRequestInfo;
  readonly response: ClientResponse;
}

/**
 * `warren:client:request:error`: the request failed, before its response head
 * (`error.responseStarted` false; the request rejected with this error) or while its body
 * was read (true; the body's read rejected with it).
 */
export interface ClientRequestErrorMessage {
  readonly connection: ClientConnection;
  readonly request: ClientRequestInfo;
  readonly error: RequestError;
}

/** The client's channels, by event. */
export const clientChannels = sideChannels('client');

const { requestStart, responseHead, responseEnd, requestError } = clientChannels;

/** @internal One traced request: publishes its events in order, its last (end or error) once. */
export class ClientTrace {
  readonly #connection: ClientConnection;
  readonly #request: ClientRequestInfo;
  #response: ClientResponse | null = null;
  #over = false;

  constructor(connection: ClientConnection, request: ClientRequestInfo) {
    this.#connection = connection;
    this.#request = request;
    if (requestStart.hasSubscribers) requestStart.publish({ connection, request } satisfies ClientRequestStartMessage);
  }

  head(response: ClientResponse): void {
    this.#response = response;
    if (responseHead.hasSubscribers) responseHead.publish({ connection: this.#connection, request: this.#request, response } satisfies ClientResponseHeadMessage);
  }

  end(): void {
    if (this.#over || this.#response === null) return;
    this.#over = true;
    if (responseEnd.hasSubscribers) responseEnd.publish({ connection: this.#connection, request: this.#request, response: this.#response } satisfies ClientResponseEndMessage);
  }

  error(error: RequestError): void {
    if (this.#over) return;
    this.#over = true;
    if (requestError.hasSubscribers) requestError.publish({ connection: this.#connection, request: this.#request, error } satisfies ClientRequestErrorMessage);
  }
}

/** @internal A trace for a request whose head goes out now; null when no one listens. */
export function traceClientRequest(connection: ClientConnection, method: string, uri: string, fields: readonly FieldLine[]): ClientTrace | null {
  if (!anySubscriber(clientChannels)) return null;
  return new ClientTrace(connection, { method, uri, fields });
}

/** @internal A request's failure: through its trace, or on its own for one that never went out. */
export function traceClientError(trace: ClientTrace | null, connection: ClientConnection, method: string, uri: string, error: RequestError): void {
  if (trace !== null) trace.error(error);
  else if (requestError.hasSubscribers) requestError.publish({ connection, request: { method, uri, fields: null }, error } satisfies ClientRequestErrorMessage);
}
