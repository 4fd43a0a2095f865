// WarrenError: what the server and the client raise when the fault is not a broken HTTP
// rule (those are ProtocolError): a timeout, a closed connection, a body over a limit,
// a program calling the API wrongly. Each has a stable `code`.

export type WarrenErrorCode =
  | 'misuse'
  | 'body-too-large'
  | 'connection-closed'
  | 'head-timeout'
  | 'body-timeout'
  | 'idle-timeout'
  | 'aborted'
  | 'invalid-response';

export class WarrenError extends Error {
  override name = 'WarrenError';
  readonly code: WarrenErrorCode;

  constructor(code: WarrenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
