// Cookies: reading the Cookie field leniently, as browsers send it (RFC 6265 §5.4: pairs
// joined by "; "), and writing Set-Cookie values strictly (RFC 6265 §4.1.1), with the safe
// defaults for a localhost app: HttpOnly, SameSite=Lax, Path=/. Pure: no I/O, no node:*.
// Whitespace is SP and HTAB only; names and values are taken as sent, never decoded.

import type { ServerRequest } from '../index.js';
import { describe } from './html.js';

/**
 * The cookies of `request` by name (every Cookie field line, in order). Lenient as
 * RFC 6265 §5.2 asks: a pair without `=` or with an empty name is skipped, SP and HTAB
 * around names and values are dropped, one pair of double quotes around a value is
 * removed, and the first value of a name wins (browsers send the most specific first).
 */
export function cookies(request: Pick<ServerRequest, 'fields'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of request.fields.getAll('cookie')) parseCookie(line, out);
  return out;
}

/** Adds the pairs of one Cookie field value to `into` (a name already there keeps its value). */
export function parseCookie(value: string, into: Map<string, string> = new Map()): Map<string, string> {
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(';', start);
    if (end === -1) end = value.length;
    const eq = value.indexOf('=', start);
    if (eq !== -1 && eq < end) {
      const name = trimOws(value, start, eq);
      let cookie = trimOws(value, eq + 1, end);
      if (cookie.length >= 2 && cookie.charCodeAt(0) === 0x22 && cookie.charCodeAt(cookie.length - 1) === 0x22) cookie = cookie.slice(1, -1);
      if (name !== '' && !into.has(name)) into.set(name, cookie);
    }
    start = end + 1;
  }
  return into;
}

/** `text.slice(from, to)` without SP and HTAB at either end. */
function trimOws(text: string, from: number, to: number): string {
  let a = from;
  let b = to;
  while (a < b && isOws(text.charCodeAt(a))) a++;
  while (b > a && isOws(text.charCodeAt(b - 1))) b--;
  return text.slice(a, b);
}

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/** Attributes of a Set-Cookie value. */
export interface CookieOptions {
  /** Seconds until the cookie expires; 0 or less deletes it now. */
  readonly maxAge?: number;
  /** When the cookie expires (for browsers that ignore Max-Age). */
  readonly expires?: Date;
  /** The host and its subdomains get the cookie; without it, only the host that set it (the safer default). */
  readonly domain?: string;
  /** Paths under which the cookie is sent. Default '/'. */
  readonly path?: string;
  /** Sent over HTTPS only. Default false (a localhost app is plain HTTP). */
  readonly secure?: boolean;
  /** Hidden from page scripts. Default true. */
  readonly httpOnly?: boolean;
  /** Sent on cross-site requests: 'Strict' never, 'Lax' on top-level navigations (the default), 'None' always (needs secure). */
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
}

/**
 * A Set-Cookie field value: `name=value` with the attributes of `options` and the defaults
 * HttpOnly, SameSite=Lax, Path=/. Refuses, with a sentence, a name that is not a token,
 * a value with characters a cookie cannot carry (encode it first: encodeURIComponent),
 * and attributes that would break the field or that browsers drop.
 */
export function setCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (typeof name !== 'string' || name === '' || !isToken(name)) {
    throw new TypeError(`setCookie() takes a name of token characters (letters, digits and !#$%&'*+-.^_\`|~); got ${describe(name)}`);
  }
  if (typeof value !== 'string' || !isCookieValue(value)) {
    throw new TypeError(
      `setCookie() takes a value without spaces, control characters, '"', ',', ';' or '\\' (RFC 6265 §4.1.1); got ${describe(value)} for cookie ${name}: encode it first, with encodeURIComponent()`,
    );
  }
  const { maxAge, expires, domain, path = '/', secure = false, httpOnly = true, sameSite = 'Lax' } = options;
  let out = `${name}=${value}`;
  if (maxAge !== undefined) {
    if (!Number.isInteger(maxAge)) throw new TypeError(`setCookie() option maxAge is a whole number of seconds; got ${describe(maxAge)}`);
    out += `; Max-Age=${Math.max(0, maxAge)}`;
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) throw new TypeError(`setCookie() option expires is a valid Date; got ${describe(expires)}`);
    out += `; Expires=${expires.toUTCString()}`;
  }
  if (domain !== undefined) {
    if (typeof domain !== 'string' || !isDomain(domain)) {
      throw new TypeError(`setCookie() option domain is a host name such as 'example.com'; got ${describe(domain)}`);
    }
    out += `; Domain=${domain}`;
  }
  if (typeof path !== 'string' || path.charCodeAt(0) !== 0x2f || !isAttributeValue(path)) {
    throw new TypeError(`setCookie() option path starts with '/' and has no control characters or ';'; got ${describe(path)}`);
  }
  out += `; Path=${path}`;
  if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None') {
    throw new TypeError(`setCookie() option sameSite is 'Strict', 'Lax' or 'None'; got ${describe(sameSite)}`);
  }
  // Browsers drop SameSite=None without Secure, and the __Secure-/__Host- prefixes' rules (RFC 6265bis §4.1.3).
  if (sameSite === 'None' && secure !== true) throw new TypeError(`setCookie() option sameSite: 'None' needs secure: true (browsers drop the cookie ${name} otherwise)`);
  if (name.startsWith('__Secure-') && secure !== true) throw new TypeError(`a cookie named __Secure-... needs secure: true (browsers drop ${name} otherwise)`);
  if (name.startsWith('__Host-') && (secure !== true || domain !== undefined || path !== '/')) {
    throw new TypeError(`a cookie named __Host-... needs secure: true, path '/' and no domain (browsers drop ${name} otherwise)`);
  }
  if (secure === true) out += '; Secure';
  if (httpOnly === true) out += '; HttpOnly';
  return `${out}; SameSite=${sameSite}`;
}

/** A host name, with an optional leading dot: labels of letters, digits and inner hyphens. */
function isDomain(text: string): boolean {
  const labels = (text.startsWith('.') ? text.slice(1) : text).split('.');
  return labels.every((label) => label.length > 0 && label.length <= 63 && /^[A-Za-z0-9-]+$/.test(label) && !label.startsWith('-') && !label.endsWith('-'));
}

function isToken(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || c <= 0x20 || '"(),/:;<=>?@[\\]{}'.includes(text[i]!)) return false;
  }
  return true;
}

/** cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (RFC 6265 §4.1.1). */
function isCookieValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x2c || c === 0x3b || c === 0x5c) return false;
  }
  return true;
}

/** av-octet: any CHAR but CTLs and ';'. */
function isAttributeValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3b) return false;
  }
  return true;
}
