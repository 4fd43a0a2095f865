// HeadParser: the start line and field lines of a message, or a trailer section
// (RFC 9112 §2-§5, §7.1.2). Lines must end in CRLF; no obs-fold, no bare CR, no CTL,
// tchar names with nothing between name and colon. It parses whole lines as they arrive
// and checks the unfinished last line too, so an invalid head fails as soon as its bad
// byte is in, never later than a complete one would. Memory is bounded by Limits.

import { remoteError, type ProtocolError } from './errors.js';
import { latin1 } from './bytes.js';
import { Fields } from './fields.js';
import type { HttpVersion } from './events.js';
import type { Limits } from './limits.js';
import { ABSOLUTE_FORM, AUTHORITY_FORM, TOKEN, VALUE_FORBIDDEN, digitsValue, expectsContinue, isHost, isOws, isTarget, listMembers, lowerToken, trimOws } from './syntax.js';

/** What the parser reads: a request head, a response head, or a trailer section. */
export type HeadKind = 'request' | 'response' | 'trailers';

/** A parsed head, with what its fields say about framing and the connection. */
export interface Head {
  readonly kind: HeadKind;
  readonly method: string;
  readonly target: string;
  readonly status: number;
  readonly reason: string;
  readonly version: HttpVersion;
  readonly fields: Fields;
  /** Content-Length, null when absent (RFC 9110 §8.6). */
  readonly contentLength: number | null;
  /** Transfer-Encoding was present; the only coding it may name is `chunked`, once. */
  readonly chunked: boolean;
  readonly hostCount: number;
  /** Connection options (RFC 9110 §7.6.1). */
  readonly close: boolean;
  readonly keepAlive: boolean;
  readonly upgrade: boolean;
  readonly expectContinue: boolean;
}

/**
 * Where each whole line feed() found ends (past its LF, relative to the first), for #lines
 * in the same call: one array for every parser, written from its start by each call and
 * never shrunk (a line takes 3 bytes at least, so a head has at most headBytes / 3).
 */
const LINE_ENDS: number[] = [];

/** How much of an unfinished line is judged before its CRLF arrives: enough for any start line error. */
const PARTIAL_CHECK_BYTES = 256;

export class HeadParser {
  readonly #kind: HeadKind;
  readonly #limits: Limits;
  readonly #maxBytes: number;
  /** Bytes of this head already split into whole lines (relative to its first byte). */
  #offset = 0;
  /** Bytes of this head already searched for LF and CTL (relative to its first byte). */
  #scanned = 0;
  /** Where the first CTL but HTAB and a line's CRLF is (relative to its first byte); -1 for none yet. */
  #ctlAt = -1;
  #emptyLines = 0;
  #startLineDone: boolean;
  #method = '';
  #target = '';
  #status = 0;
  #reason = '';
  #version: HttpVersion = '1.1';
  /** Three strings a field line: lowercased name, raw name, value (see Fields). */
  #fields: string[] = [];
  #contentLength: number | null = null;
  #codings = 0;
  #hostCount = 0;
  #close = false;
  #keepAlive = false;
  #upgradeOption = false;
  #upgradeField = false;
  #expectContinue = false;

  constructor(kind: HeadKind, limits: Limits) {
    this.#kind = kind;
    this.#limits = limits;
    this.#maxBytes = kind === 'trailers' ? limits.trailerBytes : limits.headBytes;
    this.#startLineDone = kind === 'trailers';
  }

