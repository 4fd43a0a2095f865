// The app contract, as in Degu: app(session, request, bodies) -> response. A response has
// the shape of the client's response, so an app can return what a client fetched.

import type { Socket } from '../transport/listen.js';
import type { Bodies, OutgoingBody } from '../transport/body.js';
import type { HeadersInit } from '../transport/outgoing.js';
import type { ServerRequest } from './request.js';
import type { Session } from './session.js';

export interface AppResponse {
  readonly status: number;
  /** Defaults to the status's registered reason phrase. */
  readonly reason?: string;
  readonly headers?: HeadersInit;
  readonly body?: OutgoingBody;
}

export interface App {
  (session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse>;
  /** Called for each new connection; returning false drops it. */
  onConnect?: (session: Session, socket: Socket) => boolean | void;
}
