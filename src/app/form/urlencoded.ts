// application/x-www-form-urlencoded, parsed as the WHATWG URL standard's parser (§5.1) does:
// split on '&', skip empty sequences, split each at its first '=', '+' is a space, then
// percent-decode and decode as UTF-8. We are strict where the standard is lenient: a '%'
// without two hex digits, or bytes that are not UTF-8, answer 400 instead of passing
// through or becoming U+FFFD (decodeSegment's rule for paths). An empty name is a 400
// (CVE-2025-48997). Pure: bytes in, FormValues out.

import type { FormLimits } from './limits.js';
import { FormValues } from './values.js';
import { malformed, overLimit } from './errors.js';

/** The limits the urlencoded parser checks. */
export type UrlencodedLimits = Pick<FormLimits, 'maxBytes' | 'maxFields' | 'maxNameBytes' | 'maxFieldBytes'>;

/** A query string is already bounded by warren's request line (8 KiB): only the count of pairs is worth a limit. */
export const QUERY_LIMITS: UrlencodedLimits = Object.freeze({ maxBytes: Number.MAX_SAFE_INTEGER, maxFields: 1000, maxNameBytes: Number.MAX_SAFE_INTEGER, maxFieldBytes: Number.MAX_SAFE_INTEGER });

const AMP = 0x26;
const EQ = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Parses an urlencoded body or query string; throws an HttpError (400 malformed, 413 over a limit). */
export function parseUrlencoded(input: Uint8Array | string, limits: UrlencodedLimits): FormValues {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  if (bytes.length > limits.maxBytes) throw overLimit('form-too-large', 'maxBytes', limits.maxBytes, `the form of ${bytes.length} bytes`);
  const entries: [string, string][] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(AMP, start);
    if (end === -1) end = bytes.length;
    if (end > start) {
      let eq = bytes.indexOf(EQ, start);
      if (eq === -1 || eq > end) eq = end;
      if (entries.length === limits.maxFields) throw overLimit('too-many-fields', 'maxFields', limits.maxFields, `a form of more than ${limits.maxFields} fields`);
      if (eq - start > limits.maxNameBytes) throw overLimit('name-too-long', 'maxNameBytes', limits.maxNameBytes, `a field name of ${eq - start} bytes`);
      const valueBytes = Math.max(0, end - eq - 1);
      if (valueBytes > limits.maxFieldBytes) throw overLimit('field-too-large', 'maxFieldBytes', limits.maxFieldBytes, `the value of a field of ${valueBytes} bytes`);
      const name = decode(bytes, start, eq);
      if (name === '') throw malformed('empty-name', `a form field has an empty name (at byte ${start}): every field needs a name`);
      entries.push([name, eq === end ? '' : decode(bytes, eq + 1, end)]);
    }
    start = end + 1;
  }
  return new FormValues(entries);
}

/** The request's query string as FormValues (empty when there is none), under QUERY_LIMITS unless given others. */
export function query(request: { readonly query: string | null }, limits: UrlencodedLimits = QUERY_LIMITS): FormValues {
  const text = request.query;
  return text === null || text === '' ? new FormValues() : parseUrlencoded(text, limits);
}

function decode(bytes: Uint8Array, start: number, end: number): string {
  let i = start;
  while (i < end && bytes[i] !== PLUS && bytes[i] !== PERCENT) i++;
  if (i === end) return text(bytes.subarray(start, end), start);
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, i));
  let j = i - start;
  while (i < end) {
    const b = bytes[i]!;
    if (b === PLUS) {
      out[j++] = 0x20;
      i++;
    } else if (b === PERCENT) {
      const hi = i + 1 < end ? hex(bytes[i + 1]!) : -1;
      const lo = i + 2 < end ? hex(bytes[i + 2]!) : -1;
      if (hi < 0 || lo < 0) throw malformed('bad-percent', `a form has '%' without two hex digits after it (at byte ${i}): escape '%' itself as %25`);
      out[j++] = (hi << 4) | lo;
      i += 3;
    } else {
      out[j++] = b;
      i++;
    }
  }
  return text(out.subarray(0, j), start);
}

function text(bytes: Uint8Array, at: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed('bad-utf8', `a form field at byte ${at} is not UTF-8 once percent-decoded: send the form from a page in UTF-8`);
  }
}

function hex(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}
