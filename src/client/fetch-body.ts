// Bodies between WHATWG fetch and warren: a request's BodyInit extracted as the fetch
// standard's "extract a body" does (§5.2: the Content-Type it implies, the length when it is
// known), and a response body handed over as a ReadableStream that pulls one piece from
// the connection per read, so a program that stops reading stops the socket (backpressure).

import type { Body, ChunkedBody, OutgoingBody } from '../transport/body.js';
import { BodyIter } from '../transport/body.js';

/** A request body extracted: `make()` gives it anew for each attempt; `replayable` when it can be given twice (a redirect's 307/308). */
export interface ExtractedBody {
  readonly make: () => OutgoingBody;
  readonly replayable: boolean;
  /** The Content-Type the body implies (fetch: text/plain;charset=UTF-8 for a string), or null. */
  readonly type: string | null;
}

const EMPTY = new Uint8Array(0);

/** A copy of `view`'s bytes: fetch copies a BufferSource when the request is made, so later writes to it do not change what is sent. */
function copy(view: ArrayBufferView | ArrayBuffer): Uint8Array {
  const bytes = view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return bytes.length === 0 ? EMPTY : Uint8Array.prototype.slice.call(bytes);
}

/** Bytes of an async iterable of byte chunks (a ReadableStream is one), refusing chunks of another type as fetch does. */
async function* byteChunks(source: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (chunk instanceof Uint8Array) yield chunk;
    else if (ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer) yield copy(chunk);
    else throw new TypeError(`a request body stream yields Uint8Array chunks (fetch standard), got ${chunk === null ? 'null' : typeof chunk}: encode text with TextEncoderStream first`);
  }
}

/** The body of `init.body` (fetch's BodyInit, or an async iterable of bytes as undici takes); null for none. */
export function extractBody(body: unknown, duplex: unknown): ExtractedBody | null {
  if (body === null || body === undefined) return null;
  const bytes = (data: Uint8Array, type: string | null): ExtractedBody => ({ make: () => data, replayable: true, type });
  if (typeof body === 'string') return bytes(Buffer.from(body, 'utf8'), 'text/plain;charset=UTF-8');
  if (body instanceof URLSearchParams) return bytes(Buffer.from(body.toString(), 'utf8'), 'application/x-www-form-urlencoded;charset=UTF-8');
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return bytes(copy(body), null);
  if (body instanceof Blob) {
    const blob = body;
    return { make: () => new BodyIter(byteChunks(blob.stream()), blob.size), replayable: true, type: blob.type === '' ? null : blob.type };
  }
  if (body instanceof FormData) {
    // The multipart encoding and its boundary are the platform's: Response serializes them,
    // with a new boundary each time, so the one serialization is sent once.
    const encoded = new Response(body);
    let used = false;
    const make = (): OutgoingBody => {
      if (used) throw new TypeError('fetch: a FormData request body is streamed, and can be sent once');
      used = true;
      return byteChunks(encoded.body!);
    };
    return { make, replayable: false, type: encoded.headers.get('content-type') };
  }
  const isStream = body instanceof ReadableStream;
  if (isStream || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    if (isStream && duplex !== 'half') throw new TypeError("fetch: a ReadableStream request body needs init.duplex: 'half' (fetch standard: the response may come before the body is sent)");
    if (isStream && ((body as ReadableStream).locked || (body as { bodyUsed?: boolean }).bodyUsed === true)) throw new TypeError('fetch: the request body stream is locked or already read: give a fresh stream');
    let used = false;
    return {
      make: () => {
        if (used) throw new TypeError('fetch: a stream request body can be sent once');
        used = true;
        return byteChunks(body as AsyncIterable<unknown>);
      },
      replayable: false,
      type: null,
    };
  }
  // WebIDL: any other value is converted to a string (USVString), as a browser does.
  return bytes(Buffer.from(String(body), 'utf8'), 'text/plain;charset=UTF-8');
}

/** What responseStream() tells its owner. */
export interface StreamHooks {
  /** The program cancelled the stream with `reason`, or it failed: the connection behind it should stop reading. */
  stop(reason: unknown): void;
  /** The body was read to its end. */
  done(): void;
  /** A failure of the body as the stream reports it (fetch: the abort reason, or TypeError('terminated')). */
  failure(error: unknown): unknown;
}

/**
 * `body` as a ReadableStream: each pull takes the next piece the connection has parsed
 * (one chunk queued ahead, the default high-water mark), and nothing more is read off the
 * socket than warren's readAheadBytes while the program does not read.
 * Returns the stream and `error(reason)`, which errors it from outside (an abort).
 */
export function responseStream(body: Body | ChunkedBody, hooks: StreamHooks): { stream: ReadableStream<Uint8Array>; error(reason: unknown): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let finished = false;
  const finish = (): void => {
    finished = true;
    hooks.done();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull(c) {
      try {
        for (;;) {
          if (body.done) {
            c.close();
            return finish();
          }
          let piece = body.pull();
          if (piece instanceof Promise) piece = await piece;
          if (finished) return;
          if (piece.type === 'end-of-message') {
            c.close();
            return finish();
          }
          if (piece.data.length > 0) return c.enqueue(piece.data);
        }
      } catch (error) {
        if (finished) return;
        finished = true;
        hooks.stop(error);
        c.error(hooks.failure(error));
      }
    },
    cancel(reason) {
      if (finished) return;
      finished = true;
      hooks.stop(reason);
    },
  });
  return {
    stream,
    error(reason) {
      if (finished) return;
      finished = true;
      hooks.stop(reason);
      controller.error(reason);
    },
  };
}
