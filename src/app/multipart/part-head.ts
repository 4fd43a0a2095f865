// The header section of one part (RFC 7578 §4.8, RFC 2046 §5.1.1 with RFC 9112 §5's line
// rules): lines end in CR LF, a CR without LF or an LF alone is malformed, every line is
// `token ":" OWS value OWS`, no obs-fold, no control characters but HTAB. Headers are
// decoded as UTF-8 (browsers send filenames in it). The bytes of the section, line ends
// included, are bounded by maxHeaderBytes. Pure: bytes in, header lines out.

import { malformed, overLimit } from '../form/errors.js';

/** A header line of a part: lowercase name and value without its surrounding whitespace. */
export type PartHeader = readonly [name: string, value: string];

const CR = 0x0d;
const LF = 0x0a;
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads one part's header section across chunks. */
export class PartHeadReader {
  readonly #maxBytes: number;
  #bytes = 0;
  #line: number[] = [];
  #sawCR = false;
  #headers: PartHeader[] = [];

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes taken so far, line ends included (padding after the delimiter counts too). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Counts bytes read for the part before its headers (whitespace after the delimiter). */
  count(n: number): void {
    this.#bytes += n;
    if (this.#bytes > this.#maxBytes) throw tooLarge(this.#maxBytes);
  }

  /**
   * Reads from chunk[from]; returns where the section ended (just past its empty line), or -1
   * when the chunk ran out first. Throws an HttpError on malformed or oversized headers.
   */
  feed(chunk: Uint8Array, from: number): number {
    const max = this.#maxBytes;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (++this.#bytes > max) throw tooLarge(max);
      if (this.#sawCR) {
        if (b !== LF) throw malformed('cr-without-lf', 'a part header has a CR without LF after it: lines end in CR LF');
        this.#sawCR = false;
        if (this.#line.length === 0) return i + 1;
        this.#headers.push(parseLine(this.#line));
        this.#line = [];
      } else if (b === CR) {
        this.#sawCR = true;
      } else if (b === LF) {
        throw malformed('lf-without-cr', 'a part header line ends in LF alone: lines end in CR LF');
      } else {
        this.#line.push(b);
      }
    }
    return -1;
  }

  /** The header lines read, in order. */
  get headers(): readonly PartHeader[] {
    return this.#headers;
  }
}

function tooLarge(max: number): Error {
  return overLimit('part-header-too-large', 'maxHeaderBytes', max, 'the header section of a part');
}

function parseLine(bytes: number[]): PartHeader {
  let line: string;
  try {
    line = utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw malformed('bad-part-header', 'a part header is not UTF-8');
  }
  if (line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) throw malformed('bad-part-header', 'a part header line starts with whitespace (obs-fold): send each header on one line');
  const colon = line.indexOf(':');
  if (colon === -1) throw malformed('header-without-colon', `the part header ${JSON.stringify(line.slice(0, 80))} has no ':' (a header line is name: value)`);
  const name = line.slice(0, colon);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) {
      throw malformed('bad-part-header', `the part header name ${JSON.stringify(name.slice(0, 80))} is not a token`);
    }
  }
  if (name.length === 0) throw malformed('bad-part-header', 'a part header has an empty name');
  let start = colon + 1;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 0x20 || line.charCodeAt(start) === 0x09)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw malformed('bad-part-header', `the part header ${JSON.stringify(name)} has the control character 0x${c.toString(16).padStart(2, '0')} in its value`);
  }
  return [name.toLowerCase(), line.slice(start, end)];
}
