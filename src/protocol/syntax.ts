// Character classes and small grammar checks of RFC 9110 §5.6 and RFC 9112, shared by
// the parser and the serializer so that what one accepts the other can produce, and the
// token cache both use. Heads are handled as latin1 strings: one char per byte.

/** token = 1*tchar (RFC 9110 §5.6.2). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Tokens seen before, each with its lowercase form (bounded: see remember()). Heads repeat
 * a few field names and methods, and a hit skips the regular expression and the case fold.
 */
const KNOWN_TOKENS = new Map<string, string>();
const KNOWN_TOKENS_MAX = 512;

/** The lowercase form of `text` when it is a token; null when it is not. */
export function lowerToken(text: string): string | null {
  const known = KNOWN_TOKENS.get(text);
  if (known !== undefined) return known;
  if (!TOKEN.test(text)) return null;
  const lower = text.toLowerCase();
  if (text.length <= 64) {
    // Interned copies, not the slice `text` may be (a slice would keep its whole head alive
    // in the map): an interned name compares with a literal ('content-length') by identity.
    remember(KNOWN_TOKENS, KNOWN_TOKENS_MAX, intern(text), intern(lower));
  }
  return lower;
}

/**
 * Adds to one of the core's caches of what it has seen (tokens, field lines, request
 * lines), emptying it first when it holds `max`: a peer or program that sends ever new
 * strings costs the cache its contents, which the strings in common use win back at
 * once, and never more memory.
 */
export function remember<K, V>(cache: Map<K, V>, max: number, key: K, value: V): void {
  if (cache.size >= max) cache.clear();
  cache.set(key, value);
}

/** The engine's one copy of `text`, flat: property keys are interned, so the key of a new object is. */
export function intern(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}

/** Whether an Expect field value asks for a 100 (Continue) before the body (RFC 9110 §10.1.1). */
export function expectsContinue(value: string): boolean {
  return value.length === 12 && value.toLowerCase() === '100-continue';
}

/** A char that may not appear inside a field value or reason phrase: CTL but HTAB (RFC 9110 §5.5). */
export const VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether a string given to the serializer is fit for a field value, reason phrase or chunk
 * extension value: no CTL but HTAB, nothing above U+00FF (a loop: for a head's short
 * values it is faster than a regular expression).
 */
export function isValueText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 ? c !== 0x09 : c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** The number `text` spells in 1 to `max` ASCII digits; -1 when it is not that, or not a safe integer. */
export function digitsValue(text: string, max: number): number {
  if (text.length === 0 || text.length > max) return -1;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    n = n * 10 + digit;
  }
  // Every step below 2^53 is exact, so a value past it shows here.
  return n <= Number.MAX_SAFE_INTEGER ? n : -1;
}

/**
 * Whether `text` is a request-target's chars: visible ASCII only, at least one (RFC 9112
 * §3.2, RFC 3986 §2). A loop: for a target's usual length it costs a fraction of a
 * regular expression's call.
 */
export function isTarget(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** scheme ":" (RFC 3986 §3.1), the start of an absolute-form target. */
export const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.\-]*:/;

/** authority-form (RFC 9112 §3.2.3): uri-host ":" port, for CONNECT only. */
export const AUTHORITY_FORM = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+):[0-9]+$/;

/** Chars by class, for isHost(): 1 a reg-name char (RFC 3986 §3.2.2), 2 an IPv6 literal's too, 4 a digit. */
const HOST_CHARS = new Uint8Array(128);
for (const c of "-._~!$&'()*+,;=%") HOST_CHARS[c.charCodeAt(0)] = 1;
for (let c = 0x41; c <= 0x5a; c++) HOST_CHARS[c] = HOST_CHARS[c + 0x20] = 1;
for (const c of 'ABCDEFabcdef.:') HOST_CHARS[c.charCodeAt(0)]! |= 2;
for (let c = 0x30; c <= 0x39; c++) HOST_CHARS[c] = 1 | 2 | 4;

/**
 * Whether `text` is a Host field value: uri-host [ ":" port ] (RFC 9110 §7.2), the host a
 * reg-name (possibly empty, for a target with no authority) or an IPv6 literal in
 * brackets. A loop over a table: a fraction of a regular expression's call per request.
 */
export function isHost(text: string): boolean {
  const n = text.length;
  let i = 0;
  if (n > 0 && text.charCodeAt(0) === 0x5b) {
    for (i = 1; i < n && (hostClass(text.charCodeAt(i)) & 2) !== 0; i++);
    if (i === 1 || i === n || text.charCodeAt(i) !== 0x5d) return false;
    i++;
  } else {
    while (i < n && (hostClass(text.charCodeAt(i)) & 1) !== 0) i++;
  }
  if (i === n) return true;
  if (text.charCodeAt(i) !== 0x3a) return false;
  for (i++; i < n; i++) if ((hostClass(text.charCodeAt(i)) & 4) === 0) return false;
  return true;
}

function hostClass(c: number): number {
  return c < 128 ? HOST_CHARS[c]! : 0;
}

/**
 * Trims SP and HTAB from both ends (OWS, RFC 9110 §5.6.3), and nothing else: the one trim
 * for protocol text. String.prototype.trim() also strips U+00A0, U+0085 and the other
 * Unicode spaces, which a latin1 head can carry, and would read "\xa0chunked" as chunked.
 */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Whether a char code is SP or HTAB, the only whitespace of HTTP (RFC 9110 §5.6.3). */
export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Splits a comma list (RFC 9110 §5.6.1) into OWS-trimmed, lowercased members, leaving out
 * the empty ones (", close", "chunked,"), which a recipient MUST accept and ignore. The
 * one list rule of the core: Transfer-Encoding and Connection are read through it.
 */
export function listMembers(value: string): string[] {
  if (value.indexOf(',') === -1) {
    const member = trimOws(value);
    return member === '' ? [] : [member.toLowerCase()];
  }
  const out: string[] = [];
  for (const part of value.split(',')) {
    const member = trimOws(part);
    if (member !== '') out.push(member.toLowerCase());
  }
  return out;
}

/**
 * The `timeout` parameter of a Keep-Alive field, in seconds: how long the server keeps an
 * idle connection (Keep-Alive is HTTP/1.0's, RFC 2068 §19.7.1.1; servers still send it).
 * Null when absent or not a number.
 */
export function keepAliveTimeout(value: string | null): number | null {
  if (value === null) return null;
  for (const member of listMembers(value)) {
    const eq = member.indexOf('=');
    if (eq === -1 || trimOws(member.slice(0, eq)) !== 'timeout') continue;
    const seconds = digitsValue(trimOws(member.slice(eq + 1)), 9);
    return seconds === -1 ? null : seconds;
  }
  return null;
}
