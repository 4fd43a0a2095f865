// One request's bookkeeping on a ClientConnection, and the rules about it that outlive the
// connection: how many interim responses it may get, and when a failed one may be sent again.

import type { OutgoingBody } from '../transport/body.js';
import type { RequestError } from '../transport/errors.js';
import type { HeadersInit } from '../transport/outgoing.js';
import type { ClientTrace } from './diagnostics.js';
import type { ClientResponse } from './response.js';
import type { Switching } from './switch.js';

/** Per-request options. */
export interface RequestOptions {
  /**
   * Stops the request: one not yet sent fails with `sent: false`; one sent (or whose
   * response is being read) ends its connection, as HTTP/1.1 cannot cancel one request on
   * the wire. It fails with code 'timeout' when the reason is AbortSignal.timeout()'s, else
   * 'aborted'; its `cause` is the signal's reason.
   */
  readonly signal?: AbortSignal;
}

/** @internal */
export interface Exchange {
  readonly method: string;
  readonly uri: string;
  readonly headers: HeadersInit | undefined;
  readonly body: OutgoingBody;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (response: ClientResponse) => void;
  readonly reject: (error: RequestError) => void;
  sent: boolean;
  answered: boolean;
  settled: boolean;
  /** Interim responses seen so far (see MAX_INFORMATIONAL_RESPONSES). */
  informational: number;
  /** Set while the body waits for 100 Continue. */
  continued: (() => void) | null;
  onAbort: (() => void) | null;
  /** An upgrade() or tunnel(): it goes out alone. */
  readonly switching: Switching | null;
  /** Its diagnostics_channel trace once sent; null when no one listens. */
  trace: ClientTrace | null;
}

/** @internal A request not yet sent. */
export function newExchange(
  method: string,
  uri: string,
  headers: HeadersInit | undefined,
  body: OutgoingBody,
  signal: AbortSignal | undefined,
  resolve: (response: ClientResponse) => void,
  reject: (error: RequestError) => void,
  switching: Switching | null,
): Exchange {
  return { method, uri, headers, body, signal, resolve, reject, sent: false, answered: false, informational: 0, settled: false, continued: null, onAbort: null, switching, trace: null };
}

/**
 * Interim (1xx) responses taken before the final one; more fail the request with code
 * 'too-many-informational' (Go net/http: max1xxResponses 5; a few more here for 103 Early Hints).
 * Without a bound a server could hold a request forever on 102s, each resetting nothing.
 */
export const MAX_INFORMATIONAL_RESPONSES = 16;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** @internal Whether a failed request may be sent again: not answered, and idempotent or not sent. */
export function retryable(method: string, error: RequestError): boolean {
  if (error.responseStarted) return false;
  if (error.code !== 'connection-closed') return false;
  return !error.sent || IDEMPOTENT.has(method);
}
