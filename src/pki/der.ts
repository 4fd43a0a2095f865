// DER (ITU-T X.690 §10, distinguished encoding rules): just enough to write X.509 v3
// certificates (RFC 5280) and to read the few fields we need back out of one. Every encoder
// returns one complete TLV; they nest by passing TLVs as children. DER invariants kept here:
// definite minimal lengths, minimal INTEGERs, BOOLEAN TRUE as 0xFF, SET OF sorted, named
// bit strings without trailing zero bits, times in whole seconds ending in Z (RFC 5280 §4.1.2.5).

// Universal tag numbers (X.680 §8.4), as the identifier octet of a primitive or constructed form.
const TAG_BOOLEAN = 0x01;
const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_NULL = 0x05;
const TAG_OID = 0x06;
const TAG_UTF8_STRING = 0x0c;
const TAG_PRINTABLE_STRING = 0x13;
const TAG_IA5_STRING = 0x16;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;

const CLASS_CONTEXT = 0x80;
const CONSTRUCTED = 0x20;

function concat(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** The length octets: short form below 128, else 0x80|n followed by n big-endian bytes. */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`A DER length must be a non-negative safe integer; got ${length}.`);
  }
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Identifier octets for a tag number in a class, in the high-tag-number form above 30. */
function identifier(tagClass: number, constructed: boolean, tagNumber: number): Buffer {
  if (!Number.isSafeInteger(tagNumber) || tagNumber < 0) {
    throw new RangeError(`A tag number must be a non-negative integer; got ${tagNumber}.`);
  }
  const first = tagClass | (constructed ? CONSTRUCTED : 0);
  if (tagNumber <= 30) return Buffer.from([first | tagNumber]);
  return Buffer.concat([Buffer.from([first | 0x1f]), base128(BigInt(tagNumber))]);
}

/** A TLV from identifier octets (one byte or several) and contents. */
export function tlv(identifierOctets: number | Uint8Array, contents: Uint8Array): Buffer {
  const id = typeof identifierOctets === 'number' ? Buffer.from([identifierOctets]) : identifierOctets;
  return concat([id, encodeLength(contents.length), contents]);
}

export function sequence(...children: readonly Uint8Array[]): Buffer {
  return tlv(TAG_SEQUENCE, concat(children));
}

/**
 * SET OF: DER (X.690 §11.6) orders the elements by their encodings, compared as octet strings
 * with the shorter one padded with zeros at the end; we sort so callers cannot get it wrong.
 */
export function set(...children: readonly Uint8Array[]): Buffer {
  const sorted = [...children].sort((a, b) => {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return tlv(TAG_SET, concat(sorted));
}

/**
 * INTEGER, two's complement, minimal (X.690 §8.3). A bigint may be negative; bytes are read
 * as an unsigned big-endian magnitude (a serial number, an RSA modulus), so a leading 0x00
 * is added when the top bit is set, and redundant leading zeros are dropped.
 */
export function integer(value: bigint | number | Uint8Array): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`A DER INTEGER needs a safe integer or a bigint; got ${value}.`);
    value = BigInt(value);
  }
  if (typeof value === 'bigint') return tlv(TAG_INTEGER, twosComplement(value));
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const magnitude = value.length === 0 ? Buffer.from([0]) : Buffer.from(value.subarray(start));
  const contents = magnitude[0]! & 0x80 ? concat([Buffer.from([0]), magnitude]) : magnitude;
  return tlv(TAG_INTEGER, contents);
}

