// The serializer: the only place a head or a trailer section is built (RFC 9112 §3-§5).
// It refuses CR, LF, NUL and every other control in names, values, targets and reasons,
// so nothing a program passes in can inject a field or a message, and it reads the
// framing fields it writes so the body that follows cannot contradict them.

import { allocBytes, putLatin1 } from './bytes.js';
import { localError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { FieldsInit } from './fields.js';
import { Fields } from './fields.js';
import { reasonPhrase } from './status.js';
import type { HttpVersion } from './events.js';
import { ABSOLUTE_FORM, AUTHORITY_FORM, digitsValue, expectsContinue, intern, isOws, isTarget, isValueText, listMembers, lowerToken, remember } from './syntax.js';

/** What the fields of an outgoing head say, for framing and the connection. */
export interface OutgoingFacts {
  contentLength: number | null;
  chunked: boolean;
  close: boolean;
  keepAlive: boolean;
  upgrade: boolean;
  upgradeField: boolean;
  expectContinue: boolean;
  hasConnection: boolean;
  /** A Host line was given: a second one is refused (RFC 9112 §3.2: a server answers it 400). */
  host: boolean;
}

/** Fields that frame or route a message and so may not travel in a trailer (RFC 9110 §6.5.1). */
const NOT_IN_TRAILERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);

/**
 * Validates `fields`, notes what they say in `facts`, and returns how many bytes they take
 * as field lines (encodeHead() writes them).
 */
export function checkFields(fields: FieldsInit, facts: OutgoingFacts | null): number {
  let size = 0;
  if (fields instanceof Fields) {
    for (let i = 0; i < fields.size; i++) size += checkLine(fields.rawNameAt(i), fields.valueAt(i), facts);
  } else {
    for (const line of fields) size += checkLine(line[0], line[1], facts);
  }
  return size;
}

/** A trailer section: field lines and the final CRLF, refusing framing and routing fields. */
export function renderTrailers(fields: FieldsInit | null | undefined): string {
  if (fields == null) return '\r\n';
  const f = Fields.from(fields);
  checkFields(f, null);
  let out = '';
  for (let i = 0; i < f.size; i++) {
    if (NOT_IN_TRAILERS.has(f.nameAt(i))) {
      throw localError('invalid-event', `${f.rawNameAt(i)} cannot be sent in a trailer section (RFC 9110 §6.5.1)`);
    }
    out += `${f.rawNameAt(i)}: ${f.valueAt(i)}\r\n`;
  }
  return `${out}\r\n`;
}

export function newFacts(): OutgoingFacts {
  return {
    contentLength: null,
    chunked: false,
    close: false,
    keepAlive: false,
    upgrade: false,
    upgradeField: false,
    expectContinue: false,
    hasConnection: false,
    host: false,
  };
}

/**
 * The last line sent under each field name, once checked: a program sends the same few
 * lines again and again (a content type, a length), and the same name and value pass the
 * same checks. A line sent twice in a row has its bytes kept, and copying them costs a
 * fraction of encoding its chars; a value that changes each time is never copied.
 */
interface KnownLine {
  value: string;
  lower: string;
  repeated: boolean;
  bytes: Uint8Array | null;
}
const KNOWN_LINES = new Map<string, KnownLine>();
const KNOWN_LINES_MAX = 256;
/** Longer lines are not kept: the cache stays under 64 KiB of bytes. */
const KNOWN_LINE_CHARS = 252;

/** Refuses a field line that could not be sent as it is; returns the bytes it takes. */
function checkLine(name: string, value: string, facts: OutgoingFacts | null): number {
  const known = KNOWN_LINES.get(name);
  if (known !== undefined && known.value === value) {
    known.repeated = true;
    if (facts !== null) note(known.lower, value, facts);
    return name.length + value.length + 4;
  }
  const lower = typeof name === 'string' ? lowerToken(name) : null;
  if (lower === null) {
    throw localError('invalid-event', `field name ${JSON.stringify(name)} is not a token: no spaces, colons, CR or LF (RFC 9110 §5.1)`);
  }
  if (typeof value !== 'string') {
    const given = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw localError('invalid-event', `field ${name} has ${given} as its value: a field value is a string (one field line per value)`);
  }
  if (!isValueText(value)) {
    throw localError('invalid-event', `field ${name} has a value with CR, LF, NUL, another control or a char above U+00FF (RFC 9110 §5.5)`);
  }
  if (value.length > 0 && (isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)))) {
    throw localError('invalid-event', `field ${name} has a value that starts or ends with whitespace (RFC 9110 §5.5)`);
  }
  if (facts !== null) note(lower, value, facts);
  if (known !== undefined) {
    known.value = value;
    known.repeated = false;
    known.bytes = null;
  } else if (name.length + value.length <= KNOWN_LINE_CHARS) {
    remember(KNOWN_LINES, KNOWN_LINES_MAX, name, { value, lower, repeated: false, bytes: null });
  }
  return name.length + value.length + 4;
}

