// What an app returns, checked before any of it is read: an AppResponse is an object with
// a numeric status from 200 to 599, or 101 for a switch (other 1xx are the server's to
// send, RFC 9110 §15.2; switch.ts checks the 101 against the request). A
// WHATWG Response, whose headers and body are in a form warren does not read, is refused
// with what to return instead: silently sending its status alone would lose the rest.

import { WarrenError } from '../transport/errors.js';
import { describe } from '../transport/outgoing.js';
import type { AppResponse } from './app.js';

const SHAPE = '{ status, headers?, body? } (or a promise of one)';

/** Throws a WarrenError('invalid-response') that names what the app gave when it is not an AppResponse. */
export function checkResponse(response: unknown): asserts response is AppResponse {
  if (response === null || typeof response !== 'object') {
    throw new WarrenError('invalid-response', `the app returned ${describe(response)}: an app returns ${SHAPE}`);
  }
  // Plain objects, the common case, skip the look at the class.
  const proto: unknown = Object.getPrototypeOf(response);
  if (proto !== Object.prototype && proto !== null && isFetchResponse(response)) {
    throw new WarrenError(
      'invalid-response',
      'the app returned a WHATWG Response, whose Headers and ReadableStream body warren does not read: ' +
        `return ${SHAPE}, with headers a record or [name, value] pairs, or wrap a fetch-style handler (such as a Hono app's fetch) with fetchApp() from warren`,
    );
  }
  const status = (response as { status?: unknown }).status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    if (status === 101) return;
    const hint = typeof status === 'string' && /^[0-9]+$/.test(status) ? ` (${status}, not ${JSON.stringify(status)})` : '';
    throw new WarrenError('invalid-response', `the app returned a response whose status is ${describe(status)}: a status is a number from 200 to 599 (or 101 with a switch)${hint}`);
  }
}

function isFetchResponse(value: object): boolean {
  return typeof Response === 'function' && value instanceof Response;
}
