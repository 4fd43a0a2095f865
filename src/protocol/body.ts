// Body readers and writers for the three framings of RFC 9112 §6: a known length,
// chunked, or until the connection closes. Readers hand out views of the received bytes
// and writers pass the caller's bytes through: body data is never copied. A writer
// refuses a call that would break its framing before it changes anything.

import { CRLF_BYTES, encodeSizeLine, encodeExtensions, ChunkedReader, type ChunkStep } from './chunked.js';
import { encodeLatin1 } from './bytes.js';
import { localError, remoteError } from './errors.js';
import type { ChunkExtension } from './events.js';
import type { FieldsInit } from './fields.js';
import type { Framing } from './framing.js';
import type { Limits } from './limits.js';
import { renderTrailers } from './serialize.js';

export type ReadStep = ChunkStep;

export interface BodyReader {
  read(bytes: Uint8Array, pos: number): ReadStep;
  /** The peer closed: the end of a close-delimited body, an incomplete message otherwise. */
  eof(): ReadStep;
}


class LengthReader implements BodyReader {
  #remaining: number;
  constructor(length: number) {
    this.#remaining = length;
  }
  read(bytes: Uint8Array, pos: number): ReadStep {
    if (this.#remaining === 0) return { kind: 'end', extensions: null, trailers: null, next: pos };
    const n = Math.min(bytes.length - pos, this.#remaining);
    if (n === 0) return { kind: 'need-data', next: pos };
    this.#remaining -= n;
    return { kind: 'data', data: bytes.subarray(pos, pos + n), extensions: null, chunkEnd: false, next: pos + n };
  }
  eof(): ReadStep {
    throw incomplete(`${this.#remaining} bytes of the body had not arrived`);
  }
}

class CloseReader implements BodyReader {
  read(bytes: Uint8Array, pos: number): ReadStep {
    if (bytes.length === pos) return { kind: 'need-data', next: pos };
    return { kind: 'data', data: bytes.subarray(pos), extensions: null, chunkEnd: false, next: bytes.length };
  }
  eof(): ReadStep {
    return { kind: 'end', extensions: null, trailers: null, next: 0 };
  }
}

class ChunkedBodyReader implements BodyReader {
  readonly #reader: ChunkedReader;
  constructor(limits: Limits) {
    this.#reader = new ChunkedReader(limits);
  }
  read(bytes: Uint8Array, pos: number): ReadStep {
    return this.#reader.read(bytes, pos);
  }
  eof(): ReadStep {
    throw incomplete('the chunked body had not ended');
  }
}

export function bodyReader(framing: Framing, limits: Limits): BodyReader {
  switch (framing.kind) {
    case 'none':
      return new LengthReader(0);
    case 'length':
      return new LengthReader(framing.length);
    case 'chunked':
      return new ChunkedBodyReader(limits);
    case 'close':
      return new CloseReader();
  }
}

function incomplete(what: string): Error {
  return remoteError('incomplete-message', `the connection closed in the middle of a message: ${what}`);
}

export interface BodyWriter {
  data(data: Uint8Array, extensions: readonly ChunkExtension[] | null | undefined): Uint8Array[];
  end(extensions: readonly ChunkExtension[] | null | undefined, trailers: FieldsInit | null | undefined): Uint8Array[];
}

/** No body may follow; `discard` (a response to HEAD) drops body data instead of refusing it. */
class NoBodyWriter implements BodyWriter {
  readonly #discard: boolean;
  readonly #why: () => string;
  constructor(discard: boolean, why: () => string) {
    this.#discard = discard;
    this.#why = why;
  }
  data(data: Uint8Array, extensions: readonly ChunkExtension[] | null | undefined): Uint8Array[] {
    notChunked(extensions);
    if (data.length > 0 && !this.#discard) throw localError('body-not-allowed', `this message has no body: ${this.#why()}`);
    return [];
  }
  end(extensions: readonly ChunkExtension[] | null | undefined, trailers: FieldsInit | null | undefined): Uint8Array[] {
    notChunked(extensions, trailers);
    return [];
  }
}

class LengthWriter implements BodyWriter {
  #remaining: number;
  constructor(length: number) {
    this.#remaining = length;
  }
  data(data: Uint8Array, extensions: readonly ChunkExtension[] | null | undefined): Uint8Array[] {
    notChunked(extensions);
    if (data.length > this.#remaining) {
      throw localError('body-too-long', `${data.length} bytes of body where Content-Length leaves ${this.#remaining}`);
    }
    this.#remaining -= data.length;
    return data.length === 0 ? [] : [data];
  }
  end(extensions: readonly ChunkExtension[] | null | undefined, trailers: FieldsInit | null | undefined): Uint8Array[] {
    notChunked(extensions, trailers);
    if (this.#remaining > 0) throw localError('body-too-short', `the body ended ${this.#remaining} bytes short of its Content-Length`);
    return [];
  }
}

class ChunkedWriter implements BodyWriter {
  data(data: Uint8Array, extensions: readonly ChunkExtension[] | null | undefined): Uint8Array[] {
    if (data.length === 0) {
      // A zero-size chunk is the last chunk (RFC 9112 §7.1): extensions go with end-of-message.
      if (extensions != null && extensions.length > 0) {
        throw localError('invalid-event', 'chunk extensions on empty data: send them on end-of-message, with the last chunk');
      }
      return [];
    }
    return [encodeSizeLine(data.length, extensions), data, CRLF_BYTES];
  }
  end(extensions: readonly ChunkExtension[] | null | undefined, trailers: FieldsInit | null | undefined): Uint8Array[] {
    return [encodeLatin1(`0${encodeExtensions(extensions)}\r\n${renderTrailers(trailers)}`)];
  }
}

class CloseWriter implements BodyWriter {
  data(data: Uint8Array, extensions: readonly ChunkExtension[] | null | undefined): Uint8Array[] {
    notChunked(extensions);
    return data.length === 0 ? [] : [data];
  }
  end(extensions: readonly ChunkExtension[] | null | undefined, trailers: FieldsInit | null | undefined): Uint8Array[] {
    notChunked(extensions, trailers);
    return [];
  }
}

/**
 * The bytes of a whole body given with its head: its data, then its end. `writer` is the
 * message's fresh writer, so a body its framing refuses throws before anything changes.
 */
export function wholeBody(writer: BodyWriter, body: Uint8Array | null): Uint8Array[] {
  const data = body === null ? NONE : writer.data(body, null);
  const end = writer.end(null, null);
  return end.length === 0 ? data : data.length === 0 ? end : [...data, ...end];
}

const NONE: Uint8Array[] = [];

/**
 * The writer for a sent message; `why` says why a body-less message has no body (built only
 * for the error: a message per send would cost more than the rest of choosing a writer).
 */
export function bodyWriter(framing: Framing, discard: boolean, why: () => string): BodyWriter {
  switch (framing.kind) {
    case 'none':
      return new NoBodyWriter(discard, why);
    case 'length':
      return new LengthWriter(framing.length);
    case 'chunked':
      return new ChunkedWriter();
    case 'close':
      return new CloseWriter();
  }
}

function notChunked(extensions: readonly ChunkExtension[] | null | undefined, trailers?: FieldsInit | null): void {
  if (extensions != null && extensions.length > 0) {
    throw localError('invalid-event', 'chunk extensions need a chunked body: set Transfer-Encoding: chunked');
  }
  if (trailers != null && (Array.isArray(trailers) ? trailers.length > 0 : (trailers as { size: number }).size > 0)) {
    throw localError('invalid-event', 'trailers need a chunked body: set Transfer-Encoding: chunked');
  }
}
