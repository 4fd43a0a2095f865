// Message bodies, as the server and the client hand them to programs. Incoming bodies
// pull their pieces from the connection that reads them, only when the program reads:
// that is the backpressure. Outgoing bodies are the forms a program may give: bytes,
// text, an incoming body passed through, or a stream of known length or of chunks.

import type { ChunkExtension, DataEvent, EndOfMessageEvent, Fields, FieldsInit } from '../protocol/index.js';
import { WarrenError } from './errors.js';

/** The most `read()`, `bytes()`, `text()` or `json()` gather at once (Degu: MAX_IO_SIZE 16 MiB). */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** Where an incoming body gets its pieces; the connection driver implements it. */
export interface BodySource {
  /** The next piece; synchronous when it is already buffered. */
  next(): DataEvent | EndOfMessageEvent | Promise<DataEvent | EndOfMessageEvent>;
}

/** One chunk of a chunked body (RFC 9112 §7.1), as read or to be written. */
export interface Chunk {
  readonly data: Uint8Array;
  readonly extensions: readonly ChunkExtension[];
}

type Piece = DataEvent | EndOfMessageEvent;

const EMPTY = new Uint8Array(0);

/** What Body and ChunkedBody share: pulling pieces, and gathering them with a bound. */
abstract class IncomingBody {
  readonly #source: BodySource;
  #ended = false;
  #reading = false;
  #trailers: Fields | null = null;
  #lastExtensions: readonly ChunkExtension[] | null = null;
  /** A piece pulled but not yet handed out whole (read(size) took part of it). */
  #rest: Uint8Array | null = null;

  constructor(source: BodySource) {
    this.#source = source;
  }

  /** True once the whole body has been read. */
  get done(): boolean {
    return this.#ended && this.#rest === null;
  }

  /** The trailer section of a chunked body, once it has been read to its end; null otherwise. */
  get trailers(): Fields | null {
    return this.#trailers;
  }

  /** The extensions of a chunked body's last chunk (`0;name=value`), once read; null otherwise. */
  get lastExtensions(): readonly ChunkExtension[] | null {
    return this.#lastExtensions;
  }

  /** @internal The next raw piece, for passing a body through unchanged. */
  pull(): Piece | Promise<Piece> {
    if (this.#ended) throw misuse('this body was already read to its end');
    const piece = this.#source.next();
    return piece instanceof Promise ? piece.then((p) => this.#took(p)) : this.#took(piece);
  }

  #took(piece: Piece): Piece {
    if (piece.type === 'end-of-message') {
      this.#ended = true;
      this.#trailers = piece.trailers;
      this.#lastExtensions = piece.extensions;
    }
    return piece;
  }

  /**
   * Up to `size` bytes (all that is left when omitted, at most MAX_READ_BYTES); fewer only
   * at the end; an empty array once the body is done.
   */
  async read(size?: number): Promise<Uint8Array> {
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw misuse(`read(size) takes a non-negative integer, got ${String(size)}`);
    const want = size ?? MAX_READ_BYTES;
    return this.#gather(want, size === undefined);
  }

  /** The whole body; fails with code 'body-too-large' past MAX_READ_BYTES. */
  bytes(): Promise<Uint8Array> {
    return this.#gather(MAX_READ_BYTES, true);
  }

  async text(): Promise<string> {
    const data = await this.bytes();
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async #gather(want: number, all: boolean): Promise<Uint8Array> {
    if (this.#reading) throw misuse('the body is already being read: await the previous read first');
    this.#reading = true;
    try {
      const parts: Uint8Array[] = [];
      let total = 0;
      if (this.#rest !== null) {
        const take = this.#rest.subarray(0, want);
        this.#rest = this.#rest.length > take.length ? this.#rest.subarray(take.length) : null;
        parts.push(take);
        total = take.length;
      }
      while (total < want && !this.#ended) {
        let piece = this.pull();
        if (piece instanceof Promise) piece = await piece;
        if (piece.type === 'end-of-message') break;
        let data = piece.data;
        if (total + data.length > want) {
          if (all) throw new WarrenError('body-too-large', `the body is larger than ${want} bytes: read it in pieces (read(size) or for await)`);
          this.#rest = data.subarray(want - total);
          data = data.subarray(0, want - total);
        }
        parts.push(data);
        total += data.length;
      }
      if (all && this.#rest === null && !this.#ended) {
        // The body is exactly `want` long, or longer: one more pull tells which.
        let piece = this.pull();
        if (piece instanceof Promise) piece = await piece;
        if (piece.type === 'data' && piece.data.length > 0) {
          throw new WarrenError('body-too-large', `the body is larger than ${want} bytes: read it in pieces (read(size) or for await)`);
        }
      }
      return parts.length === 1 ? parts[0]! : parts.length === 0 ? EMPTY : Buffer.concat(parts, total);
    } finally {
      this.#reading = false;
    }
  }

  /** @internal Pieces until the end, for iteration. */
  protected async *pieces(): AsyncGenerator<DataEvent> {
    if (this.#rest !== null) {
      const rest = this.#rest;
      this.#rest = null;
      yield { type: 'data', data: rest, extensions: null, chunkEnd: false };
    }
    while (!this.#ended) {
      let piece = this.pull();
      if (piece instanceof Promise) piece = await piece;
      if (piece.type === 'end-of-message') return;
      yield piece;
    }
  }
}

/**
 * A body of known length (Content-Length), or, with length null, a response body that runs
 * to the close. Iterates Uint8Array pieces as they arrive.
 */
export class Body extends IncomingBody implements AsyncIterable<Uint8Array> {
  readonly length: number | null;
  readonly chunked = false;

  constructor(source: BodySource, length: number | null) {
    super(source);
    this.length = length;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for await (const piece of this.pieces()) yield piece.data;
  }
}

/** A chunked body. Iterates whole chunks with their extensions; `trailers` is set at its end. */
export class ChunkedBody extends IncomingBody implements AsyncIterable<Chunk> {
  readonly length = null;
  readonly chunked = true;

  constructor(source: BodySource) {
    super(source);
  }

  /** Whole chunks: the pieces of a chunk that arrived apart are joined, up to MAX_READ_BYTES. */
  async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
    let parts: Uint8Array[] = [];
    let size = 0;
    let extensions: readonly ChunkExtension[] = [];
    for await (const piece of this.pieces()) {
      if (piece.extensions !== null) extensions = piece.extensions;
      parts.push(piece.data);
      size += piece.data.length;
      if (size > MAX_READ_BYTES) throw new WarrenError('body-too-large', `a chunk is larger than ${MAX_READ_BYTES} bytes: pass the body through instead of iterating it`);
      if (piece.chunkEnd) {
        yield { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), extensions };
        parts = [];
        size = 0;
        extensions = [];
      }
    }
  }
}

