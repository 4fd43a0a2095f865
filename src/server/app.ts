// The app contract, as in Degu: app(session, request, bodies) -> response. A response has
// the shape of the client's response, so an app can return what a client fetched.

import type { Socket } from '../transport/listen.js';
import type { Bodies, OutgoingBody } from '../transport/body.js';
import type { HeadersInit } from '../transport/outgoing.js';
import type { ServerRequest } from './request.js';
import type { Session } from './session.js';
import type { SwitchHandler } from './switch.js';

/**
 * What an app returns: a status from 200 to 599, and optionally a reason, headers and a
 * body; or a protocol switch: 101 to a request with Upgrade, or a 2xx to CONNECT, with `switch`.
 */
export interface AppResponse {
  /** An integer from 200 to 599; or 101 (Switching Protocols) with `switch` (other 1xx are the server's to send). */
  readonly status: number;
  /** Defaults to the status's registered reason phrase. */
  readonly reason?: string;
  readonly headers?: HeadersInit;
  readonly body?: OutgoingBody;
  /**
   * Takes the connection over once this response's head is written: with a 101 that accepts
   * the request's Upgrade (the head's Upgrade names the protocol; Connection: upgrade is
   * added), or with a 2xx to CONNECT (a tunnel). See SwitchHandler. Anything else is a 500.
   */
  readonly switch?: SwitchHandler;
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
