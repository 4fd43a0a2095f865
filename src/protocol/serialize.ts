// The serializer: the only place a head or a trailer section is built (RFC 9112 §3-§5).
// It refuses CR, LF, NUL and every other control in names, values, targets and reasons,
// so nothing a program passes in can inject a field or a message, and it reads the
// framing fields it writes so the body that follows cannot contradict them.

import { encodeLatin1 } from './bytes.js';
import { localError } from './errors.js';
import type { FieldsInit } from './fields.js';
import { Fields } from './fields.js';
import type { HttpVersion } from './events.js';
import { TARGET, VALUE_FORBIDDEN_OUT, isOws, listMembers, lowerToken } from './syntax.js';

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
}

/** Fields that frame or route a message and so may not travel in a trailer (RFC 9110 §6.5.1). */
const NOT_IN_TRAILERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);

/** Validates `fields` and renders them as field lines, each ending in CRLF. */
export function renderFields(fields: FieldsInit, facts: OutgoingFacts | null): string {
  let out = '';
  if (fields instanceof Fields) {
    for (let i = 0; i < fields.size; i++) out += renderLine(fields.rawNameAt(i), fields.valueAt(i), facts);
  } else {
    for (const line of fields) out += renderLine(line[0], line[1], facts);
  }
  return out;
}

/** A trailer section: field lines and the final CRLF, refusing framing and routing fields. */
export function renderTrailers(fields: FieldsInit | null | undefined): string {
  if (fields == null) return '\r\n';
  const f = Fields.from(fields);
  for (let i = 0; i < f.size; i++) {
    if (NOT_IN_TRAILERS.has(f.nameAt(i))) {
      throw localError('invalid-event', `${f.rawNameAt(i)} cannot be sent in a trailer section (RFC 9110 §6.5.1)`);
    }
  }
  return `${renderFields(f, null)}\r\n`;
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
  };
}

function renderLine(name: string, value: string, facts: OutgoingFacts | null): string {
  const lower = typeof name === 'string' ? lowerToken(name) : null;
  if (lower === null) {
    throw localError('invalid-event', `field name ${JSON.stringify(name)} is not a token: no spaces, colons, CR or LF (RFC 9110 §5.1)`);
  }
  if (typeof value !== 'string') {
    throw localError('invalid-event', `field ${name} has a ${typeof value} value: field values are strings`);
  }
  if (VALUE_FORBIDDEN_OUT.test(value)) {
    throw localError('invalid-event', `field ${name} has a value with CR, LF, NUL, another control or a char above U+00FF (RFC 9110 §5.5)`);
  }
  if (value.length > 0 && (isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)))) {
    throw localError('invalid-event', `field ${name} has a value that starts or ends with whitespace (RFC 9110 §5.5)`);
  }
  if (facts !== null) note(lower, value, facts);
  return `${name}: ${value}\r\n`;
}

function note(name: string, value: string, facts: OutgoingFacts): void {
  switch (name) {
    case 'content-length':
      if (!/^[0-9]{1,16}$/.test(value)) throw localError('framing-conflict', `Content-Length "${value}" is not a number`);
      if (facts.contentLength !== null) throw localError('framing-conflict', 'Content-Length is set twice');
      facts.contentLength = Number(value);
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
      if (value.toLowerCase() === '100-continue') facts.expectContinue = true;
      break;
  }
  if (facts.chunked && facts.contentLength !== null) {
    throw localError('framing-conflict', 'both Content-Length and Transfer-Encoding are set (RFC 9112 §6.2)');
  }
}

export function renderRequestLine(method: string, target: string, version: HttpVersion): string {
  if (typeof method !== 'string' || lowerToken(method) === null) {
    throw localError('invalid-event', `method ${JSON.stringify(method)} is not a token (RFC 9110 §9.1)`);
  }
  if (typeof target !== 'string' || !TARGET.test(target)) {
    throw localError('invalid-event', `target ${JSON.stringify(target)} must be visible ASCII: percent-encode spaces, CR, LF and non-ASCII`);
  }
  return `${method} ${target} HTTP/${checkVersion(version)}\r\n`;
}

export function renderStatusLine(version: HttpVersion, status: number, reason: string): string {
  if (typeof reason !== 'string' || VALUE_FORBIDDEN_OUT.test(reason)) {
    throw localError('invalid-event', `reason phrase ${JSON.stringify(reason)} has CR, LF or another control (RFC 9112 §4)`);
  }
  return `HTTP/${version} ${status} ${reason}\r\n`;
}

export function checkVersion(version: HttpVersion): HttpVersion {
  if (version !== '1.1' && version !== '1.0') throw localError('invalid-event', `version ${JSON.stringify(version)} is not '1.1' or '1.0'`);
  return version;
}

/** Encodes a rendered head, ending it with the empty line. */
export function encodeHead(text: string): Uint8Array {
  return encodeLatin1(`${text}\r\n`);
}
