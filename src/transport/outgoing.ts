// Sending a message over a protocol Connection: the head's field lines from the program's
// headers and body, and the body written with backpressure. The framing follows the body
// (Content-Length when known, else chunked, else to the close), and headers that say
// otherwise are refused rather than sent: the peer must never see a message that lies.
// An iolist is planned by iolist.ts and written here in one corked write.

import type { Socket } from 'node:net';
import { Fields, ProtocolError, expectsContinue, type Connection, type FieldLine, type FieldsInit } from '../protocol/index.js';
import { Body, BodyIter, ChunkedBody, ChunkedBodyIter, type IoList, type LastChunk, type OutgoingBody, type OutgoingChunk } from './body.js';
import { WarrenError } from './errors.js';
import { lowerToken } from '../protocol/syntax.js';
import { JOIN_BYTES, ioListPlan } from './iolist.js';

/** Headers as a program gives them: a record (lowercase or not; undefined values are left out), field lines, or Fields. */
export type HeadersInit = Readonly<Record<string, string | number | readonly string[] | undefined>> | FieldsInit;

/** How the body goes out. */
export type BodyPlan =
  | { readonly kind: 'bytes'; readonly data: Uint8Array | null }
  | { readonly kind: 'pieces'; readonly data: readonly Uint8Array[]; readonly length: number }
  | { readonly kind: 'stream'; readonly body: Body | BodyIter }
  | { readonly kind: 'chunked'; readonly body: Body | ChunkedBody | ChunkedBodyIter; readonly toClose: boolean };

/**
 * Writes `chunks` to `socket` in as few syscalls as is cheap: small ones joined into one
 * buffer, large ones corked together. Returns what socket.write() says about backpressure.
 */
export function writeChunks(socket: Socket, chunks: readonly Uint8Array[], what: string): boolean {
  if (socket.destroyed) throw new WarrenError('connection-closed', `the connection closed while the ${what} was written`);
  if (chunks.length === 0) return !socket.writableNeedDrain;
  if (chunks.length === 1) return socket.write(chunks[0]!);
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  if (total <= JOIN_BYTES) return socket.write(Buffer.concat(chunks as Uint8Array[], total));
  socket.cork();
  let ok = true;
  for (const chunk of chunks) ok = socket.write(chunk);
  socket.uncork();
  return ok;
}

/**
 * Null when `socket` takes writes now (a 'drain' that came while the writer awaited its
 * body never comes again); else a promise of the next 'drain', which fails when the
 * socket closes first. Listens only while waited on, so a caller arms a deadline only
 * for a real wait.
 */
