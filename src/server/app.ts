// The app contract, as in Degu: app(session, request, bodies) -> response. A response has
// the shape of the client's response, so an app can return what a client fetched.

import type { Socket } from '../transport/listen.js';
import type { Bodies, OutgoingBody } from '../transport/body.js';
import type { HeadersInit } from '../transport/outgoing.js';
import type { ServerRequest } from './request.js';
import type { Session } from './session.js';

/** What an app returns: a status from 200 to 599, and optionally a reason, headers and a body. */
export interface AppResponse {
  /** An integer from 200 to 599 (1xx responses are the server's to send). */
  readonly status: number;
  /** Defaults to the status's registered reason phrase. */
  readonly reason?: string;
  readonly headers?: HeadersInit;
  readonly body?: OutgoingBody;
}

/**
 * An app: called once per request with its connection's session, the request and the body
 * classes; returns the response (or a promise of it). The shape of Degu's app.
 */
export interface App {
  (session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse>;
  /**
   * Called for each new connection, before any of its bytes are read; returning false (or
   * a promise of false) drops it. A promise is awaited, at most for the head timeout; a
   * throw, a rejection or the timeout drops the connection too and goes to onError.
   */
  onConnect?: (session: Session, socket: Socket) => boolean | void | Promise<boolean | void>;
}
