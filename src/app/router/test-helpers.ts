// Helpers for the router's unit tests: a request as the server would make it, and the
// text of an answer's body (an Html page is an iolist of pieces).

import { Fields, ServerRequest, Session, bodies, type AppResponse, type Bodies, type OutgoingBody } from '../../index.js';

/** A request with no body, as the server builds one. */
export function request(method: string, uri: string): ServerRequest {
  return new ServerRequest(method, uri, '1.1', new Fields([['Host', 'localhost']]), null);
}

/** A session from a Unix socket. */
export const session = new Session('/tmp/router-test.sock');

/** The bodies helper the server passes to apps. */
export const noBodies: Bodies = bodies;

/** A body as text: strings and bytes, nested arrays (iolists) joined. */
export function bodyText(body: OutgoingBody | undefined): string {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (Array.isArray(body)) return (body as readonly OutgoingBody[]).map(bodyText).join('');
  throw new TypeError('bodyText() reads strings, bytes and iolists');
}

/** The value of a header (lowercase name) of an answer given as a record. */
export function header(response: AppResponse, name: string): string | undefined {
  const headers = response.headers as Record<string, string> | undefined;
  return headers?.[name];
}
