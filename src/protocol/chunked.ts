// The chunked transfer coding (RFC 9112 §7.1): chunk-size line with every chunk
// extension in order, chunk data, the last chunk and its trailer section.
// The reader never copies chunk data: it hands out views of the received bytes. The
// encoder writes extensions so that the reader gives back exactly the same pairs.

import { latin1, encodeLatin1 } from './bytes.js';
import { localError, remoteError } from './errors.js';
import type { ChunkExtension } from './events.js';
import { HeadParser, type Head } from './head.js';
import type { Limits } from './limits.js';
import { TOKEN, isOws, isValueText } from './syntax.js';

/** What one step of the reader produced. */
export type ChunkStep =
  | { readonly kind: 'data'; readonly data: Uint8Array; readonly extensions: readonly ChunkExtension[] | null; readonly chunkEnd: boolean; readonly next: number }
  | { readonly kind: 'end'; readonly extensions: readonly ChunkExtension[] | null; readonly trailers: Head | null; readonly next: number }
  | { readonly kind: 'need-data'; readonly next: number };

type Phase = 'size' | 'data' | 'data-crlf' | 'trailers';

export class ChunkedReader {
  readonly #limits: Limits;
  #phase: Phase = 'size';
  #remaining = 0;
  #extensions: readonly ChunkExtension[] | null = null;
  #lastExtensions: readonly ChunkExtension[] = [];
  #trailers: HeadParser | null = null;
  /** Extension bytes and declared chunk data bytes of the message so far: see messageChunkExtensionBytes. */
  #extensionBytes = 0;
  #dataBytes = 0;

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Reads from bytes[pos]; every step's `next` is where the following read starts. */
  read(bytes: Uint8Array, pos: number): ChunkStep {
    for (;;) {
      switch (this.#phase) {
        case 'size': {
          const lf = bytes.indexOf(10, pos);
          if (lf === -1) {
            // Judge the unfinished line as a finished one would be: its size digits, then its length.
            const cr = bytes.length > pos && bytes[bytes.length - 1] === 13 ? 1 : 0;
            checkSizeLineLength(bytes, pos, bytes.length - cr, this.#limits);
            return { kind: 'need-data', next: pos };
          }
          // The same checks in the same order as on the unfinished line above, then the line end.
          const cr = lf > pos && bytes[lf - 1] === 13;
          const extensionBytes = checkSizeLineLength(bytes, pos, cr ? lf - 1 : lf, this.#limits);
          if (!cr) throw remoteError('bare-lf', 'a chunk-size line ends in LF without CR');
          const { size, extensions } = parseSizeLine(latin1(bytes, pos, lf - 1));
          pos = lf + 1;
          this.#dataBytes += size;
          this.#extensionBytes += extensionBytes;
          if (this.#extensionBytes > this.#limits.messageChunkExtensionBytes && this.#extensionBytes > this.#dataBytes) {
            throw outweighed(this.#extensionBytes, this.#dataBytes, this.#limits);
          }
          if (size === 0) {
            this.#lastExtensions = extensions;
            this.#trailers = new HeadParser('trailers', this.#limits);
            this.#phase = 'trailers';
          } else {
            this.#remaining = size;
            this.#extensions = extensions;
            this.#phase = 'data';
          }
          break;
        }
        case 'data': {
          const available = bytes.length - pos;
          if (available === 0) return { kind: 'need-data', next: pos };
          const n = Math.min(available, this.#remaining);
          const extensions = this.#extensions;
          this.#extensions = null;
          this.#remaining -= n;
          const chunkEnd = this.#remaining === 0;
          if (chunkEnd) this.#phase = 'data-crlf';
          return { kind: 'data', data: bytes.subarray(pos, pos + n), extensions, chunkEnd, next: pos + n };
        }
        case 'data-crlf': {
          if (bytes.length - pos < 1) return { kind: 'need-data', next: pos };
          if (bytes[pos] !== 13) throw afterData();
          if (bytes.length - pos < 2) return { kind: 'need-data', next: pos };
          if (bytes[pos + 1] !== 10) throw afterData();
          pos += 2;
          this.#phase = 'size';
          break;
        }
        case 'trailers': {
          const parser = this.#trailers!;
          const end = parser.feed(bytes, pos);
          if (end === -1) return { kind: 'need-data', next: pos };
          const trailers = parser.fieldCount > 0 ? parser.head() : null;
          return { kind: 'end', extensions: this.#lastExtensions, trailers, next: end };
        }
      }
    }
  }
}

/** The limits on a chunk-size line bytes[start, end): at least one and at most so many size digits, then so many extension bytes, which it returns. */
function checkSizeLineLength(bytes: Uint8Array, start: number, end: number, limits: Limits): number {
  let i = start;
  while (i < end && i - start <= limits.chunkSizeDigits && isHex(bytes[i]!)) i++;
  if (i === start && end > start) throw sizeError();
  if (i - start > limits.chunkSizeDigits) throw overflow();
  if (end - i > limits.chunkExtensionBytes) throw tooLarge(limits);
  return end - i;
}

/** chunk-size [ chunk-ext ] (RFC 9112 §7.1, §7.1.1), without its CRLF; lengths already checked. */
function parseSizeLine(line: string): { size: number; extensions: readonly ChunkExtension[] } {
  let i = 0;
  while (i < line.length && isHex(line.charCodeAt(i))) i++;
  if (i === 0) throw sizeError();
  const size = parseInt(line.slice(0, i), 16);
  if (!Number.isSafeInteger(size)) throw overflow();
  if (i === line.length) return { size, extensions: EMPTY_EXTENSIONS };
  return { size, extensions: parseExtensions(line, i) };
}

const EMPTY_EXTENSIONS: readonly ChunkExtension[] = Object.freeze([]);

/** chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), from line[i]. */
function parseExtensions(line: string, i: number): ChunkExtension[] {
  const out: ChunkExtension[] = [];
  const n = line.length;
  const skipBws = (): void => {
    while (i < n && isOws(line.charCodeAt(i))) i++;
  };
  while (i < n) {
    skipBws();
    if (line.charCodeAt(i) !== 0x3b) throw badExtension('expected ";" before a chunk extension');
    i++;
    skipBws();
    const nameStart = i;
    while (i < n && isTchar(line.charCodeAt(i))) i++;
    if (i === nameStart) throw badExtension('a chunk extension has no name');
    const name = line.slice(nameStart, i);
    skipBws();
    if (i < n && line.charCodeAt(i) === 0x3d) {
      i++;
      skipBws();
      if (line.charCodeAt(i) === 0x22) {
        let value = '';
        i++;
        for (;;) {
          if (i >= n) throw badExtension('a quoted chunk extension value is not closed');
          const c = line.charCodeAt(i);
          if (c === 0x22) break;
          if (c === 0x5c) {
            i++;
            if (i >= n) throw badExtension('a quoted chunk extension value ends in a backslash');
          } else if (!isQdtext(c)) {
            throw badExtension('a quoted chunk extension value holds a control byte');
          }
          value += line[i];
          i++;
        }
        i++;
        out.push([name, value]);
      } else {
        const valueStart = i;
        while (i < n && isTchar(line.charCodeAt(i))) i++;
        if (i === valueStart) throw badExtension(`chunk extension "${name}" has "=" but no value`);
        out.push([name, line.slice(valueStart, i)]);
      }
    } else {
      out.push([name, null]);
    }
    skipBws();
  }
  return out;
}

/** The chunk-size line of a chunk of `size` bytes with `extensions`, with its CRLF. */
export function encodeSizeLine(size: number, extensions: readonly ChunkExtension[] | null | undefined): Uint8Array {
  return encodeLatin1(`${size.toString(16)}${encodeExtensions(extensions)}\r\n`);
}

/** `;name`, `;name=token` or `;name="quoted"`, refusing what no reader could take back. */
export function encodeExtensions(extensions: readonly ChunkExtension[] | null | undefined): string {
  if (extensions == null || extensions.length === 0) return '';
  let out = '';
  for (const [name, value] of extensions) {
    if (!TOKEN.test(name)) throw localError('invalid-event', `chunk extension name "${name}" is not a token`);
    if (value === null) {
      out += `;${name}`;
    } else if (TOKEN.test(value)) {
      out += `;${name}=${value}`;
    } else {
      if (!isValueText(value)) {
        throw localError('invalid-event', `chunk extension "${name}" has a value with a control or non-latin1 character`);
      }
      out += `;${name}="${value.replace(/["\\]/g, '\\$&')}"`;
    }
  }
  return out;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isTchar(c: number): boolean {
  return TCHAR[c] === 1;
}

/** qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4). */
function isQdtext(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff);
}

const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

function sizeError(): Error {
  return remoteError('invalid-chunk-size', 'a chunk-size line does not start with a hex size (RFC 9112 §7.1)');
}

function overflow(): Error {
  return remoteError('chunk-size-overflow', 'a chunk size has more hex digits than the limit, or is above 2^53-1');
}

function tooLarge(limits: Limits): Error {
  return remoteError('chunk-extension-too-large', `chunk extensions longer than ${limits.chunkExtensionBytes} bytes`, 413);
}

function outweighed(extensionBytes: number, dataBytes: number, limits: Limits): Error {
  return remoteError(
    'chunk-extension-too-large',
    `the message's chunk extensions passed ${limits.messageChunkExtensionBytes} bytes (${extensionBytes}) and outweigh its ${dataBytes} bytes of chunk data (the CVE-2024-22019 flood)`,
    413,
  );
}

function badExtension(message: string): Error {
  return remoteError('invalid-chunk-extension', `${message} (RFC 9112 §7.1.1)`);
}

function afterData(): Error {
  return remoteError('invalid-chunk-data', 'chunk data is not followed by CRLF: the chunk size is wrong (RFC 9112 §7.1)');
}

export const CRLF_BYTES: Uint8Array = encodeLatin1('\r\n');
