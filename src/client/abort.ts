// Aborts: a request stopped by its AbortSignal fails with the signal's reason as its
// `cause`, as it was given, and with code 'timeout' when that reason is the TimeoutError
// DOMException of AbortSignal.timeout() (DOM Standard §3.1.3.1), else 'aborted'. HTTP/1.1
// cannot cancel one request on the wire (RFC 9112 §9.6), so one sent ends its connection.

import { RequestError } from '../transport/errors.js';

/** The RequestError of `what` (a request, a connect) aborted `when` ("before it was sent", ...); `sent`: whether any of it was written. */
export function abortError(signal: AbortSignal | undefined, when: string, sent: boolean, what = 'request'): RequestError {
  const reason: unknown = signal?.reason;
  if (isTimeout(reason)) return new RequestError('timeout', `the ${what}'s AbortSignal timed out ${when}`, sent, { cause: reason });
  return new RequestError('aborted', `the ${what} was aborted ${when}`, sent, { cause: reason });
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}