function note(name: string, value: string, facts: OutgoingFacts): void {
  switch (name) {
    case 'content-length':
      // What the parser takes by default, the serializer can send.
      const length = digitsValue(value, DEFAULT_LIMITS.contentLengthDigits);
      if (length === -1) throw localError('framing-conflict', `Content-Length "${value}" is not a number`);
      if (facts.contentLength !== null) throw localError('framing-conflict', 'Content-Length is set twice');
      facts.contentLength = length;
      break;
    case 'transfer-encoding':
      if (value.toLowerCase() !== 'chunked' || facts.chunked) {
        throw localError('framing-conflict', `Transfer-Encoding "${value}": the only transfer coding warren writes is chunked, once`);
      }
      facts.chunked = true;
      break;
    case 'connection':
      facts.hasConnection = true;
      for (const option of listMembers(value)) {
        if (option === 'close') facts.close = true;
        else if (option === 'keep-alive') facts.keepAlive = true;
        else if (option === 'upgrade') facts.upgrade = true;
      }
      break;
    case 'upgrade':
      facts.upgradeField = true;
      break;
    case 'expect':
      if (expectsContinue(value)) facts.expectContinue = true;
      break;
    case 'host':
      if (facts.host) throw localError('invalid-event', `Host is set twice (the second is ${JSON.stringify(value)}): a server answers a request with two Host lines 400 (RFC 9112 §3.2); give one`);
      facts.host = true;
      break;
  }
  if (facts.chunked && facts.contentLength !== null) {
    throw localError('framing-conflict', 'both Content-Length and Transfer-Encoding are set (RFC 9112 §6.2)');
  }
}

/**
 * Request lines made before, by target: a client sends the same few again and again, and
 * a line found here was checked when it was made. It is kept flat: a line built by
 * concatenation is a rope, which the engine copies flat the first time its chars are
 * read one by one, so a new one per request costs a copy on top of the checks.
 */
interface KnownRequestLine {
  readonly method: string;
  readonly version: HttpVersion;
  readonly line: string;
}
const REQUEST_LINES = new Map<string, KnownRequestLine>();
const REQUEST_LINES_MAX = 256;
/** Longer targets are not kept: the cache stays under 160 KiB of text. */
const REQUEST_LINE_TARGET_CHARS = 256;

/** The request line for `method`, `target` and `version` (checked), refusing what is not a token or visible ASCII. */
export function requestLine(method: string, target: string, version: HttpVersion): string {
  const known = REQUEST_LINES.get(target);
  if (known !== undefined && known.method === method && known.version === version) return known.line;
  const line = renderRequestLine(method, target, version);
  if (target.length <= REQUEST_LINE_TARGET_CHARS) {
    remember(REQUEST_LINES, REQUEST_LINES_MAX, target, { method, version, line: intern(line) });
  }
  return line;
}

function renderRequestLine(method: string, target: string, version: HttpVersion): string {
  if (typeof method !== 'string' || lowerToken(method) === null) {
    throw localError('invalid-event', `method ${JSON.stringify(method)} is not a token (RFC 9110 §9.1)`);
  }
  if (typeof target !== 'string' || !isTarget(target)) {
    throw localError('invalid-event', `target ${JSON.stringify(target)} must be visible ASCII: percent-encode spaces, CR, LF and non-ASCII`);
  }
  checkTargetForm(method, target);
  return `${method} ${target} HTTP/${checkVersion(version)}\r\n`;
}

