// What a request line may hold, checked before a byte is written: a request the server
// must refuse with a 400 would cost the connection (and the requests pipelined behind it)
// for a mistake this process can see. The method is normalized as fetch does (Fetch
// standard, "normalize a method"); the target takes the form its method allows (RFC 9112 §3.2).

import { ProtocolError } from '../protocol/index.js';
import { ABSOLUTE_FORM, AUTHORITY_FORM, TOKEN, isTarget } from '../protocol/syntax.js';
import { describe } from './describe.js';

/**
 * The methods fetch upper-cases whatever their case. Methods are case-sensitive (RFC 9110
 * §9.1), so `get` is not GET to a server; fetch leaves every other one as given (`patch` stays).
 */
const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const UPPER = new Set(NORMALIZED);
const BY_LOWER = new Map(NORMALIZED.map((m) => [m.toLowerCase(), m]));

/** `method` as sent: one of fetch's six upper-cased, any other token as given; a non-token is refused. */
export function requestMethod(method: string): string {
  // GET, POST... as given are the common case: no regular expression, no lower-casing.
  if (UPPER.has(method)) return method;
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    throw refused('invalid-method', `a method is a token such as GET or PATCH (RFC 9110 §9.1), got ${describe(method)}`);
  }
  return BY_LOWER.get(method.toLowerCase()) ?? method;
}

/** Refuses a target its method cannot have: origin-form `/path?query`, absolute-form `scheme:...`, `*` for OPTIONS, host:port for CONNECT. */
export function checkRequestTarget(method: string, target: string): void {
  if (typeof target !== 'string' || !isTarget(target)) {
    throw refused('invalid-target', `a target is visible ASCII, got ${describe(target)}: percent-encode spaces, CR, LF and non-ASCII (encodeURI() does)`);
  }
  if (method === 'CONNECT') {
    if (!AUTHORITY_FORM.test(target)) throw refused('invalid-target', `CONNECT takes host:port as its target (RFC 9112 §3.2.3), got ${JSON.stringify(target)}`);
  } else if (target === '*') {
    if (method !== 'OPTIONS') throw refused('invalid-target', `only OPTIONS may have * as its target (RFC 9112 §3.2.4), not ${method}`);
  } else if (target.charCodeAt(0) !== 0x2f && !ABSOLUTE_FORM.test(target)) {
    throw refused('invalid-target', `a target starts with '/' (or is an absolute URI such as http://host/path), got ${JSON.stringify(target)}: did you mean ${JSON.stringify(`/${target}`)}?`);
  }
}

function refused(code: 'invalid-method' | 'invalid-target', message: string): ProtocolError {
  // Local: nothing was sent, so the client reports it with sent: false.
  return new ProtocolError(code, 'local', message);
}
