// Route patterns: '/tasks/:id', '/files/*rest', literal segments, parsed once at
// registration into normalised segments, so matching and the conflict check see only
// literal / param / rest / mount. Pure: no node:* imports, and no regular expressions
// (the ReDoS history of path-to-regexp and find-my-way). Paths are RFC 3986 §3.3 segments.

import { describe } from '../html.js';

/** A fixed segment of a pattern: a literal (matched as received) or a named param. */
export type Segment = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'param'; readonly name: string };

/**
 * What a pattern matches after its fixed segments: nothing more ('none'), one or more
 * segments whose first is not empty ('rest', a named `*rest`), or zero or more ('mount').
 */
export type Tail = { readonly kind: 'none' } | { readonly kind: 'rest'; readonly name: string } | { readonly kind: 'mount' };

/** A parsed pattern. A trailing slash is a last literal segment '' ('/tasks/' is ['tasks', '']). */
export interface RoutePattern {
  /** The pattern as registered. */
  readonly source: string;
  readonly segments: readonly Segment[];
  readonly tail: Tail;
  /** The param names in path order, then the rest's name when there is one. */
  readonly names: readonly string[];
}

/** A pattern the router cannot use: `offset` is where in `pattern` the fault is. */
export class RoutePatternError extends Error {
  /** Always 'invalid-pattern'. */
  readonly code = 'invalid-pattern';
  /** The pattern as given. */
  readonly pattern: string;
  /** The offset in the pattern of the faulty character or segment. */
  readonly offset: number;

  constructor(pattern: string, offset: number, reason: string) {
    super(`the route pattern ${JSON.stringify(pattern)} at offset ${offset}: ${reason}`);
    this.name = 'RoutePatternError';
    this.pattern = pattern;
    this.offset = offset;
  }
}

/** A literal segment's chars: RFC 3986 pchar without '%' (unreserved, sub-delims, ':', '@'); '%' starts an escape. */
const PCHAR = new Uint8Array(128);
for (const c of "-._~!$&'()*+,;=:@") PCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) PCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) PCHAR[c] = PCHAR[c + 0x20] = 1;

function isUpperHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46);
}

function isNameStart(c: number): boolean {
  return c === 0x5f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/**
 * Parses a route pattern. `mount`: a prefix for Router.mount(), which has no rest and no
 * trailing slash, and matches its segments followed by anything (its tail is 'mount').
 */
export function parsePattern(pattern: string, mount = false): RoutePattern {
  if (typeof pattern !== 'string') throw new TypeError(`a route pattern is a string such as '/tasks/:id'; got ${describe(pattern)}`);
  const fail = (offset: number, reason: string): never => {
    throw new RoutePatternError(pattern, offset, reason);
  };
  if (pattern.charCodeAt(0) !== 0x2f) fail(0, "a pattern starts with '/'");
  const segments: Segment[] = [];
  const names: string[] = [];
  let tail: Tail = { kind: 'none' };
  if (pattern === '/') return { source: pattern, segments, tail: mount ? { kind: 'mount' } : tail, names };
  let start = 1;
  while (start <= pattern.length) {
    let end = pattern.indexOf('/', start);
    if (end === -1) end = pattern.length;
    const last = end === pattern.length;
    if (tail.kind === 'rest') fail(start - 1, `a rest wildcard (*${tail.name}) is the last segment`);
    const first = pattern.charCodeAt(start);
    if (start === end) {
      // An empty segment: the trailing slash of '/tasks/', and nowhere else.
      if (!last) fail(start, "an empty segment ('//') never matches: requests with one are redirected to the path without it");
      if (mount) fail(start, `a mount prefix has no trailing slash: write ${JSON.stringify(pattern.slice(0, -1))}; the mounted app sees the rest of the path, slash included`);
      segments.push({ kind: 'literal', text: '' });
    } else if (first === 0x3a || first === 0x2a) {
      const sigil = first === 0x3a ? ':' : '*';
      if (end === start + 1) fail(start, `a ${sigil === ':' ? 'param' : 'rest wildcard'} needs a name, such as ${sigil === ':' ? ':id' : '*rest'}`);
      if (!isNameStart(pattern.charCodeAt(start + 1))) fail(start + 1, `a ${sigil === ':' ? 'param' : 'rest'} name starts with a letter or '_'`);
      for (let i = start + 2; i < end; i++) {
        if (!isNameChar(pattern.charCodeAt(i))) fail(i, `a ${sigil === ':' ? 'param' : 'rest'} name has letters, digits and '_' only, and fills its segment`);
      }
      const name = pattern.slice(start + 1, end);
      if (names.includes(name)) fail(start, `the name ${JSON.stringify(name)} is used twice`);
      names.push(name);
      if (sigil === ':') segments.push({ kind: 'param', name });
      else if (mount) fail(start, 'a mount prefix has no rest wildcard: the mounted app gets the rest of the path');
      else tail = { kind: 'rest', name };
    } else {
      for (let i = start; i < end; i++) {
        const c = pattern.charCodeAt(i);
        if (c === 0x25) {
          if (!isUpperHex(pattern.charCodeAt(i + 1)) || !isUpperHex(pattern.charCodeAt(i + 2)) || i + 2 >= end) {
            fail(i, "a '%' starts an escape of two upper-case hex digits, as encodeURIComponent() writes them");
          }
          i += 2;
        } else if (c >= 0x80 || PCHAR[c] !== 1) {
          fail(i, `${JSON.stringify(pattern[i])} is not a path character (RFC 3986 §3.3): percent-encode it (encodeURIComponent)`);
        }
      }
      const text = pattern.slice(start, end);
      if (isDotSegment(text)) fail(start, `a dot segment (${text}) never matches: requests with one are redirected to the path without it`);
      segments.push({ kind: 'literal', text });
    }
    start = end + 1;
  }
  return { source: pattern, segments, tail: mount ? { kind: 'mount' } : tail, names };
}

/** Whether a request segment is a dot segment, '.' or '..', also when percent-encoded ('%2e', '.%2E'): WHATWG URL reads them so. */
export function isDotSegment(segment: string): boolean {
  const n = segment.length;
  if (n === 1) return segment === '.';
  if (n === 2) return segment === '..';
  if (n < 3 || n > 6 || segment.indexOf('%') === -1) return false;
  // At most two dots, each '.' or '%2e' (either case).
  let i = 0;
  let dots = 0;
  while (i < n) {
    if (segment.charCodeAt(i) === 0x2e) i += 1;
    else if (segment.charCodeAt(i) === 0x25 && segment.charCodeAt(i + 1) === 0x32 && (segment.charCodeAt(i + 2) | 0x20) === 0x65) i += 3;
    else return false;
    dots++;
  }
  return dots <= 2;
}
