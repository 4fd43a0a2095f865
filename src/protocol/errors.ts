// ProtocolError: the one error type of the protocol core.
// Every rule the core enforces fails with a stable `code`, the side that broke the rule
// (`remote`: the peer sent something invalid; `local`: this program asked for something
// invalid), and the status a server should answer when the peer broke it (RFC 9110 §15).

/** Which side broke the rules: the peer (`remote`) or this program (`local`). */
export type Side = 'local' | 'remote';

/** The statuses a server answers a broken request with (RFC 9110 §15.5, §15.6). */
export type ErrorStatus = 400 | 408 | 413 | 414 | 431 | 500 | 501 | 505;

/** Stable error codes: match on these, never on the message. */
export type ProtocolErrorCode =
  // start line
  | 'invalid-method'
  | 'invalid-target'
  | 'invalid-version'
  | 'unsupported-version'
  | 'invalid-status'
  | 'invalid-reason'
  | 'invalid-start-line'
  | 'request-line-too-long'
  // field lines
  | 'invalid-field-name'
  | 'invalid-field-value'
  | 'obs-fold'
  | 'bare-cr'
  | 'bare-lf'
  | 'head-too-large'
  | 'too-many-fields'
  | 'missing-host'
  | 'duplicate-host'
  | 'invalid-host'
  // framing
  | 'invalid-content-length'
  | 'conflicting-content-length'
  | 'content-length-with-transfer-encoding'
  | 'invalid-transfer-encoding'
  | 'unsupported-transfer-coding'
  | 'chunked-not-final'
  | 'transfer-encoding-in-http10'
  | 'invalid-chunk-size'
  | 'chunk-size-overflow'
  | 'invalid-chunk-extension'
  | 'chunk-extension-too-large'
  | 'invalid-chunk-data'
  | 'trailer-too-large'
  | 'body-too-large'
  | 'incomplete-message'
  | 'data-after-close'
  | 'unexpected-response'
  | 'too-many-informational'
  | 'invalid-switch'
  // local misuse
  | 'invalid-state'
  | 'invalid-event'
  | 'framing-conflict'
  | 'body-not-allowed'
  | 'body-too-long'
  | 'body-too-short';

/** A violation of HTTP/1.1 by either side; `status` is what a server should answer. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  readonly side: Side;
  readonly status: ErrorStatus;

  constructor(code: ProtocolErrorCode, side: Side, message: string, status: ErrorStatus = side === 'local' ? 500 : 400) {
    super(message);
    this.code = code;
    this.side = side;
    this.status = status;
  }
}

/** The peer broke the rules. */
export function remoteError(code: ProtocolErrorCode, message: string, status: ErrorStatus = 400): ProtocolError {
  return new ProtocolError(code, 'remote', message, status);
}

/** This program asked the core for something HTTP/1.1 does not allow. */
export function localError(code: ProtocolErrorCode, message: string): ProtocolError {
  return new ProtocolError(code, 'local', message, 500);
}