  /**
   * Reads the head that starts at bytes[start]. Returns the index just past its empty
   * line, or -1 when it needs more bytes; call again with the same start and more bytes.
   * However the bytes are split, the same input fails with the same error: lines are
   * judged in order, and a line is judged the same way unfinished as finished.
   */
  feed(bytes: Uint8Array, start: number): number {
    const end = bytes.length;
    let cursor = start + this.#offset;
    // RFC 9112 §2.2: empty lines before a start line are ignored.
    while (!this.#startLineDone && cursor < end && bytes[cursor] === 13) {
      if (cursor + 1 === end) return -1;
      if (bytes[cursor + 1] !== 10) throw remoteError('bare-cr', 'a CR not followed by LF before the start line');
      if (++this.#emptyLines > this.#limits.leadingEmptyLines) {
        throw remoteError('invalid-start-line', 'too many empty lines before the start line');
      }
      cursor += 2;
      this.#offset += 2;
    }
    const first = cursor;
    const limit = start + this.#emptyLines * 2 + this.#maxBytes;
    let headEnd = -1;
    let failure: ProtocolError | null = null;
    let lines = 0;
    // Bytes before #scanned hold no LF: a line trickling in is searched once, not once per read.
    let lf = this.#scan(bytes, Math.max(cursor, start + this.#scanned), end, start);
    while (lf !== -1) {
      if (lf === cursor || bytes[lf - 1] !== 13) {
        failure = remoteError('bare-lf', 'a line ends in LF without CR (RFC 9112 §2.2)');
        break;
      }
      if (lf - 1 === cursor) {
        headEnd = lf + 1;
        break;
      }
      if (this.#requestLineTooLong(cursor === first, lf - 1 - cursor)) {
        failure = this.#requestLineError();
        break;
      }
      if (lf + 1 > limit) {
        failure = this.#tooLarge();
        break;
      }
      cursor = lf + 1;
      LINE_ENDS[lines++] = cursor - first;
      lf = this.#scan(bytes, cursor, end, start);
    }
    if (cursor > first) this.#lines(latin1(bytes, first, cursor), first - start, lines);
    this.#offset += cursor - first;
    if (failure !== null) {
      this.#partial(bytes, cursor, lf);
      throw failure;
    }
    if (headEnd !== -1) {
      if (headEnd > limit) throw this.#tooLarge();
      if (!this.#startLineDone) throw remoteError('invalid-start-line', 'the head ended before its start line');
      if (this.#codings > 0 && this.#version === '1.0') {
        throw remoteError('transfer-encoding-in-http10', 'Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1)');
      }
      return headEnd;
    }
    // A CR last is judged when the byte after it comes.
    this.#scanned = (bytes[end - 1] === 13 ? end - 1 : end) - start;
    if (end > cursor) this.#partial(bytes, cursor, end);
    if (this.#requestLineTooLong(true, end - cursor)) throw this.#requestLineError();
    if (end > limit) throw this.#tooLarge();
    return -1;
  }

  /** The parsed head; the parser is then spent. */
  head(): Head {
    return {
      kind: this.#kind,
      method: this.#method,
      target: this.#target,
      status: this.#status,
      reason: this.#reason,
      version: this.#version,
      fields: Fields.adopt(this.#fields),
      contentLength: this.#contentLength,
      chunked: this.#codings > 0,
      hostCount: this.#hostCount,
      close: this.#close,
      keepAlive: this.#keepAlive,
      upgrade: this.#upgradeOption && this.#upgradeField,
      expectContinue: this.#expectContinue,
    };
  }

  get fieldCount(): number {
    return this.#fields.length / 3;
  }

  #requestLineTooLong(isStartLine: boolean, length: number): boolean {
    return isStartLine && !this.#startLineDone && this.#kind === 'request' && length > this.#limits.requestLineBytes;
  }

  #requestLineError(): ProtocolError {
    return remoteError('request-line-too-long', `the request line is longer than ${this.#limits.requestLineBytes} bytes`, 414);
  }

  #tooLarge(): ProtocolError {
    return this.#kind === 'trailers'
      ? remoteError('trailer-too-large', `the trailer section is longer than ${this.#maxBytes} bytes`, 431)
      : remoteError('head-too-large', `the head is longer than ${this.#maxBytes} bytes`, 431);
  }

  /**
   * The index of the next LF in bytes[from, end), or -1. On the way it notes the first
   * CTL but HTAB, LF and a CR before LF: one pass over the bytes, in JS, costs less for a
   * head than a native search per line and a regular expression per head, and only a
   * line holding such a byte gets a closer look.
   */
  #scan(bytes: Uint8Array, from: number, end: number, start: number): number {
    for (let i = from; i < end; i++) {
      const c = bytes[i]!;
      if (c < 0x20 || c === 0x7f) {
        if (c === 10) return i;
        if (c === 9 || this.#ctlAt !== -1) continue;
        // A CR last in the bytes is judged by the next scan (feed() starts it there).
        if (c === 13 && (i + 1 === end || bytes[i + 1] === 10)) continue;
        this.#ctlAt = i - start;
      }
    }
    return -1;
  }