export type Bytes = Uint8Array | string;

/** A body of known length from a stream of bytes or strings (UTF-8); the stream must match the length. */
export class BodyIter {
  readonly source: AsyncIterable<Bytes> | Iterable<Bytes>;
  readonly length: number;

  constructor(source: AsyncIterable<Bytes> | Iterable<Bytes>, length: number) {
    if (!Number.isSafeInteger(length) || length < 0) throw misuse(`BodyIter(source, length) takes a non-negative integer length, got ${String(length)}`);
    if (!isIterable(source)) throw misuse('BodyIter(source, length) takes an iterable or async iterable of Uint8Array or string');
    this.source = source;
    this.length = length;
  }
}

/** A chunk to send; `data` may be a string (UTF-8). */
export interface OutgoingChunk {
  readonly data: Bytes;
  readonly extensions?: readonly ChunkExtension[];
}

/** The end of a chunked body to send: the last chunk's extensions and the trailers. */
export interface LastChunk {
  readonly data?: undefined;
  readonly extensions?: readonly ChunkExtension[];
  readonly trailers?: FieldsInit | Readonly<Record<string, string>>;
}

/** A chunked body from a stream of `{ data, extensions? }` chunks, optionally ended by `{ trailers?, extensions? }`. */
export class ChunkedBodyIter {
  readonly source: AsyncIterable<OutgoingChunk | LastChunk> | Iterable<OutgoingChunk | LastChunk>;

  constructor(source: AsyncIterable<OutgoingChunk | LastChunk> | Iterable<OutgoingChunk | LastChunk>) {
    if (!isIterable(source)) throw misuse('ChunkedBodyIter(source) takes an iterable or async iterable of { data, extensions? } chunks');
    this.source = source;
  }
}

/** An iolist: strings (UTF-8), bytes and nested lists, any depth, written out without being joined. */
export type IoList = readonly (string | Uint8Array | IoList)[];

/**
 * What a body to send may be: nothing (null, undefined), bytes or a string, an iolist, a
 * Body or ChunkedBody received (passed on with its framing), a BodyIter (known length), a
 * ChunkedBodyIter (chunked, with extensions and trailers), or any async iterable of bytes (chunked).
 */
export type OutgoingBody = null | undefined | Bytes | IoList | Body | ChunkedBody | BodyIter | ChunkedBodyIter | AsyncIterable<Uint8Array | string>;

/** The classes an app receives as its third argument, as in Degu. */
export const bodies = Object.freeze({ Body, ChunkedBody, BodyIter, ChunkedBodyIter });
/** The type of `bodies`: the body classes an app receives, to make a response body without importing them. */
export type Bodies = typeof bodies;

function isIterable(value: unknown): boolean {
  return value != null && (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
}

function misuse(message: string): WarrenError {
  return new WarrenError('misuse', message);
}
