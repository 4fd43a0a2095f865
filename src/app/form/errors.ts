// The two ways a form fails, as HttpErrors the router and serve() turn into pages: 400 when
// the sender broke the syntax (RFC 7578, RFC 2046, the WHATWG urlencoded parser), 413 when
// it kept to the syntax but went over one of our limits. No form is ever half accepted:
// the first failure ends the whole read.

import { HttpError } from '../errors.js';

/** A 400: the body is not a well-formed form; `code` names what was wrong. */
export function malformed(code: string, message: string): HttpError {
  return new HttpError(400, code, message);
}

/** A 413: the body went over `limit`; the message names the limit and its value. */
export function overLimit(code: string, limit: string, value: number, what: string): HttpError {
  return new HttpError(413, code, `${what} is over the limit ${limit} = ${value}`);
}
