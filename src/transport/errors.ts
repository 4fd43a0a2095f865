// WarrenError: what the server and the client raise when the fault is not a broken HTTP
// rule (those are ProtocolError): a timeout, a closed connection, a body over a limit,
// a program calling the API wrongly. Each has a stable `code`.

/** The stable codes of WarrenError: what a program may branch on (messages are for people and may change). */
export type WarrenErrorCode =
  | 'misuse'
  | 'connect-failed'
  | 'tls-failed'
  | 'connect-timeout'
  | 'queue-timeout'
  | 'headers-timeout'
  | 'body-too-large'
  | 'connection-closed'
  | 'head-timeout'
  | 'body-timeout'
  | 'idle-timeout'
  | 'aborted'
  | 'timeout'
  | 'connect-refused'
  | 'range-mismatch'
  | 'upgrade-refused'
  | 'tunnel-refused'
  | 'connection-shed'
  | 'invalid-response'
  | 'decoded-too-large'
  | 'decode-failed'
  | 'redirect-refused'
  | 'redirect-cross-origin'
  | 'too-many-redirects'
  | 'redirect-unreplayable'
  | 'unsupported'
  | 'socket-activation';

/** A failure that is not a broken HTTP rule: a timeout, a closed connection, a limit, a misuse of the API; `code` says which. */
export class WarrenError extends Error {
  override name = 'WarrenError';
  readonly code: WarrenErrorCode;

  constructor(code: WarrenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Why a client request failed, and whether the server may have acted on it: with
 * `sent: false` no byte of the request left this process, so it is always safe to retry.
 */
export class RequestError extends Error {
  override name = 'RequestError';
  /** A WarrenError code, or the ProtocolError code when the server broke HTTP. */
  readonly code: string;
  readonly sent: boolean;
  /** A response head had arrived before the failure. */
  responseStarted = false;

  constructor(code: string, message: string, sent: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.sent = sent;
  }
}
