// compress(app): response compression for any App (RFC 9110 §8.4 Content-Encoding, §12.5.3
// Accept-Encoding, §12.5.5 Vary). A response is compressed only when the client asked for a
// coding, its type is compressible and it is not already coded, partial, bodiless or marked
// no-transform; streamed bodies stream through node:zlib with backpressure and go out
// chunked. The decision depends on Accept-Encoding, so every eligible response says Vary.

import type { FieldLine } from '../protocol/index.js';
import { listMembers } from '../protocol/syntax.js';
import { Body, BodyIter, ChunkedBody, ChunkedBodyIter, type IoList, type OutgoingBody } from '../transport/body.js';
import { CONTENT_CODINGS, encoder, through, type ContentCoding } from '../transport/codings.js';
import { toLines } from '../transport/outgoing.js';
import { negotiateEncoding } from './accept-encoding.js';
import type { App, AppResponse } from './app.js';
import type { ServerRequest } from './request.js';

/**
 * Bodies of known length under this many bytes go out as they are: the coding's header and
 * the Vary line would outweigh the bytes saved (hono compress threshold 1024; nginx
 * gzip_min_length, often set to 1000).
 */
export const COMPRESS_MIN_BYTES = 1024;

/** Options of compress(). */
export interface CompressOptions {
  /** Bodies of known length below this are not compressed. Default COMPRESS_MIN_BYTES (1024). */
  readonly threshold?: number;
  /** The codings offered, in the server's order of preference. Default: br, zstd (where Node has it), gzip, deflate. */
  readonly encodings?: readonly ContentCoding[];
  /** Whether a Content-Type (as given) is worth compressing. Default isCompressible. */
  readonly compressible?: (contentType: string) => boolean;
}

/** Subtypes of application/ that are text or compress well (hono's list, shortened to what servers send). */
const APPLICATION = new Set(['json', 'javascript', 'ecmascript', 'x-javascript', 'xml', 'xml-dtd', 'wasm', 'x-www-form-urlencoded', 'graphql', 'toml', 'x-sh', 'rtf', 'postscript', 'vnd.ms-fontobject']);
const OTHER = new Set(['font/otf', 'font/ttf', 'image/bmp', 'image/x-icon', 'image/vnd.microsoft.icon', 'message/rfc822']);

/**
 * Whether a response of `contentType` is worth compressing: text/* (but text/event-stream,
 * which must reach the client event by event), JS, JSON, XML, wasm, a few fonts and images
 * stored uncompressed, and any +json, +xml, +yaml or +text subtype (image/svg+xml). Images,
 * audio, video and archives are already compressed.
 */
export function isCompressible(contentType: string): boolean {
  const semi = contentType.indexOf(';');
  let type = (semi === -1 ? contentType : contentType.slice(0, semi)).toLowerCase();
  let end = type.length;
  while (end > 0 && (type.charCodeAt(end - 1) === 0x20 || type.charCodeAt(end - 1) === 0x09)) end--;
  type = type.slice(0, end);
  const slash = type.indexOf('/');
  if (slash === -1) return false;
  const top = type.slice(0, slash);
  const sub = type.slice(slash + 1);
  if (top === 'text') return sub !== 'event-stream' && sub !== '';
  if (top === 'application' && APPLICATION.has(sub)) return true;
  const plus = sub.lastIndexOf('+');
  if (plus !== -1 && ['json', 'xml', 'yaml', 'text'].includes(sub.slice(plus + 1))) return true;
  return OTHER.has(type);
}

/**
 * Wraps `app` so its responses are compressed for clients that ask (Accept-Encoding with
 * q-values; br, zstd, gzip, deflate; `*` and `identity;q=0` honoured). A wrapper of the App,
 * not a function applied to a response, because the choice needs both the request
 * (Accept-Encoding, HEAD) and the response, and because an App composes: wrap a Router,
 * one mount of it, or the whole server's app.
 *
 * Left as they are (HEAD gets the Vary its GET would have): HEAD requests; 204, 206 and 304 responses; responses with
 * Content-Encoding, Content-Range or Cache-Control: no-transform; types isCompressible()
 * refuses; bodies of known length under `threshold`; chunked bodies (a ChunkedBody or
 * ChunkedBodyIter: their chunk extensions and trailers belong to the bytes as sent). When
 * the client refuses identity and every coding, the response goes out identity anyway (RFC
 * 9110 §12.5.3 lets the server do so; nginx does).
 *
 * A compressed response loses Content-Length; a body that was in memory is compressed
 * whole and gets its new length, a stream streams through zlib and goes out chunked. A
 * strong ETag becomes weak (W/"..."), as nginx does: the bytes differ from the identity ones.
 */
