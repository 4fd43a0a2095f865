// Response decompression (RFC 9110 §8.4 Content-Encoding, §12.5.3 Accept-Encoding): the
// client offers the codings this Node's zlib has and decodes what the server applied, in
// reverse order of application. The decoded body streams: a piece is decoded when the
// program reads, and a body decoding past its limit fails with 'decoded-too-large', so a
// small compressed body can never become an unbounded one in memory (a decompression bomb).

import type { DataEvent, EndOfMessageEvent, FieldLine } from '../protocol/index.js';
import { Fields } from '../protocol/index.js';
import { listMembers } from '../protocol/syntax.js';
import { Body, type BodySource, type ChunkedBody } from '../transport/body.js';
import { CONTENT_CODINGS, codingOf, decoder, through, type ContentCoding } from '../transport/codings.js';
import { RequestError, WarrenError } from '../transport/errors.js';
import { ClientResponse } from './response.js';

/**
 * The most bytes a decoded body may grow to, by default (Apache httpd: LimitRequestBody
 * 1 GiB since 2.4.54, which mod_deflate's DeflateInflateLimitRequestBody inherits). Set
 * the `maxDecodedBytes` option to what the program expects: a bomb fails at that size.
 */
export const MAX_DECODED_BYTES = 1024 * 1024 * 1024;

/**
 * Codings stacked on one body past this many are not decoded (undici: 5, since its
 * unbounded decompression chain advisory); each one is a zlib context the server makes us hold.
 */
export const MAX_STACKED_CODINGS = 5;

/** The Accept-Encoding value the client sends when it decompresses: browsers' order, what this Node decodes. */
export const ACCEPT_ENCODING = ['gzip', 'deflate', 'br', 'zstd'].filter((c) => (CONTENT_CODINGS as readonly string[]).includes(c)).join(', ');

/** @internal Adds Accept-Encoding to a request's fields unless the program gave one (then it decides what it can read). */
export function offerCodings(fields: FieldLine[]): void {
  for (const [name] of fields) if (typeof name === 'string' && name.toLowerCase() === 'accept-encoding') return;
  fields.push(['Accept-Encoding', ACCEPT_ENCODING]);
}

/**
 * The codings to undo for a Content-Encoding value, last applied first; null when there is
 * nothing to undo (no field, identity only) or when one is unknown or too many are stacked:
 * then the body is handed over as it came, with its Content-Encoding, as undici does.
 */
export function codingsToUndo(values: readonly string[]): ContentCoding[] | null {
  const codings: ContentCoding[] = [];
  for (const value of values) {
    for (const member of listMembers(value)) {
      const name = member;
      if (name === 'identity') continue;
      const coding = codingOf(name);
      if (coding === null) return null;
      codings.push(coding);
    }
  }
  if (codings.length === 0 || codings.length > MAX_STACKED_CODINGS) return null;
  return codings.reverse();
}

/**
 * @internal
 * `body` decoded through `codings` (from codingsToUndo), as a Body that runs to its end.
 * `onFailure` is called once when decoding fails (bad data, or past `maxBytes`): the rest
 * of the raw body is of no use then, and its connection should close.
 */
export function decodedBody(body: Body | ChunkedBody, codings: readonly ContentCoding[], maxBytes: number, onFailure?: () => void): Body {
  return new Body(new DecodedSource(decode(body, codings, maxBytes), onFailure), null);
}

/**
 * @internal
 * `response` with its body decoded, when its Content-Encoding names codings this Node has;
 * else `response` itself. The decoded response no longer has Content-Encoding or
 * Content-Length (they described the encoded bytes), so a proxy passing it on frames it anew.
 */
export function decodedResponse(response: ClientResponse, maxBytes: number, onFailure?: () => void): ClientResponse {
  const body = response.body;
  if (body === null) return response;
  const codings = codingsToUndo(response.fields.getAll('content-encoding'));
  if (codings === null) return response;
  const fields = new Fields(response.fields.raw().filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'content-encoding' && lower !== 'content-length';
  }));
  return new ClientResponse(response.status, response.reason, response.version, fields, decodedBody(body, codings, maxBytes, onFailure));
}

/** The raw body's bytes, piece by piece, as they are read. */
async function* rawBytes(body: Body | ChunkedBody): AsyncGenerator<Uint8Array> {
  while (!body.done) {
    let piece = body.pull();
    if (piece instanceof Promise) piece = await piece;
    if (piece.type === 'end-of-message') return;
    if (piece.data.length > 0) yield piece.data;
  }
}

/** Prepends `first` to the rest of `rest`. */
async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

async function* decode(body: Body | ChunkedBody, codings: readonly ContentCoding[], maxBytes: number): AsyncGenerator<Uint8Array> {
  let stream: AsyncIterable<Uint8Array> = rawBytes(body);
  for (const coding of codings) {
    let first: number | undefined;
    if (coding === 'deflate') {
      // Raw deflate or zlib-wrapped: the first byte tells (see decoder()).
      const it = stream[Symbol.asyncIterator]();
      const head = await it.next();
      if (head.done) return;
      first = head.value[0];
      stream = prepend(head.value, it);
    }
    stream = through(stream, decoder(coding, first));
  }
  let total = 0;
  try {
    for await (const piece of stream) {
      total += piece.length;
      if (total > maxBytes) {
        throw new WarrenError('decoded-too-large', `the response body decodes (${codings.join(' then ')}) to more than ${maxBytes} bytes: raise the maxDecodedBytes option if such a body is expected, else the server sent a decompression bomb`);
      }
      yield piece;
    }
  } catch (error) {
    if (error instanceof WarrenError || error instanceof RequestError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new WarrenError('decode-failed', `the response body is not valid ${codings.join(' then ')} as its Content-Encoding says (${why}): the server's encoder is broken, or the body was changed on the way`, { cause: error });
  }
}

const END: EndOfMessageEvent = Object.freeze({ type: 'end-of-message', trailers: null, extensions: null });

/** A BodySource over the decoded bytes: each next() reads one decoded piece. */
class DecodedSource implements BodySource {
  readonly #pieces: AsyncGenerator<Uint8Array>;
  #onFailure: (() => void) | undefined;

  constructor(pieces: AsyncGenerator<Uint8Array>, onFailure: (() => void) | undefined) {
    this.#pieces = pieces;
    this.#onFailure = onFailure;
  }

  next(): Promise<DataEvent | EndOfMessageEvent> {
    return this.#pieces.next().then(
      (r): DataEvent | EndOfMessageEvent => (r.done ? END : { type: 'data', data: r.value, extensions: null, chunkEnd: false }),
      (error: unknown) => {
        const onFailure = this.#onFailure;
        this.#onFailure = undefined;
        // A failure of the raw body is its connection's own: it is already closed.
        if (!(error instanceof RequestError)) onFailure?.();
        throw error;
      },
    );
  }
}