export function drained(socket: Socket, what: string): Promise<void> | null {
  if (!socket.writableNeedDrain && !socket.destroyed) return null;
  const closed = (): WarrenError => new WarrenError('connection-closed', `the connection closed while the ${what} was written`);
  if (socket.destroyed) return Promise.reject(closed());
  return new Promise((resolve, reject) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      if (socket.destroyed) reject(closed());
      else resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Holds `socket`'s writes until the end of this tick, so that what is written meanwhile leaves in one writev. */
export function corkForTick(socket: Socket): void {
  // writeChunks() uncorks before it returns: a cork still in place is this one.
  if (socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  process.nextTick(uncork, socket);
}

const uncork = (socket: Socket): void => socket.uncork();


/** Writes bytes to the peer; false asks the writer to wait for drain() before more. */
export interface Sink {
  write(chunks: Uint8Array[]): boolean;
  drain(): Promise<void>;
}

const EMPTY_PLAN: BodyPlan = { kind: 'bytes', data: null };

/**
 * The field lines to send, how to send the body, and whether Host and Expect: 100-continue
 * are among them.
 * `chunkedOk`: the peer reads chunked (HTTP/1.1); when it does not, a chunked body goes
 * to the close instead. `emptyIsZero`: a null body is a body of length 0 and says so; when false (HEAD, 204, 304, a GET), a
 * null body adds no framing and a Content-Length given is left alone, as the length of
 * the representation (RFC 9110 §8.6).
 */
export function prepare(
  headers: HeadersInit | undefined,
  body: OutgoingBody,
  chunkedOk: boolean,
  emptyIsZero: boolean,
): { fields: FieldLine[]; plan: BodyPlan; host: boolean; expectContinue: boolean } {
  const fields = toLines(headers);
  let length: number | null;
  let plan: BodyPlan;
  if (body === null || body === undefined) {
    plan = EMPTY_PLAN;
    length = 0;
  } else if (typeof body === 'string') {
    const data = Buffer.from(body, 'utf8');
    plan = { kind: 'bytes', data };
    length = data.length;
  } else if (body instanceof Uint8Array) {
    plan = { kind: 'bytes', data: body };
    length = body.length;
  } else if (Array.isArray(body)) {
    const list = ioListPlan(body as IoList);
    plan = list;
    length = list.kind === 'bytes' ? list.data!.length : list.length;
  } else if ((body instanceof Body && body.length !== null) || body instanceof BodyIter) {
    plan = { kind: 'stream', body };
    length = body.length;
  } else if (body instanceof Body || body instanceof ChunkedBody || body instanceof ChunkedBodyIter) {
    // A body read to its close has no known length: it goes on chunked (or to the close).
    plan = { kind: 'chunked', body, toClose: !chunkedOk };
    length = null;
  } else if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    // A plain stream of bytes has no known length: each piece becomes a chunk.
    const pieces = body as AsyncIterable<Uint8Array | string>;
    plan = { kind: 'chunked', body: new ChunkedBodyIter((async function* () { for await (const data of pieces) yield { data }; })()), toClose: !chunkedOk };
    length = null;
  } else {
    const hint = isPlainObject(body) ? ': for JSON, return json(value) from warren/app, or give JSON.stringify(value) as the body' : '';
    throw new WarrenError('misuse', `a body is null, a string, a Uint8Array, an iolist (array) of them, an incoming body, a BodyIter, a ChunkedBodyIter or an async iterable of Uint8Array or string; got ${describe(body)}${hint}`);
  }
  let givenLength: string | null = null;
  let givenCoding: string | null = null;
  let host = false;
  let expectContinue = false;
  for (const [name, value] of fields) {
    // A name that is not a string or not a token is refused with its reason by the serializer.
    const lower = typeof name === 'string' ? lowerToken(name) : null;
    if (lower === 'content-length') givenLength = value;
    else if (lower === 'transfer-encoding') givenCoding = value;
    else if (lower === 'host') host = true;
    else if (lower === 'expect' && typeof value === 'string') expectContinue ||= expectsContinue(value);
  }
  if (length !== null) {
    if (givenCoding !== null) throw conflict(`Transfer-Encoding: ${givenCoding} is set, but the body has a known length of ${length}`);
    const free = plan === EMPTY_PLAN && !emptyIsZero;
    if (givenLength === null) {
      if (!free) fields.push(['Content-Length', String(length)]);
    } else if (givenLength !== String(length) && !free) {
      throw conflict(`Content-Length: ${givenLength} is set, but the body is ${length} bytes`);
    }
  } else {
    if (givenLength !== null) throw conflict(`Content-Length: ${givenLength} is set on a chunked body`);
    if (givenCoding !== null && givenCoding.toLowerCase() !== 'chunked') throw conflict(`Transfer-Encoding: ${givenCoding}: warren writes chunked only`);
    if (givenCoding === null && chunkedOk) fields.push(['Transfer-Encoding', 'chunked']);
    // An HTTP/1.0 peer reads the body to the close: a chunked coding given (a proxied response's) goes.
    if (givenCoding !== null && !chunkedOk) fields.splice(fields.findIndex(([name]) => name.toLowerCase() === 'transfer-encoding'), 1);
  }
  return { fields, plan, host, expectContinue };
}

/** Headers as field lines; a record's arrays become one line per value (set-cookie). */
export function toLines(headers: HeadersInit | undefined): FieldLine[] {
  if (headers === undefined || headers === null) return [];
  if (headers instanceof Fields) return headers.raw();
  if (Array.isArray(headers)) return (headers as readonly FieldLine[]).slice();
  if (typeof headers !== 'object' || (!isPlainObject(headers) && typeof (headers as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function')) {
    // A Headers or a Map has no own enumerable names: read as a record, it would send none.
    const hint = typeof headers === 'object' ? ` ([...headers] makes pairs of a ${(headers as object).constructor?.name ?? 'Map'})` : '';
    throw new WarrenError('misuse', `headers are a record of name to value, [name, value] pairs or Fields; got ${describe(headers)}${hint}`);
  }
  // Own names only (a name added to Object.prototype must not become a field line), and
  // Object.keys() with a loop costs a third of Object.entries() per record.
  const record = headers as Record<string, string | number | readonly string[] | undefined>;
  const names = Object.keys(record);
  const out: FieldLine[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = record[name];
    if (typeof value === 'string') out.push([name, value]);
    else if (value === undefined) continue;
    else if (Array.isArray(value)) for (const v of value as readonly string[]) out.push([name, v]);
    else if (typeof value === 'number') out.push([name, String(value)]);
    else throw new WarrenError('misuse', `header ${JSON.stringify(name)} is ${describe(value)}: header values are strings, numbers or arrays of strings (leave the header out, or undefined, to send none)`);
  }
  return out;
}

/**
 * The body to give the core with the head (a WholeBody), when the whole of it is at hand;
 * undefined for a stream, which writeMessage() sends after the head.
 */
export function bodyWithHead(plan: BodyPlan): Uint8Array | null | undefined {
  return plan.kind === 'bytes' ? plan.data : undefined;
}

/**
 * Writes the head bytes and the body through `conn` to `sink`. When the head was sent with
 * bodyWithHead(plan), its bytes hold the whole message; streams wait for the sink to drain.
 */
export function writeMessage(conn: Connection, head: Uint8Array[], plan: BodyPlan, sink: Sink): void | Promise<void> {
  if (plan.kind === 'bytes') {
    sink.write(head);
    return;
  }
  if (plan.kind === 'pieces') return writePieces(conn, head, plan.data, sink);
  return writeStream(conn, head, plan, sink);
}

/** As writeMessage(), for a head sent without its body (a client's, held for 100 Continue): the body follows it. */
export function writeBody(conn: Connection, head: Uint8Array[], plan: BodyPlan, sink: Sink): void | Promise<void> {
  if (plan.kind === 'pieces') return writePieces(conn, head, plan.data, sink);
  if (plan.kind !== 'bytes') return writeStream(conn, head, plan, sink);
  if (plan.data !== null && plan.data.length > 0) head.push(...conn.send({ type: 'data', data: plan.data }));
  head.push(...conn.send({ type: 'end-of-message' }));
  sink.write(head);
}

/** An iolist's pieces after its head, all in one write: writeChunks() corks them into one writev. */
function writePieces(conn: Connection, head: Uint8Array[], pieces: readonly Uint8Array[], sink: Sink): void {
  for (const data of pieces) head.push(...conn.send({ type: 'data', data }));
  head.push(...conn.send({ type: 'end-of-message' }));
  sink.write(head);
}

async function writeStream(conn: Connection, head: Uint8Array[], plan: Exclude<BodyPlan, { kind: 'bytes' | 'pieces' }>, sink: Sink): Promise<void> {
  let pending = sink.write(head);
  // A peer that cannot read chunked (HTTP/1.0) gets the data to the close, without extensions or trailers.
  const bare = plan.kind === 'chunked' && plan.toClose;
  const put = async (chunks: Uint8Array[]): Promise<void> => {
    if (!pending) await sink.drain();
    pending = chunks.length === 0 ? true : sink.write(chunks);
  };
  const body = plan.body;
  if (body instanceof Body || body instanceof ChunkedBody) {
    // Passing an incoming body through: every piece, extension and trailer as it came.
    for (;;) {
      let piece = body.pull();
      if (piece instanceof Promise) piece = await piece;
      if (piece.type === 'end-of-message') {
        await put(conn.send(bare ? { type: 'end-of-message' } : { type: 'end-of-message', extensions: piece.extensions, trailers: piece.trailers }));
        return;
      }
      await put(conn.send({ type: 'data', data: piece.data, extensions: bare ? null : piece.extensions }));
    }
  }
  if (body instanceof BodyIter) {
    for await (const data of bodyIterBytes(body)) await put(conn.send({ type: 'data', data }));
    await put(conn.send({ type: 'end-of-message' }));
    return;
  }
  let last: LastChunk | null = null;
  for await (const item of body.source as AsyncIterable<OutgoingChunk | LastChunk>) {
    if (last !== null) throw new WarrenError('misuse', 'a ChunkedBodyIter source gave a chunk after its last chunk { trailers }');
    if (item === null || typeof item !== 'object') throw new WarrenError('misuse', `a ChunkedBodyIter source yields { data, extensions? } chunks; got ${describe(item)}`);
    if (item.data === undefined) {
      last = item;
      continue;
    }
    const data = toBytes(item.data);
    if (data.length === 0) {
      // A zero-size chunk is the last chunk (RFC 9112 §7.1): an empty one in the middle says nothing.
      if ((item.extensions?.length ?? 0) > 0) throw new WarrenError('misuse', 'an empty chunk cannot carry extensions: give them to the last chunk, { extensions, trailers }');
      continue;
    }
    await put(conn.send({ type: 'data', data, extensions: bare ? null : (item.extensions ?? []) }));
  }
  const trailers = last?.trailers;
  await put(
    conn.send(
      bare
        ? { type: 'end-of-message' }
        : {
            type: 'end-of-message',
            extensions: last?.extensions ?? null,
            trailers: trailers === undefined || trailers === null ? null : toLines(trailers as HeadersInit),
          },
    ),
  );
}

/** A BodyIter's items as bytes, checked against its length: a source that gives more, or ends with fewer, is a misuse. */
export async function* bodyIterBytes(body: BodyIter): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const item of body.source) {
    const data = toBytes(item);
    sent += data.length;
    if (sent > body.length) throw new WarrenError('misuse', `the BodyIter source gave more than its length of ${body.length} bytes`);
    yield data;
  }
  if (sent < body.length) throw new WarrenError('misuse', `the BodyIter source ended after ${sent} of its ${body.length} bytes`);
}

/** A body item's bytes (a string is UTF-8); a misuse for anything else. */
export function toBytes(item: Uint8Array | string): Uint8Array {
  if (typeof item === 'string') return Buffer.from(item, 'utf8');
  if (item instanceof Uint8Array) return item;
  throw new WarrenError('misuse', `a body stream yields Uint8Array or string; got ${describe(item)}`);
}

function conflict(message: string): ProtocolError {
  return new ProtocolError('framing-conflict', 'local', `${message}: leave framing fields to warren, or make them match the body`);
}

/**
 * What a misused value is, for a message that names it: "null", "the string \"200\"",
 * "the number 5", "a plain object", "an array", "a Headers".
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return `the ${typeof value} ${String(value)}`;
    case 'function':
      return value.name === '' ? 'a function' : `the function ${value.name}`;
  }
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'a plain object';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== 'string' || name === '') return 'an object';
  return `${/^[AEIOUaeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