function twosComplement(value: bigint): Buffer {
  // The fewest bytes whose signed range holds value: grow until -2^(8n-1) <= value < 2^(8n-1).
  let n = 1;
  while (value >= 1n << BigInt(8 * n - 1) || value < -(1n << BigInt(8 * n - 1))) n++;
  let v = value < 0n ? (1n << BigInt(8 * n)) + value : value;
  const out = Buffer.alloc(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Base-128, most significant group first, high bit set on all but the last (X.690 §8.19.2). */
function base128(value: bigint): Buffer {
  const groups = [Number(value & 0x7fn)];
  for (let v = value >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
  return Buffer.from(groups);
}

/** OBJECT IDENTIFIER from dotted decimal such as '1.2.840.10045.4.3.2' (X.690 §8.19). */
export function oid(dotted: string): Buffer {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) {
    throw new TypeError(`An OID is dotted decimal with at least two arcs, the first 0, 1 or 2, such as '2.5.4.3'; got '${dotted}'.`);
  }
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [first, second] = arcs as [bigint, bigint];
  if (first < 2n && second > 39n) {
    throw new RangeError(`The second arc of an OID under ${first} must be 0-39; got '${dotted}'.`);
  }
  // The first two arcs share one subidentifier, 40 * first + second.
  const parts = [base128(first * 40n + second), ...arcs.slice(2).map(base128)];
  return tlv(TAG_OID, concat(parts));
}

export function nullValue(): Buffer {
  return Buffer.from([TAG_NULL, 0]);
}

/** BOOLEAN: DER requires all ones for TRUE (X.690 §11.1). */
export function boolean(value: boolean): Buffer {
  return Buffer.from([TAG_BOOLEAN, 1, value ? 0xff : 0x00]);
}

/** BIT STRING from whole bytes, or with `unusedBits` (0-7) of the last byte unused (and zero). */
export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) {
    throw new RangeError(`A BIT STRING has 0-7 unused bits, and 0 when empty; got ${unusedBits} with ${bytes.length} bytes.`);
  }
  const copy = Buffer.from(bytes);
  if (copy.length > 0) copy[copy.length - 1]! &= (0xff << unusedBits) & 0xff;
  return tlv(TAG_BIT_STRING, concat([Buffer.from([unusedBits]), copy]));
}

/**
 * A named BIT STRING (such as KeyUsage) from the numbers of the bits that are set, bit 0 being
 * the most significant bit of the first byte. DER drops trailing zero bits (X.690 §11.2.2).
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(Buffer.alloc(0));
  for (const bit of bits) {
    if (!Number.isSafeInteger(bit) || bit < 0) throw new RangeError(`A named bit is a non-negative integer; got ${bit}.`);
  }
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG_OCTET_STRING, bytes);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function utf8String(text: string): Buffer {
  if (LONE_SURROGATE.test(text)) throw new TypeError('A UTF8String cannot hold a lone surrogate; the text was cut in the middle of a character.');
  return tlv(TAG_UTF8_STRING, Buffer.from(text, 'utf8'));
}

/** PrintableString: only A-Z a-z 0-9 space ' ( ) + , - . / : = ? (X.680 §41.4). */
export function printableString(text: string): Buffer {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) {
    throw new TypeError(`A PrintableString holds only letters, digits, space and '()+,-./:=?; use a UTF8String for '${text}'.`);
  }
  return tlv(TAG_PRINTABLE_STRING, Buffer.from(text, 'latin1'));
}

/** IA5String: 7-bit ASCII, as dNSName and rfc822Name use. */
export function ia5String(text: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(text)) {
    throw new TypeError(`An IA5String holds only ASCII; write international domain names in their xn-- (punycode) form, not '${text}'.`);
  }
  return tlv(TAG_IA5_STRING, Buffer.from(text, 'latin1'));
}

function checkDate(date: Date): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError('A certificate time must be a valid Date; this one is Invalid Date or not a Date at all.');
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function secondsUTC(date: Date): string {
  return (
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    'Z'
  );
}

/** UTCTime YYMMDDHHMMSSZ, for years 1950 through 2049 (RFC 5280 §4.1.2.5.1); milliseconds are dropped. */
export function utcTime(date: Date): Buffer {
  checkDate(date);
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) {
    throw new RangeError(`UTCTime covers 1950 through 2049; ${date.toISOString()} needs GeneralizedTime (use time()).`);
  }
  return tlv(TAG_UTC_TIME, Buffer.from(pad(year % 100, 2) + secondsUTC(date), 'latin1'));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ without fractional seconds (RFC 5280 §4.1.2.5.2). */
export function generalizedTime(date: Date): Buffer {
  checkDate(date);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) {
    throw new RangeError(`GeneralizedTime has a four-digit year; ${date.toISOString()} is out of range.`);
  }
  return tlv(TAG_GENERALIZED_TIME, Buffer.from(pad(year, 4) + secondsUTC(date), 'latin1'));
}

