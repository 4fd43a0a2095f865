// Message body length (RFC 9112 §6.3), decided once per message from its head and,
// for responses, the request it answers. Received and sent messages follow the same
// rules; a sent head that contradicts them is refused by the serializer.


/** How a message body is delimited (RFC 9112 §6.3): none, a Content-Length, chunked, or the connection's close. */
export type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  | { readonly kind: 'close' };

export const NO_BODY: Framing = Object.freeze({ kind: 'none' });
export const CHUNKED: Framing = Object.freeze({ kind: 'chunked' });
export const CLOSE_DELIMITED: Framing = Object.freeze({ kind: 'close' });

/** Framing facts of a head, received or about to be sent. */
export interface FramingFields {
  readonly contentLength: number | null;
  readonly chunked: boolean;
}

/** RFC 9112 §6.3 rules 6-7: a request has a body only when it says so. CONNECT has none (RFC 9110 §9.3.6). */
export function requestFraming(method: string, head: FramingFields): Framing {
  if (method === 'CONNECT') return NO_BODY;
  if (head.chunked) return CHUNKED;
  if (head.contentLength !== null) return head.contentLength === 0 ? NO_BODY : { kind: 'length', length: head.contentLength };
  return NO_BODY;
}

/** RFC 9112 §6.3 rules 1-5, 8 for a response to `method` with `status`. */
export function responseFraming(method: string | null, status: number, head: FramingFields): Framing {
  if (!responseHasBody(method, status)) return NO_BODY;
  if (head.chunked) return CHUNKED;
  if (head.contentLength !== null) return head.contentLength === 0 ? NO_BODY : { kind: 'length', length: head.contentLength };
  return CLOSE_DELIMITED;
}

/**
 * Whether a request with `method` and no content still says Content-Length: 0: POST, PUT
 * and PATCH define a meaning for content, and a user agent sends the length of none
 * (RFC 9110 §8.6); other methods send no framing at all.
 */
export function requestStatesEmptyLength(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/** HEAD, 1xx, 204, 304 and a 2xx to CONNECT have no body (RFC 9112 §6.3 rules 1-2). */
export function responseHasBody(method: string | null, status: number): boolean {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return false;
  return !opensTunnel(method, status);
}

/** A 2xx answer to CONNECT turns the connection into a tunnel: no body, no framing (RFC 9110 §9.3.6). */
export function opensTunnel(method: string | null, status: number): boolean {
  return method === 'CONNECT' && status >= 200 && status < 300;
}