  /**
   * Parses whole lines: `text` is `count` lines from byte `offset` of the head, each
   * ending in CRLF, which feed() found and listed in LINE_ENDS.
   */
  #lines(text: string, offset: number, count: number): void {
    const ctlAt = this.#ctlAt === -1 ? text.length : this.#ctlAt - offset;
    let pos = 0;
    for (let k = 0; k < count; k++) {
      const eol = LINE_ENDS[k]! - 2;
      // A line holding a CTL or a bare CR gets the checks that say which and where.
      const dirty = ctlAt < eol;
      if (this.#startLineDone) {
        const line = checkFieldLine(text, pos, eol, dirty);
        this.#field(line[0], line[1], line[2]);
      } else if (this.#kind === 'request') {
        const [method, target, version] = checkRequestLine(text, pos, eol, true)!;
        if (dirty) throw remoteError('invalid-start-line', 'the request line holds a control byte');
        this.#method = method;
        this.#target = target;
        this.#version = version;
        this.#startLineDone = true;
      } else {
        const [version, status, reason] = checkStatusLine(text, pos, eol, true, dirty)!;
        this.#version = version;
        this.#status = status;
        this.#reason = reason;
        this.#startLineDone = true;
      }
      pos = eol + 2;
    }
  }

  /** Judges the unfinished line bytes[start, end) as far as it goes: the checks of a finished one, on a prefix. */
  #partial(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    let text = latin1(bytes, start, Math.min(end, start + PARTIAL_CHECK_BYTES));
    // A final CR may be the first half of the line's CRLF.
    if (end - start <= PARTIAL_CHECK_BYTES && text.endsWith('\r')) text = text.slice(0, -1);
    if (this.#startLineDone) checkFieldLine(text, 0, text.length, true, false);
    else if (this.#kind === 'request') checkRequestLine(text, 0, text.length, false);
    else checkStatusLine(text, 0, text.length, false, true);
  }

  #field(name: string, rawName: string, value: string): void {
    if (this.#fields.length === 3 * this.#limits.fieldCount) {
      throw remoteError('too-many-fields', `more than ${this.#limits.fieldCount} field lines`, 431);
    }
    this.#fields.push(name, rawName, value);
    if (this.#kind !== 'trailers') this.#note(name, value);
  }

  /** Records what a field says about framing and the connection, rejecting contradictions at once. */
  #note(name: string, value: string): void {
    switch (name) {
      case 'content-length': {
        const length = parseContentLength(value, this.#limits.contentLengthDigits);
        if (this.#contentLength !== null && this.#contentLength !== length) {
          throw remoteError('conflicting-content-length', 'Content-Length fields with different values (RFC 9110 §8.6)');
        }
        if (this.#codings > 0) throw bothLengths();
        this.#contentLength = length;
        break;
      }
      case 'transfer-encoding': {
        // Empty members are ignored (RFC 9110 §5.6.1), and only SP and HTAB are trimmed: a
        // member with any other byte around its coding (0xA0, a control) is not a coding.
        const codings = listMembers(value);
        if (codings.length === 0) {
          throw remoteError('invalid-transfer-encoding', 'Transfer-Encoding names no coding (RFC 9112 §6.1)');
        }
        for (const token of codings) {
          if (!TOKEN.test(token)) {
            throw remoteError('invalid-transfer-encoding', `Transfer-Encoding "${value}" is not a list of codings (RFC 9112 §6.1)`);
          }
          if (this.#codings > 0) {
            throw token === 'chunked'
              ? remoteError('invalid-transfer-encoding', 'chunked is applied more than once (RFC 9112 §6.1)')
              : remoteError('chunked-not-final', 'chunked is not the final transfer coding (RFC 9112 §6.3)');
          }
          if (token !== 'chunked') {
            throw remoteError('unsupported-transfer-coding', `transfer coding "${token}" is not supported: only chunked is`, 501);
          }
          this.#codings++;
        }
        if (this.#contentLength !== null) throw bothLengths();
        break;
      }
      case 'host':
        this.#hostCount++;
        if (this.#kind === 'request') {
          if (this.#hostCount > 1) throw remoteError('duplicate-host', 'more than one Host field (RFC 9112 §3.2)');
          if (!isHost(value)) throw remoteError('invalid-host', 'the Host field is not host[:port] (RFC 9110 §7.2)');
        }
        break;
      case 'connection':
        for (const option of listMembers(value)) {
          if (option === 'close') this.#close = true;
          else if (option === 'keep-alive') this.#keepAlive = true;
          else if (option === 'upgrade') this.#upgradeOption = true;
        }
        break;
      case 'upgrade':
        this.#upgradeField = true;
        break;
      case 'expect':
        if (expectsContinue(value)) this.#expectContinue = true;
        break;
    }
  }
}

/** Content-Length = 1*DIGIT; a list of identical values is one value (RFC 9110 §8.6). */
function parseContentLength(value: string, maxDigits: number): number {
  // The common case, one plain number, without splitting.
  const plain = digitsValue(value, maxDigits);
  if (plain !== -1) return plain;
  let length = -1;
  for (const member of value.split(',')) {
    // OWS only: trim() would take U+00A0 and read "5\xa0" as 5 (RFC 9112 §6.3: 400 and close).
    const digits = trimOws(member);
    if (!/^[0-9]+$/.test(digits) || digits.replace(/^0+(?=.)/, '').length > maxDigits) {
      throw remoteError('invalid-content-length', `Content-Length "${value}" is not a number of at most ${maxDigits} digits`);
    }
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) throw remoteError('invalid-content-length', `Content-Length ${digits} is too large`);
    if (length !== -1 && n !== length) {
      throw remoteError('conflicting-content-length', 'Content-Length lists different values (RFC 9110 §8.6)');
    }
    length = n;
  }
  return length;
}

/**
 * A request line text[start, end), or the start of one (`complete` false): method,
 * target and version are judged in that order, each as far as it has arrived.
 */
function checkRequestLine(text: string, start: number, end: number, complete: boolean): [string, string, HttpVersion] | null {
  let sp1 = text.indexOf(' ', start);
  if (sp1 >= end) sp1 = -1;
  const method = text.slice(start, sp1 === -1 ? end : sp1);
  if ((method !== '' || sp1 !== -1) && lowerToken(method) === null) throw methodError(method);
  if (sp1 === -1) {
    if (complete) throw startLineError();
    return null;
  }
  let sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 >= end) sp2 = -1;
  const target = text.slice(sp1 + 1, sp2 === -1 ? end : sp2);
  if ((target !== '' || sp2 !== -1) && !isTarget(target)) {
    throw remoteError('invalid-target', 'the request-target is empty or holds a space, a control or a non-ASCII byte (RFC 9112 §3.2)');
  }
  if (sp2 === -1) {
    if (complete) throw startLineError();
    return null;
  }
  checkTargetForm(method, target);
  const version = checkVersion(text, sp2 + 1, end, complete, false);
  return version === null ? null : [method, target, version];
}

/** A status line text[start, end), or the start of one: version, status code, then reason phrase. */
function checkStatusLine(text: string, start: number, end: number, complete: boolean, dirty: boolean): [HttpVersion, number, string] | null {
  const length = end - start;
  const version = checkVersion(text, start, start + Math.min(9, length), complete, true);
  if (version === null) return null;
  if (length === 8 && !complete) return null;
  if (length === 8 || text.charCodeAt(start + 8) !== 0x20) {
    throw remoteError('invalid-start-line', 'a status line is HTTP-VERSION SP STATUS SP REASON (RFC 9112 §4)');
  }
  let status = 0;
  for (let i = 9; i < 12 && i < length; i++) {
    const digit = text.charCodeAt(start + i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) throw statusError(text.slice(start, end));
    status = status * 10 + digit;
  }
  if (length < 12) {
    if (complete) throw statusError(text.slice(start, end));
    return null;
  }
  // RFC 9112 §4: the SP before an empty reason is required, but a client may accept its absence.
  if ((length > 12 && text.charCodeAt(start + 12) !== 0x20) || status < 100 || status > 599) throw statusError(text.slice(start, end));
  const reason = length > 13 ? text.slice(start + 13, end) : '';
  if (dirty) {
    const bad = VALUE_FORBIDDEN.exec(reason);
    if (bad !== null) {
      throw bad[0] === '\r' ? bareCr() : remoteError('invalid-reason', `the reason phrase holds the control byte ${hexOf(bad[0])}`);
    }
  }
  return [version, status, reason];
}

/**
 * HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3) in text[start, end), judged on
 * as much as has arrived; only 1.0 and 1.1 are spoken. `prefixOnly`: more may follow it.
 */
function checkVersion(text: string, start: number, end: number, complete: boolean, prefixOnly: boolean): HttpVersion | null {
  const pattern = 'HTTP/0.0';
  const length = end - start;
  for (let i = 0; i < length && i < 8; i++) {
    const c = text.charCodeAt(start + i);
    const ok = pattern.charCodeAt(i) === 0x30 ? c >= 0x30 && c <= 0x39 : c === pattern.charCodeAt(i);
    if (!ok) throw versionError(text.slice(start, end));
  }
  if (length < 8) {
    if (complete) throw versionError(text.slice(start, end));
    return null;
  }
  // A version is exactly DIGIT "." DIGIT: "HTTP/1.32" is no version (400), not a version
  // unsupported (505). Whether more follows the eighth char is known only with the ninth.
  if (length > 8) {
    const next = text.charCodeAt(start + 8);
    if (!prefixOnly || (next >= 0x30 && next <= 0x39)) throw versionError(text.slice(start, end));
  } else if (!complete) {
    return null;
  }
  // Judged by its two digits: no string is cut out for a version that is spoken.
  const major = text.charCodeAt(start + 5);
  const minor = text.charCodeAt(start + 7);
  if (major !== 0x31 || (minor !== 0x31 && minor !== 0x30)) {
    throw remoteError('unsupported-version', `${text.slice(start, start + 8)} is not supported: only HTTP/1.0 and HTTP/1.1`, 505);
  }
  return minor === 0x31 ? '1.1' : '1.0';
}

/** A field line text[start, end), or the start of one: obs-fold, then the name, then the value. */
function checkFieldLine(text: string, start: number, end: number, dirty: boolean, complete = true): [name: string, rawName: string, value: string] {
  if (start < end && isOws(text.charCodeAt(start))) throw obsFold();
  const colon = text.indexOf(':', start);
  const hasColon = colon !== -1 && colon < end;
  const rawName = text.slice(start, hasColon ? colon : end);
  const name = hasColon || rawName !== '' ? lowerToken(rawName) : '';
  if (name === null) throw nameError(rawName);
  if (!hasColon) {
    if (complete) throw remoteError('invalid-field-name', 'a field line has no colon (RFC 9112 §5)');
    return ['', '', ''];
  }
  let valueStart = colon + 1;
  let valueEnd = end;
  if (dirty) {
    const bad = VALUE_FORBIDDEN.exec(text.slice(valueStart, valueEnd));
    if (bad !== null) {
      throw bad[0] === '\r' ? bareCr() : remoteError('invalid-field-value', `a field value holds the control byte ${hexOf(bad[0])} (RFC 9110 §5.5)`);
    }
  }
  while (valueStart < valueEnd && isOws(text.charCodeAt(valueStart))) valueStart++;
  while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--;
  return [name, rawName, text.slice(valueStart, valueEnd)];
}

/** RFC 9112 §3.2: the four forms, each allowed only where its method allows it. */
function checkTargetForm(method: string, target: string): void {
  if (method === 'CONNECT') {
    if (!AUTHORITY_FORM.test(target)) throw remoteError('invalid-target', 'CONNECT takes host:port as its target (RFC 9112 §3.2.3)');
  } else if (target === '*') {
    if (method !== 'OPTIONS') throw remoteError('invalid-target', 'only OPTIONS may have * as its target (RFC 9112 §3.2.4)');
  } else if (target.charCodeAt(0) !== 0x2f && !ABSOLUTE_FORM.test(target)) {
    throw remoteError('invalid-target', 'the request-target is neither /path nor scheme:... (RFC 9112 §3.2)');
  }
}

function hexOf(char: string): string {
  return `0x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

function bareCr(): ProtocolError {
  return remoteError('bare-cr', 'a CR not followed by LF (RFC 9112 §2.2)');
}

function startLineError(): ProtocolError {
  return remoteError('invalid-start-line', 'a request line is METHOD SP TARGET SP HTTP-VERSION (RFC 9112 §3)');
}

function versionError(text: string): ProtocolError {
  return remoteError('invalid-version', `"${text}" is not an HTTP version (RFC 9112 §2.3)`);
}

function nameError(name: string): ProtocolError {
  if (name === '') return remoteError('invalid-field-name', 'a field line has an empty name');
  if (isOws(name.charCodeAt(name.length - 1))) {
    return remoteError('invalid-field-name', 'whitespace between a field name and its colon (RFC 9112 §5.1)');
  }
  return remoteError('invalid-field-name', `field name "${name}" is not a token (RFC 9110 §5.1)`);
}

function methodError(method: string): ProtocolError {
  return remoteError('invalid-method', `method "${method}" is not a token (RFC 9110 §9.1)`);
}

function statusError(line: string): ProtocolError {
  return remoteError('invalid-status', `"${line.slice(9, 13)}" is not a status code from 100 to 599 (RFC 9112 §4)`);
}

function obsFold(): ProtocolError {
  return remoteError('obs-fold', 'a field line starts with whitespace: obs-fold is not accepted (RFC 9112 §5.2)');
}

function bothLengths(): ProtocolError {
  return remoteError('content-length-with-transfer-encoding', 'both Content-Length and Transfer-Encoding (RFC 9112 §6.3)');
}
