// Failures as a client request reports them: every one is a RequestError whose `sent` says
// whether any of the request was written. A ProtocolError of our own making (a bad request
// line or field) and a misuse were refused before a byte left, so they are never sent.

import { ProtocolError } from '../protocol/index.js';
import { RequestError, WarrenError } from '../transport/errors.js';

/** @internal A failure as the RequestError a request rejects with; `sent`: whether it was written. */
export function asRequestError(error: unknown, sent: boolean): RequestError {
  if (error instanceof RequestError) return error;
  if (error instanceof ProtocolError) {
    const who = error.side === 'remote' ? 'the server broke HTTP/1.1' : 'the request is not valid HTTP/1.1';
    return new RequestError(error.code, `${who}: ${error.message}`, error.side === 'local' ? false : sent, { cause: error });
  }
  // A refused handshake means the server read no request.
  if (error instanceof WarrenError) return new RequestError(error.code, error.message, error.code === 'misuse' || error.code === 'tls-failed' ? false : sent, { cause: error });
  return new RequestError('connection-closed', error instanceof Error ? error.message : String(error), sent, { cause: error });
}