/** RFC 9112 §3.2: each form only where its method allows it, as the head parser reads them; a peer would answer 400. */
function checkTargetForm(method: string, target: string): void {
  if (method === 'CONNECT') {
    if (!AUTHORITY_FORM.test(target)) throw localError('invalid-event', `a CONNECT request's target is host:port (RFC 9112 §3.2.3), not ${JSON.stringify(target)}`);
  } else if (target === '*') {
    if (method !== 'OPTIONS') throw localError('invalid-event', `only OPTIONS may have * as its target (RFC 9112 §3.2.4), not ${method}: give a path such as '/'`);
  } else if (target.charCodeAt(0) !== 0x2f && !ABSOLUTE_FORM.test(target)) {
    throw localError('invalid-event', `target ${JSON.stringify(target)} is neither a path ('/...') nor absolute ('http://host/...') (RFC 9112 §3.2)`);
  }
}

/** Status lines with the registered reason phrase, by version and status: the same few, again and again. */
const STATUS_LINES: Record<HttpVersion, string[]> = { '1.1': [], '1.0': [] };

/** The status line for `status` (an integer from 100 to 599, checked) with `reason`, or the registered phrase when undefined. */
export function statusLine(version: HttpVersion, status: number, reason: string | undefined): string {
  if (reason !== undefined) return renderStatusLine(version, status, reason);
  return (STATUS_LINES[version][status] ??= renderStatusLine(version, status, reasonPhrase(status)));
}

export function renderStatusLine(version: HttpVersion, status: number, reason: string): string {
  if (typeof reason !== 'string' || !isValueText(reason)) {
    throw localError('invalid-event', `reason phrase ${JSON.stringify(reason)} has CR, LF or another control (RFC 9112 §4)`);
  }
  return `HTTP/${version} ${status} ${reason}\r\n`;
}

export function checkVersion(version: HttpVersion): HttpVersion {
  if (version !== '1.1' && version !== '1.0') throw localError('invalid-event', `version ${JSON.stringify(version)} is not '1.1' or '1.0'`);
  return version;
}

/**
 * A head takes up to this many bytes of body into its own array (the body copied): a copy
 * this size costs less than a second array and a join, and the message leaves whole.
 */
const INLINE_BODY_BYTES = 8192;

/**
 * Encodes a head whose parts were checked: its start line, `fields` (of `fieldBytes`, from
 * checkFields()), lines warren `added`, and the empty line; then the body pieces, in the
 * same array when they are small.
 */
export function encodeHead(startLine: string, fields: FieldsInit, fieldBytes: number, added: string, body: readonly Uint8Array[]): Uint8Array[] {
  let bodyBytes = 0;
  for (const piece of body) bodyBytes += piece.length;
  const inline = bodyBytes <= INLINE_BODY_BYTES;
  const headBytes = startLine.length + fieldBytes + added.length + 2;
  const out = allocBytes(inline ? headBytes + bodyBytes : headBytes);
  let at = putLatin1(out, 0, startLine);
  if (fields instanceof Fields) {
    for (let i = 0; i < fields.size; i++) at = putLine(out, at, fields.rawNameAt(i), fields.valueAt(i));
  } else {
    for (const line of fields) at = putLine(out, at, line[0], line[1]);
  }
  at = putLatin1(out, at, added);
  out[at++] = 13;
  out[at++] = 10;
  if (!inline) return [out, ...body];
  for (const piece of body) {
    out.set(piece, at);
    at += piece.length;
  }
  return [out];
}

/** Writes a checked line: from the bytes kept for it (see KNOWN_LINES), else char by char. */
function putLine(out: Uint8Array, at: number, name: string, value: string): number {
  const known = KNOWN_LINES.get(name);
  if (known === undefined || known.value !== value || !known.repeated) return writeLine(out, at, name, value);
  const bytes = known.bytes;
  if (bytes === null) {
    const end = writeLine(out, at, name, value);
    // A copy: a Buffer's slice() is a view of memory that is not the cache's.
    known.bytes = Uint8Array.prototype.slice.call(out, at, end);
    return end;
  }
  // set(), not a loop: a loop's element loads from two kinds of array cost more than the copy.
  out.set(bytes, at);
  return at + bytes.length;
}

function writeLine(out: Uint8Array, at: number, name: string, value: string): number {
  at = putLatin1(out, at, name);
  out[at++] = 58;
  out[at++] = 32;
  at = putLatin1(out, at, value);
  out[at++] = 13;
  out[at++] = 10;
  return at;
}
