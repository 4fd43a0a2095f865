// The request methods every requester has: get, head, delete, put, post and getRange, on
// top of its request(). ClientConnection and Pool both extend it, so the two have the
// same shorthands with one meaning.

import type { FieldLine } from '../protocol/index.js';
import type { OutgoingBody } from '../transport/body.js';
import type { HeadersInit } from '../transport/outgoing.js';
import type { RequestOptions } from './exchange.js';
import { checkRange, rangeHeaders } from './range.js';
import { asRequestError } from './request-error.js';
import type { ClientResponse } from './response.js';

/** What sends requests (a ClientConnection, a Pool): request(), and the shorthands built on it. */
export abstract class Requester {
  /** Sends a request and resolves with its response head; see ClientConnection.request(). */
  abstract request(method: string, uri: string, headers?: HeadersInit, body?: OutgoingBody, options?: RequestOptions): Promise<ClientResponse>;

  /** A GET request; see request(). */
  get(uri: string, headers?: HeadersInit, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('GET', uri, headers, null, options);
  }

  /** A HEAD request: its response has no body, whatever its Content-Length says. */
  head(uri: string, headers?: HeadersInit, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('HEAD', uri, headers, null, options);
  }

  /** A DELETE request; see request(). */
  delete(uri: string, headers?: HeadersInit, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('DELETE', uri, headers, null, options);
  }

  /** A PUT request with `body` (framed by Content-Length when its length is known, else chunked). */
  put(uri: string, headers?: HeadersInit, body?: OutgoingBody, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('PUT', uri, headers, body, options);
  }

  /** A POST request with `body` (framed by Content-Length when its length is known, else chunked). */
  post(uri: string, headers?: HeadersInit, body?: OutgoingBody, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('POST', uri, headers, body, options);
  }

  /**
   * A GET of the bytes from `start` up to, not including, `stop` (Degu's get_range), sent
   * as `Range: bytes=start-(stop-1)`. Resolves with a 206 whose Content-Range names those
   * bytes (or those before the end, when the representation is shorter); anything else
   * rejects with a RangeMismatchError (code 'range-mismatch') holding the response unread.
   */
  getRange(uri: string, headers: HeadersInit | undefined, start: number, stop: number, options?: RequestOptions): Promise<ClientResponse> {
    let lines: FieldLine[];
    try {
      lines = rangeHeaders(headers, start, stop);
    } catch (error) {
      return Promise.reject(asRequestError(error, false));
    }
    return this.request('GET', uri, lines, null, options).then((response) => checkRange(response, start, stop));
  }
}
