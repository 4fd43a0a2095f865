// toFetch(): a warren App as a fetch-style handler, (request: Request) => Promise<Response>,
// called in-process with no socket: the Request becomes a ServerRequest (origin-form
// target, Host from the URL) whose body is a warren Body over the Request's stream, read
// only as the app reads; the AppResponse, checked and framed as the server would (every
// OutgoingBody form), becomes a Response whose stream pulls from the app's body on demand.

import { Fields, responseHasBody, type DataEvent, type EndOfMessageEvent, type FieldLine } from '../protocol/index.js';
import type { Address } from '../transport/address.js';
import { Body, BodyIter, ChunkedBody, ChunkedBodyIter, bodies, type BodySource, type LastChunk, type OutgoingChunk } from '../transport/body.js';
import { WarrenError } from '../transport/errors.js';
import { bodyIterBytes, describe, prepare, toBytes, type BodyPlan } from '../transport/outgoing.js';
import type { App } from './app.js';
import { checkResponse } from './check-response.js';
import { ServerRequest } from './request.js';
import { Session } from './session.js';

/** Options of toFetch(). */
export interface ToFetchOptions {
  /** The peer the app's Session shows (there is no socket). Default ['127.0.0.1', 0]: loopback, no port. */
  readonly address?: Address;
}

const LOOPBACK: Address = Object.freeze(['127.0.0.1', 0] as const);

// Fetch's null body statuses (WHATWG Fetch): a Response with one of these cannot have a body.
const NULL_BODY = new Set([204, 205, 304]);

type Piece = DataEvent | EndOfMessageEvent;
const END: EndOfMessageEvent = Object.freeze({ type: 'end-of-message', extensions: null, trailers: null });

/**
 * A fetch-style handler that calls `app` in-process: `hono.mount('/old', toFetch(app))`,
 * or an app tested with Requests. Each call is a connection of its own (a new Session,
 * without TLS; onConnect is not called, as there is no socket). A throw or a response that
 * is not an AppResponse rejects the promise.
 */
export function toFetch(app: App, options: ToFetchOptions = {}): (request: Request) => Promise<Response> {
  if (typeof app !== 'function') throw new WarrenError('misuse', `toFetch(app) takes a warren app (session, request, bodies) => response; got ${describe(app)}`);
  const address = options.address ?? LOOPBACK;
  return async (request: Request): Promise<Response> => {
    if (!(request instanceof Request)) throw new WarrenError('misuse', `the handler from toFetch() takes a Request; got ${describe(request)}`);
    const url = new URL(request.url);
    const lines: FieldLine[] = [['host', url.host]];
    for (const [name, value] of request.headers) if (name !== 'host') lines.push([name, value]);
    let body: Body | ChunkedBody | null = null;
    const stream = request.body;
    if (stream !== null) {
      const given = request.headers.get('content-length');
      const length = given !== null && /^[0-9]+$/.test(given) ? Number(given) : null;
      const source = new StreamSource(stream.getReader(), length);
      if (length !== null && Number.isSafeInteger(length)) body = new Body(source, length);
      else {
        body = new ChunkedBody(source);
        lines.push(['transfer-encoding', 'chunked']);
      }
    }
    const serverRequest = new ServerRequest(request.method, url.pathname + url.search, '1.1', new Fields(lines), body);
    const response: unknown = await app(new Session(address), serverRequest, bodies);
    checkResponse(response);
    const status = response.status;
    const sendsBody = responseHasBody(request.method, status) && !NULL_BODY.has(status);
    const prepared = prepare(response.headers, response.body, true, sendsBody);
    const headers = new Headers();
    // The Response carries no framing of its own: Content-Length stays, as a length; chunked is warren's wire form.
    for (const [name, value] of prepared.fields) if (name.toLowerCase() !== 'transfer-encoding') headers.append(name, value);
    return new Response(sendsBody ? responseBody(prepared.plan) : null, { status, statusText: response.reason ?? '', headers });
  };
}

/** A warren body source over a Request's stream: a piece per read, empty reads skipped, the length held to. */
class StreamSource implements BodySource {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #length: number | null;
  #received = 0;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>, length: number | null) {
    this.#reader = reader;
    this.#length = length;
  }

  async next(): Promise<Piece> {
    for (;;) {
      const result = await this.#reader.read();
      if (result.done) {
        if (this.#length !== null && this.#received < this.#length) {
          throw new WarrenError('connection-closed', `the Request body ended after ${this.#received} of its Content-Length ${this.#length} bytes`);
        }
        return END;
      }
      const data = result.value;
      if (!(data instanceof Uint8Array)) throw new WarrenError('misuse', `a Request body stream yields Uint8Array; got ${describe(data)}`);
      if (data.length === 0) continue;
      this.#received += data.length;
      if (this.#length !== null && this.#received > this.#length) {
        throw new WarrenError('body-too-large', `the Request body is longer than its Content-Length ${this.#length}`);
      }
      // Without a length each read is a chunk of a chunked body.
      return this.#length === null ? { type: 'data', data, extensions: [], chunkEnd: true } : { type: 'data', data, extensions: null, chunkEnd: false };
    }
  }
}

/** The Response body for a plan: bytes as they are, a stream pulled one piece per read. */
function responseBody(plan: BodyPlan): Uint8Array | ReadableStream<Uint8Array> | null {
  switch (plan.kind) {
    case 'bytes':
      return plan.data;
    case 'pieces':
      return Buffer.concat(plan.data as Uint8Array[], plan.length);
    case 'stream':
    case 'chunked':
      return iterableStream(pieces(plan.body));
  }
}

/** The data of any streamed OutgoingBody, as Uint8Array pieces (chunk extensions and trailers have no place in a Response). */
async function* pieces(body: Body | ChunkedBody | BodyIter | ChunkedBodyIter): AsyncGenerator<Uint8Array> {
  if (body instanceof Body || body instanceof ChunkedBody) {
    for (;;) {
      let piece = body.pull();
      if (piece instanceof Promise) piece = await piece;
      if (piece.type === 'end-of-message') return;
      yield piece.data;
    }
  }
  if (body instanceof BodyIter) {
    yield* bodyIterBytes(body);
    return;
  }
  for await (const item of body.source as AsyncIterable<OutgoingChunk | LastChunk>) {
    if (item === null || typeof item !== 'object') throw new WarrenError('misuse', `a ChunkedBodyIter source yields { data, extensions? } chunks; got ${describe(item)}`);
    if (item.data === undefined) return;
    yield toBytes(item.data);
  }
}

/** A ReadableStream that pulls `source` once per read; a cancel returns the iterator (its finally blocks run). */
function iterableStream(source: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await source.next();
        if (done) controller.close();
        else if (value.length > 0) controller.enqueue(value);
      },
      async cancel() {
        await source.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