/** The Time choice of RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime otherwise. */
export function time(date: Date): Buffer {
  checkDate(date);
  const year = date.getUTCFullYear();
  return year >= 1950 && year <= 2049 ? utcTime(date) : generalizedTime(date);
}

/** [n] EXPLICIT: a constructed context-specific TLV wrapping the whole inner TLV. */
export function explicit(tagNumber: number, inner: Uint8Array): Buffer {
  return tlv(identifier(CLASS_CONTEXT, true, tagNumber), inner);
}

/**
 * [n] IMPLICIT: the inner TLV's identifier replaced by the context tag, keeping its contents
 * and whether it was constructed (an implicit SEQUENCE stays constructed).
 */
export function implicit(tagNumber: number, inner: Uint8Array): Buffer {
  const element = decode(inner);
  if (element.end !== inner.length) {
    throw new TypeError('implicit() retags exactly one TLV; the bytes given hold more than one element.');
  }
  return tlv(identifier(CLASS_CONTEXT, element.constructed, tagNumber), element.contents);
}

// --- Reading -------------------------------------------------------------------------------
// Just enough to walk a certificate we are handed (loadCA) or an SPKI from node:crypto:
// definite lengths only (DER has no other kind), no interpretation of the contents.

export interface DerElement {
  /** The identifier's class bits: 0x00 universal, 0x40 application, 0x80 context, 0xc0 private. */
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offsets into the buffer decoded: the TLV spans [start, end), its contents [contentStart, end). */
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
  readonly contents: Buffer;
  /** The whole TLV, identifier and length included. */
  readonly raw: Buffer;
}

/** Decode the TLV at `offset`; throws a RangeError if the bytes are cut short or not DER. */
export function decode(bytes: Uint8Array, offset = 0): DerElement {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new RangeError(`These bytes are not valid DER at offset ${offset}: ${why}.`);
  };
  let i = offset;
  if (i >= buf.length) fail('the data ends before an element starts');
  const first = buf[i++]!;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    let byte: number;
    do {
      if (i >= buf.length) fail('the data ends inside a tag number');
      byte = buf[i++]!;
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      if (!Number.isSafeInteger(tagNumber)) fail('the tag number is too large');
    } while (byte & 0x80);
  }
  if (i >= buf.length) fail('the data ends before the length');
  let length = buf[i++]!;
  if (length === 0x80) fail('indefinite lengths are BER, not DER');
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count > 6) fail('the length is too large');
    length = 0;
    for (let k = 0; k < count; k++) {
      if (i >= buf.length) fail('the data ends inside a length');
      length = length * 256 + buf[i++]!;
    }
  }
  const contentStart = i;
  const end = contentStart + length;
  if (end > buf.length) fail(`the element claims ${length} bytes but only ${buf.length - contentStart} remain`);
  return {
    tagClass: first & 0xc0,
    constructed: (first & CONSTRUCTED) !== 0,
    tagNumber,
    start: offset,
    contentStart,
    end,
    contents: buf.subarray(contentStart, end),
    raw: buf.subarray(offset, end),
  };
}

/** The elements inside a constructed element (a SEQUENCE, a SET, an explicit tag). */
export function children(element: DerElement): DerElement[] {
  if (!element.constructed) {
    throw new TypeError(`Only a constructed element has children; this one (tag ${element.tagNumber}) is primitive.`);
  }
  const out: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length; ) {
    const child = decode(element.contents, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Dotted decimal of an OBJECT IDENTIFIER element. */
export function decodeOid(element: DerElement): string {
  if (element.tagClass !== 0 || element.tagNumber !== TAG_OID || element.contents.length === 0) {
    throw new TypeError('This element is not an OBJECT IDENTIFIER.');
  }
  const values: bigint[] = [];
  let value = 0n;
  for (const byte of element.contents) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      values.push(value);
      value = 0n;
    }
  }
  const head = values[0]!;
  const first = head < 40n ? 0n : head < 80n ? 1n : 2n;
  return [first, head - first * 40n, ...values.slice(1)].join('.');
}