export function compress(app: App, options: CompressOptions = {}): App {
  const threshold = options.threshold ?? COMPRESS_MIN_BYTES;
  if (!Number.isSafeInteger(threshold) || threshold < 0) throw new TypeError(`compress option threshold is a non-negative integer of bytes, got ${String(threshold)}`);
  const encodings = options.encodings ?? CONTENT_CODINGS;
  for (const coding of encodings) {
    if (!(CONTENT_CODINGS as readonly string[]).includes(coding)) throw new TypeError(`compress option encodings: ${JSON.stringify(coding)} is not one this Node has; choose among ${CONTENT_CODINGS.join(', ')}`);
  }
  const compressible = options.compressible ?? isCompressible;
  if (typeof compressible !== 'function') throw new TypeError('compress option compressible is a function (contentType) => boolean');
  const wrapped: App = async (session, request, bodies) => compressed(request, await app(session, request, bodies), threshold, encodings, compressible);
  if (app.onConnect !== undefined) wrapped.onConnect = app.onConnect.bind(app);
  return wrapped;
}

const NEVER_STATUSES = new Set([204, 206, 304]);

/** `response` coded for `request`, or as it was (with Vary when the choice could have gone otherwise). */
async function compressed(request: ServerRequest, response: AppResponse, threshold: number, encodings: readonly ContentCoding[], compressible: (type: string) => boolean): Promise<AppResponse> {
  const body = response.body;
  if (NEVER_STATUSES.has(response.status) || body === null || body === undefined) return response;
  if (body instanceof ChunkedBody || body instanceof ChunkedBodyIter) return response;
  const lines = toLines(response.headers);
  let type: string | null = null;
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    if (lower === 'content-encoding' || lower === 'content-range') return response;
    if (lower === 'cache-control' && listMembers(value).includes('no-transform')) return response;
    if (lower === 'content-type') type = value;
  }
  if (type === null || !compressible(type)) return response;
  const length = knownLength(body);
  if (length !== null && length < threshold) return response;
  addVary(lines);
  // HEAD says what GET would vary on, and is sent identity: its Content-Length is the identity body's.
  if (request.method === 'HEAD') return { ...response, headers: lines };
  const accept = request.fields.getAll('accept-encoding');
  const coding = negotiateEncoding(accept.length === 0 ? null : accept.join(', '), encodings);
  if (coding === null || coding === 'identity') return { ...response, headers: lines };
  const headers: FieldLine[] = [];
  for (const line of lines) {
    const lower = line[0].toLowerCase();
    if (lower === 'content-length') continue;
    if (lower === 'etag' && !line[1].startsWith('W/')) headers.push([line[0], `W/${line[1]}`]);
    else headers.push(line);
  }
  headers.push(['Content-Encoding', coding]);
  const coded = through(bytesOf(body), encoder(coding as ContentCoding));
  const inMemory = typeof body === 'string' || body instanceof Uint8Array || Array.isArray(body);
  if (!inMemory) return { ...response, headers, body: coded };
  // A body already in memory: its compressed form is smaller, and keeps a Content-Length.
  const parts: Uint8Array[] = [];
  for await (const part of coded) parts.push(part);
  return { ...response, headers, body: Buffer.concat(parts) };
}

/** Adds Accept-Encoding to Vary, unless it is there or Vary is `*`. */
function addVary(lines: FieldLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    const [name, value] = lines[i]!;
    if (name.toLowerCase() !== 'vary') continue;
    const members = listMembers(value);
    if (members.includes('*') || members.includes('accept-encoding')) return;
    lines[i] = [name, value === '' ? 'Accept-Encoding' : `${value}, Accept-Encoding`];
    return;
  }
  lines.push(['Vary', 'Accept-Encoding']);
}

/** The body's length when it is known before it is sent; null for a stream without one. */
function knownLength(body: OutgoingBody): number | null {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof Uint8Array) return body.length;
  if (Array.isArray(body)) return ioListLength(body as IoList);
  if (body instanceof Body || body instanceof BodyIter) return body.length;
  return null;
}

function ioListLength(list: IoList): number {
  let n = 0;
  for (const item of list) n += typeof item === 'string' ? Buffer.byteLength(item, 'utf8') : item instanceof Uint8Array ? item.length : ioListLength(item as IoList);
  return n;
}

/** The body's bytes, as a stream pulled as zlib takes them. */
async function* bytesOf(body: OutgoingBody): AsyncGenerator<Uint8Array> {
  if (typeof body === 'string') yield Buffer.from(body, 'utf8');
  else if (body instanceof Uint8Array) yield body;
  else if (Array.isArray(body)) yield* ioListBytes(body as IoList);
  else if (body instanceof Body) yield* body;
  else {
    const source = body instanceof BodyIter ? body.source : (body as AsyncIterable<Uint8Array | string>);
    for await (const piece of source) yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
  }
}

function* ioListBytes(list: IoList): Generator<Uint8Array> {
  for (const item of list) {
    if (typeof item === 'string') yield Buffer.from(item, 'utf8');
    else if (item instanceof Uint8Array) yield item;
    else yield* ioListBytes(item as IoList);
  }
}
