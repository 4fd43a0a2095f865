// Property tests of the protocol core: what one role serializes the other role parses
// back to the same message (both roles, whole and split receives, pipelining); garbage
// and mutated messages fail with a ProtocolError and bounded buffering; strings that
// could inject a line into a head are refused without changing the connection.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';

import { Connection } from './connection.js';
import { ProtocolError } from './errors.js';
import type {
  ChunkExtension,
  EndOfMessageEvent,
  HttpVersion,
  InformationalEvent,
  NoEvent,
  ReceivedEvent,
  RequestEvent,
  ResponseEvent,
  SendEvent,
} from './events.js';
import { Fields, type FieldLine } from './fields.js';
import type { Framing } from './framing.js';
import { DEFAULT_LIMITS } from './limits.js';
import { reasonPhrase } from './status.js';

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

const TCHARS = [..."!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"];

const token = (maxLength = 12): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength });

const charIn = (lo: number, hi: number): fc.Arbitrary<string> => fc.integer({ min: lo, max: hi }).map((c) => String.fromCharCode(c));

/** A latin1 char allowed in a field value, reason phrase or quoted string: HTAB, SP, VCHAR, obs-text. */
const textChar = fc.oneof(
  { weight: 1, arbitrary: fc.constant('\t') },
  { weight: 10, arbitrary: charIn(0x20, 0x7e) },
  { weight: 2, arbitrary: charIn(0x80, 0xff) },
);
const text = (maxLength = 24): fc.Arbitrary<string> => fc.string({ unit: textChar, maxLength });
const trimOws = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

/** Names that change framing or the connection: only added on purpose. */
const RESERVED = new Set(['content-length', 'transfer-encoding', 'connection', 'host', 'upgrade', 'expect', 'te', 'trailer', 'keep-alive']);

const fieldName = token(16).filter((name) => !RESERVED.has(name.toLowerCase()));
const fieldValue = text(32).map(trimOws);
const fieldLine: fc.Arbitrary<FieldLine> = fc.tuple(fieldName, fieldValue);
const fieldLines = (maxLength = 10): fc.Arbitrary<FieldLine[]> => fc.array(fieldLine, { maxLength });

const method = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
  token(10).filter((m) => m !== 'CONNECT'),
);
const target = fc.string({ unit: charIn(0x21, 0x7e), maxLength: 40 }).map((s) => `/${s}`);
const hostValue = fc.stringMatching(/^[a-z0-9.-]{1,20}(:[0-9]{1,5})?$/);

/** A chunk extension: a bare name, name=token, or name="anything latin1 but controls" (quoted on the wire). */
const extension: fc.Arbitrary<ChunkExtension> = fc.tuple(token(8), fc.oneof(fc.constant(null), token(8), text(16)));
const extensions = fc.array(extension, { maxLength: 3 });

interface Chunk {
  readonly data: Uint8Array;
  readonly extensions: ChunkExtension[];
}

/** How a body is framed: `close` (until the connection closes) is for responses only. */
type BodyKind = 'none' | 'fixed' | 'chunked' | 'close';

interface BodySpec {
  readonly kind: BodyKind;
  /** Data pieces, each one `send({ type: 'data' })`; extensions only matter when chunked. */
  readonly chunks: Chunk[];
  readonly lastExtensions: ChunkExtension[];
  readonly trailers: FieldLine[];
  /** The framing field lines that go with the kind (Content-Length, Transfer-Encoding). */
  readonly framing: FieldLine[];
}

const contentLengthName = fc.constantFrom('Content-Length', 'content-length', 'CONTENT-LENGTH');
const transferEncoding: fc.Arbitrary<FieldLine> = fc.tuple(
  fc.constantFrom('Transfer-Encoding', 'transfer-encoding'),
  fc.constantFrom('chunked', 'Chunked', 'CHUNKED'),
);
/** Body bytes: mostly small, sometimes over 4 KiB (a chunk size of four hex digits). */
const bytes = (minLength: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof({ weight: 8, arbitrary: fc.uint8Array({ minLength, maxLength: 48 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength, maxLength: 5000 }) });
const piece = (minLength: number): fc.Arbitrary<Chunk> => bytes(minLength).map((data) => ({ data, extensions: [] }));

function totalLength(chunks: readonly Chunk[]): number {
  return chunks.reduce((n, c) => n + c.data.length, 0);
}

/**
 * A body of one of `kinds`. `none` is either no framing field or Content-Length: 0,
 * except where `noneNeedsLength` (responses: no field would mean close-delimited).
 */
function body(kinds: readonly BodyKind[], noneNeedsLength = false): fc.Arbitrary<BodySpec> {
  const empty = { chunks: [], lastExtensions: [], trailers: [] };
  const arbs: Record<BodyKind, fc.Arbitrary<BodySpec>> = {
    none: fc.tuple(fc.boolean(), contentLengthName).map(([withLength, name]) => ({
      kind: 'none' as const,
      ...empty,
      framing: withLength || noneNeedsLength ? [[name, '0'] as const] : [],
    })),
    fixed: fc.tuple(fc.array(piece(0), { maxLength: 5 }), contentLengthName).map(([chunks, name]) => ({
      kind: 'fixed' as const,
      ...empty,
      chunks,
      framing: [[name, String(totalLength(chunks))] as const],
    })),
    chunked: fc
      .record({
        chunks: fc.array(fc.record({ data: bytes(1), extensions }), { maxLength: 5 }),
        lastExtensions: extensions,
        trailers: fieldLines(3),
        te: transferEncoding,
      })
      .map(({ te, ...rest }) => ({ kind: 'chunked' as const, ...rest, framing: [te] })),
    close: fc.array(piece(0), { maxLength: 5 }).map((chunks) => ({ kind: 'close' as const, ...empty, chunks, framing: [] })),
  };
  return fc.oneof(...kinds.map((k) => arbs[k]));
}

/** Inserts `extra` lines into `lines` at positions drawn from `at`. */
function insertLines(lines: readonly FieldLine[], extra: readonly FieldLine[], at: readonly number[]): FieldLine[] {
  const out = [...lines];
  extra.forEach((line, i) => out.splice((at[i] ?? 0) % (out.length + 1), 0, line));
  return out;
}

interface RequestSpec {
  readonly method: string;
  readonly target: string;
  readonly version: HttpVersion;
  /** Every field line as sent, Host and framing included. */
  readonly fields: FieldLine[];
  readonly body: BodySpec;
  /** Send the head fields as a Fields instance rather than an array. */
  readonly asFields: boolean;
}

/** A valid request; chunked bodies are HTTP/1.1 only, and 1.1 always has a Host. */
function request(opts: { versions?: readonly HttpVersion[]; methods?: fc.Arbitrary<string> } = {}): fc.Arbitrary<RequestSpec> {
  return fc
    .record({
      method: opts.methods ?? method,
      target,
      version: fc.constantFrom(...(opts.versions ?? ['1.1', '1.0'])),
      fields: fieldLines(),
      host: fc.tuple(fc.constantFrom('Host', 'host', 'HOST'), hostValue),
      hostIn10: fc.boolean(),
      at: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
      body: body(['none', 'fixed', 'chunked']),
      asFields: fc.boolean(),
    })
    .map(({ host, hostIn10, at, body, ...r }) => {
      const v: HttpVersion = body.kind === 'chunked' ? '1.1' : r.version;
      const extra: FieldLine[] = [...(v === '1.1' || hostIn10 ? [host] : []), ...body.framing];
      return { ...r, version: v, fields: insertLines(r.fields, extra, at), body };
    });
}

interface HeadSpec {
  readonly status: number;
  /** null: send none and expect the registered phrase. */
  readonly reason: string | null;
  readonly fields: FieldLine[];
}

interface ResponseSpec extends HeadSpec {
  readonly informationals: HeadSpec[];
  readonly body: BodySpec;
  readonly asFields: boolean;
}

const reason = fc.option(text(), { nil: null });
const finalStatus = fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304);
const informational: fc.Arbitrary<HeadSpec> = fc.record({
  status: fc.integer({ min: 100, max: 199 }).filter((s) => s !== 101),
  reason,
  fields: fieldLines(4),
});

/** A valid final response with a body (no 204/304), 0-2 informational responses before it. */
function response(kinds: readonly BodyKind[] = ['none', 'fixed', 'chunked', 'close']): fc.Arbitrary<ResponseSpec> {
  return fc
    .record({
      status: finalStatus,
      reason,
      fields: fieldLines(),
      at: fc.nat(),
      body: body(kinds, true),
      informationals: fc.array(informational, { maxLength: 2 }),
      asFields: fc.boolean(),
    })
    .map(({ at, body, ...r }) => ({ ...r, body, fields: insertLines(r.fields, body.framing, [at]) }));
}

/** The same response made fit for an HTTP/1.0 client: no 1xx, and a chunked body sent with Content-Length. */
function forVersion(spec: ResponseSpec, v: HttpVersion): ResponseSpec {
  if (v === '1.1') return spec;
  if (spec.body.kind !== 'chunked') return { ...spec, informationals: [] };
  const length: FieldLine = ['Content-Length', String(totalLength(spec.body.chunks))];
  return {
    ...spec,
    informationals: [],
    fields: spec.fields.map((line) => (line === spec.body.framing[0] ? length : line)),
    body: { kind: 'fixed', chunks: spec.body.chunks.map((c) => ({ ...c, extensions: [] })), lastExtensions: [], trailers: [], framing: [length] },
  };
}

/** How received bytes are cut: at these offsets (taken modulo the length), or one byte at a time. */
type Split = readonly number[] | 'bytewise';
const split: fc.Arbitrary<Split> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('bytewise' as const) },
  { weight: 6, arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }) },
);

// ---------------------------------------------------------------------------------------
// Driving connections
// ---------------------------------------------------------------------------------------

/** A string of chars up to U+00FF as the bytes a head is made of. */
const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function cut(bytes: Uint8Array, how: Split | null): Uint8Array[] {
  if (how === null) return [bytes];
  if (how === 'bytewise') return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  const points = [...new Set(how.map((i) => i % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

const MAX_STEPS = 100_000;

/** Collects events until the connection wants bytes ('need-data'), action ('paused') or closed. */
function drain(conn: Connection, into: ReceivedEvent[]): NoEvent | 'closed' {
  for (let i = 0; i < MAX_STEPS; i++) {
    const event = conn.nextEvent();
    if (event === 'need-data' || event === 'paused') return event;
    into.push(event);
    if (event.type === 'connection-closed') return 'closed';
  }
  throw new Error(`nextEvent() gave ${MAX_STEPS} events without stopping`);
}

/** Feeds `bytes` cut by `how`, draining after each piece; `onPaused` may act and let it continue. */
function feed(conn: Connection, bytes: Uint8Array, how: Split | null, into: ReceivedEvent[], onPaused?: () => boolean): void {
  for (const part of cut(bytes, how)) {
    conn.receive(part);
    while (drain(conn, into) === 'paused' && onPaused?.() === true);
  }
}

function sendAll(conn: Connection, events: readonly SendEvent[]): Uint8Array {
  return concatAll(events.flatMap((e) => conn.send(e)));
}

/** The body events for `spec`; `noBody` (a response to HEAD, 204, 304) sends no chunk extensions or trailers. */
function bodyEvents(spec: BodySpec, noBody = false): SendEvent[] {
  const chunked = spec.kind === 'chunked' && !noBody;
  return [
    ...spec.chunks.map((c): SendEvent => ({ type: 'data', data: c.data, extensions: chunked ? c.extensions : null })),
    chunked ? { type: 'end-of-message', extensions: spec.lastExtensions, trailers: spec.trailers } : { type: 'end-of-message' },
  ];
}

function requestEvents(spec: RequestSpec): SendEvent[] {
  const fields = spec.asFields ? new Fields(spec.fields) : spec.fields;
  return [{ type: 'request', method: spec.method, target: spec.target, version: spec.version, fields }, ...bodyEvents(spec.body)];
}

function responseEvents(spec: ResponseSpec, noBody = false): SendEvent[] {
  const head = (h: HeadSpec) => (h.reason === null ? {} : { reason: h.reason });
  return [
    ...spec.informationals.map((i): SendEvent => ({ type: 'informational', status: i.status, ...head(i), fields: i.fields })),
    { type: 'response', status: spec.status, ...head(spec), fields: spec.asFields ? new Fields(spec.fields) : spec.fields },
    ...bodyEvents(spec.body, noBody),
  ];
}

// ---------------------------------------------------------------------------------------
// Assembling received events into messages, checking the event invariants on the way
// ---------------------------------------------------------------------------------------

interface ReceivedMessage {
  readonly informationals: InformationalEvent[];
  readonly head: RequestEvent | ResponseEvent;
  readonly body: Uint8Array;
  /** Per chunk: the extensions of its first data event and all its data. */
  readonly chunks: { extensions: readonly ChunkExtension[]; data: Uint8Array }[];
  readonly end: EndOfMessageEvent;
}

function assemble(events: readonly ReceivedEvent[]): ReceivedMessage[] {
  const out: ReceivedMessage[] = [];
  let informationals: InformationalEvent[] = [];
  let head: RequestEvent | ResponseEvent | null = null;
  let body: Uint8Array[] = [];
  let chunks: ReceivedMessage['chunks'] = [];
  let open: { extensions: readonly ChunkExtension[]; parts: Uint8Array[] } | null = null;
  for (const event of events) {
    switch (event.type) {
      case 'informational':
        assert.equal(head, null, 'an informational response inside a message');
        informationals.push(event);
        break;
      case 'request':
      case 'response':
        assert.equal(head, null, `a ${event.type} head inside a message`);
        head = event;
        break;
      case 'data':
        assert.notEqual(head, null, 'data outside a message');
        assert.ok(event.data.length > 0, 'a data event with no bytes');
        body.push(event.data);
        if (event.extensions !== null) {
          assert.equal(open, null, 'a data event with extensions in the middle of a chunk');
          open = { extensions: event.extensions, parts: [] };
        }
        if (open !== null) open.parts.push(event.data);
        else assert.equal(event.chunkEnd, false, 'chunkEnd on data that is not in a chunk');
        if (event.chunkEnd) {
          chunks.push({ extensions: open!.extensions, data: concatAll(open!.parts) });
          open = null;
        }
        break;
      case 'end-of-message':
        assert.notEqual(head, null, 'end-of-message outside a message');
        assert.equal(open, null, 'end-of-message in the middle of a chunk');
        out.push({ informationals, head: head!, body: concatAll(body), chunks, end: event });
        informationals = [];
        head = null;
        body = [];
        chunks = [];
        break;
      case 'connection-closed':
        assert.equal(head, null, 'connection-closed in the middle of a message');
        break;
    }
  }
  assert.equal(head, null, 'a message did not end');
  return out;
}

/** What a receiver sees of a body sent as `spec` (nothing when the message has no body). */
function checkBody(got: ReceivedMessage, spec: BodySpec, noBody = false): void {
  const chunked = spec.kind === 'chunked' && !noBody;
  assert.deepEqual(got.body, noBody ? new Uint8Array(0) : concatAll(spec.chunks.map((c) => c.data)), 'body bytes');
  assert.deepEqual(
    got.chunks.map((c) => [c.extensions, c.data]),
    chunked ? spec.chunks.map((c) => [c.extensions, c.data]) : [],
    'chunks and their extensions',
  );
  assert.deepEqual(got.end.extensions, chunked ? spec.lastExtensions : null, 'last-chunk extensions');
  assert.deepEqual(got.end.trailers?.raw() ?? null, chunked && spec.trailers.length > 0 ? spec.trailers : null, 'trailers');
}

/** The framing a receiver reports for a body sent as `spec`. */
function framingOf(spec: BodySpec, noBody = false): Framing {
  const length = totalLength(spec.chunks);
  if (noBody || spec.kind === 'none' || (spec.kind === 'fixed' && length === 0)) return { kind: 'none' };
  return spec.kind === 'fixed' ? { kind: 'length', length } : { kind: spec.kind };
}

function checkRequest(got: ReceivedMessage, spec: RequestSpec): void {
  assert.equal(got.head.type, 'request');
  const head = got.head as RequestEvent;
  assert.equal(head.method, spec.method);
  assert.equal(head.target, spec.target);
  assert.equal(head.version, spec.version);
  assert.deepEqual(head.fields.raw(), spec.fields);
  assert.deepEqual(head.framing, framingOf(spec.body));
  checkBody(got, spec.body);
}

/** The exchange a response answers: what decides its framing and its Connection field. */
interface Answering {
  readonly method: string;
  readonly version: HttpVersion;
}

function noBodyFor(req: Answering, status: number): boolean {
  return req.method === 'HEAD' || status === 204 || status === 304;
}

function checkResponse(got: ReceivedMessage, spec: ResponseSpec, req: Answering): void {
  assert.equal(got.head.type, 'response');
  const head = got.head as ResponseEvent;
  const reasonOf = (h: HeadSpec) => h.reason ?? reasonPhrase(h.status);
  assert.deepEqual(
    got.informationals.map((i) => [i.status, i.reason, i.version, i.fields.raw()]),
    spec.informationals.map((i) => [i.status, reasonOf(i), '1.1', i.fields]),
    'informational responses',
  );
  assert.equal(head.status, spec.status);
  assert.equal(head.reason, reasonOf(spec));
  assert.equal(head.version, req.version);
  const noBody = noBodyFor(req, spec.status);
  // The server adds Connection: close when the connection cannot persist after this response.
  const close = req.version === '1.0' || (spec.body.kind === 'close' && !noBody);
  assert.deepEqual(head.fields.raw(), close ? [...spec.fields, ['Connection', 'close']] : spec.fields);
  assert.deepEqual(head.framing, framingOf(spec.body, noBody));
  checkBody(got, spec.body, noBody);
}

/** What a proxy sends to pass on a message it received: its head, chunks and trailers as they came. */
function forwardEvents(msg: ReceivedMessage): SendEvent[] {
  const { head, end } = msg;
  const chunks = msg.chunks.length > 0 ? msg.chunks : msg.body.length > 0 ? [{ extensions: null, data: msg.body }] : [];
  return [
    ...msg.informationals.map((i): SendEvent => ({ type: 'informational', status: i.status, reason: i.reason, fields: i.fields })),
    head.type === 'request'
      ? { type: 'request', method: head.method, target: head.target, version: head.version, fields: head.fields }
      : { type: 'response', status: head.status, reason: head.reason, fields: head.fields },
    ...chunks.map((c): SendEvent => ({ type: 'data', data: c.data, extensions: c.extensions })),
    { type: 'end-of-message', extensions: end.extensions, trailers: end.trailers },
  ];
}

/** A server that has received `req` (bytes from a client that sent it) and is ready to answer. */
function exchangePair(req: RequestSpec): { client: Connection; server: Connection } {
  const client = new Connection('client');
  const server = new Connection('server');
  const events: ReceivedEvent[] = [];
  feed(server, sendAll(client, requestEvents(req)), null, events);
  checkRequest(assemble(events)[0]!, req);
  return { client, server };
}

/** Receives response bytes on `client`, closing first when the body runs to the close. */
function receiveResponses(client: Connection, bytes: Uint8Array, how: Split | null, close: boolean): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  feed(client, bytes, how, events);
  if (close) {
    client.receiveClose();
    drain(client, events);
  }
  return events;
}

/** Runs per property; WARREN_PROPERTY_SCALE=10 (say) multiplies them for a longer hunt. */
const SCALE = Number(process.env['WARREN_PROPERTY_SCALE'] ?? 1);
const RUNS = Object.fromEntries(
  Object.entries({ roundTrip: 1000, pipeline: 400, noBody: 600, garbage: 2000, truncation: 1000, buffering: 400, injection: 1000 }).map(([k, n]) => [k, Math.ceil(n * SCALE)]),
) as Record<'roundTrip' | 'pipeline' | 'noBody' | 'garbage' | 'truncation' | 'buffering' | 'injection', number>;
/** fc.assert parameters: a fixed number of runs, and the failing assertion in the report. */
const runs = (property: keyof typeof RUNS): fc.Parameters<unknown> => ({ numRuns: RUNS[property], includeErrorInReport: true });

// ---------------------------------------------------------------------------------------
// 1. Round trips
// ---------------------------------------------------------------------------------------

test('round trip: a request sent by a client is received unchanged by a server, whole and split', () => {
  fc.assert(
    fc.property(request(), split, (req, how) => {
      const bytes = sendAll(new Connection('client'), requestEvents(req));
      for (const cutting of [null, how]) {
        const server = new Connection('server');
        const events: ReceivedEvent[] = [];
        feed(server, bytes, cutting, events);
        const messages = assemble(events);
        assert.equal(messages.length, 1);
        checkRequest(messages[0]!, req);
        assert.equal(server.nextEvent(), 'paused', 'the server waits for its response');
        // Passed on as received (a proxy), it is the same bytes.
        assert.deepEqual(sendAll(new Connection('client'), forwardEvents(messages[0]!)), bytes, 'forwarded bytes');
      }
    }),
    runs('roundTrip'),
  );
});

test('round trip: a response sent by a server is received unchanged by the client that asked, whole and split', () => {
  const asking = request({ methods: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'), token(8).filter((m) => m !== 'HEAD' && m !== 'CONNECT')) });
  fc.assert(
    fc.property(asking, response(), split, (req, res, how) => {
      const spec = forVersion(res, req.version);
      for (const cutting of [null, how]) {
        const { client, server } = exchangePair(req);
        const bytes = sendAll(server, responseEvents(spec));
        const closes = spec.body.kind === 'close';
        const events = receiveResponses(client, bytes, cutting, closes);
        const messages = assemble(events);
        assert.equal(messages.length, 1);
        checkResponse(messages[0]!, spec, req);
        if (closes) assert.equal(events.at(-1)?.type, 'connection-closed');
        else assert.equal(client.nextEvent(), 'need-data');
        // Passed on as received (a proxy), it is the same bytes.
        assert.deepEqual(sendAll(exchangePair(req).server, forwardEvents(messages[0]!)), bytes, 'forwarded bytes');
      }
    }),
    runs('roundTrip'),
  );
});

/** A body given whole: its chunks joined, with no chunk extensions or trailers (a WholeBody has none). */
function wholeOf(spec: BodySpec): { body: Uint8Array | null; pieces: SendEvent[] } {
  const data = concatAll(spec.chunks.map((c) => c.data));
  const body = spec.chunks.length === 0 ? null : data;
  return { body, pieces: [...(data.length > 0 ? [{ type: 'data', data } as const] : []), { type: 'end-of-message' }] };
}

test('round trip: a message sent whole, body with head, is the bytes of its head, data and end sent one by one', () => {
  const asking = request({ methods: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT') });
  fc.assert(
    fc.property(asking, response(['none', 'fixed', 'chunked', 'close']), (req, res) => {
      const [head] = requestEvents(req) as [Extract<SendEvent, { type: 'request' }>];
      const { body, pieces } = wholeOf(req.body);
      const one = new Connection('client');
      const whole = one.send({ ...head, body });
      const apart = new Connection('client');
      assert.deepEqual(concatAll(whole), sendAll(apart, [head, ...pieces]));
      // A small message is one array: it leaves in one write.
      if (concatAll(whole).length <= 8192) assert.equal(whole.length, 1);
      assert.equal(one.ourState, apart.ourState);

      const spec = { ...forVersion(res, req.version), informationals: [] };
      const [final] = responseEvents(spec).filter((e) => e.type === 'response') as [Extract<SendEvent, { type: 'response' }>];
      const answer = wholeOf(spec.body);
      const server = exchangePair(req).server;
      const other = exchangePair(req).server;
      const sent = server.send({ ...final, body: answer.body });
      // A response to HEAD drops the body bytes, whole or not.
      assert.deepEqual(concatAll(sent), sendAll(other, [final, ...answer.pieces]));
      assert.equal(server.ourState, other.ourState);
      assert.equal(server.keepAlive, other.keepAlive);
    }),
    runs('roundTrip'),
  );
});

test('round trip: responses without a body (to HEAD, 204, 304) end at their head', () => {
  const headRequest = request({ methods: fc.constant('HEAD') });
  const getRequest = request({ methods: fc.constant('GET'), versions: ['1.1'] });
  const noBodyCase = fc.oneof(
    // HEAD: any status and framing fields; the body the server sends is dropped.
    fc.record({ req: headRequest, res: response() }),
    // 204: no framing fields at all; 304: may state the length it would have had.
    fc.record({
      req: getRequest,
      res: fc.record({
        status: fc.constantFrom(204, 304),
        reason,
        fields: fieldLines(),
        length: fc.option(fc.tuple(contentLengthName, fc.nat({ max: 1e9 }).map(String)), { nil: null }),
        informationals: fc.array(informational, { maxLength: 1 }),
        asFields: fc.boolean(),
      }).map(({ length, ...r }): ResponseSpec => ({
        ...r,
        fields: r.status === 304 && length !== null ? [...r.fields, length] : r.fields,
        body: { kind: 'none', chunks: [], lastExtensions: [], trailers: [], framing: [] },
      })),
    }),
  );
  const next = request({ methods: fc.constant('GET'), versions: ['1.1'] });
  fc.assert(
    fc.property(noBodyCase, next, response(['none', 'fixed', 'chunked']), split, ({ req, res }, req2, res2, how) => {
      const spec = forVersion(res, req.version);
      const { client, server } = exchangePair(req);
      const keepAlive = req.version === '1.1';
      // Over a persistent connection a second exchange follows: it must parse from the right byte.
      const bytes2 = keepAlive ? sendAll(client, requestEvents(req2)) : new Uint8Array(0);
      const parts = [sendAll(server, responseEvents(spec, true))];
      if (keepAlive) {
        const events: ReceivedEvent[] = [];
        feed(server, bytes2, null, events);
        checkRequest(assemble(events)[0]!, req2);
        parts.push(sendAll(server, responseEvents(res2)));
      }
      const messages = assemble(receiveResponses(client, concatAll(parts), how, false));
      assert.equal(messages.length, keepAlive ? 2 : 1);
      checkResponse(messages[0]!, spec, req);
      if (keepAlive) checkResponse(messages[1]!, res2, req2);
      assert.equal(client.nextEvent(), 'need-data');
    }),
    runs('noBody'),
  );
});

test('round trip: pipelined requests are received in order, one response between each', () => {
  const exchange = fc.record({
    req: request({ versions: ['1.1'] }),
    res: response(['none', 'fixed', 'chunked']),
  });
  fc.assert(
    fc.property(fc.array(exchange, { minLength: 2, maxLength: 5 }), split, split, (exchanges, how, howBack) => {
      const client = new Connection('client');
      const server = new Connection('server');
      // The client writes every request before any response comes back.
      const requestBytes = concatAll(exchanges.map(({ req }) => sendAll(client, requestEvents(req))));
      const events: ReceivedEvent[] = [];
      const answers: Uint8Array[] = [];
      feed(server, requestBytes, how, events, () => {
        const i = answers.length;
        const received = assemble(events);
        assert.equal(received.length, i + 1, `paused after request ${i + 1} has been received in full`);
        checkRequest(received[i]!, exchanges[i]!.req);
        answers.push(sendAll(server, responseEvents(exchanges[i]!.res, noBodyFor(exchanges[i]!.req, exchanges[i]!.res.status))));
        return true;
      });
      assert.equal(answers.length, exchanges.length, 'every request was received and answered');
      assert.equal(server.nextEvent(), 'need-data');
      const responses = assemble(receiveResponses(client, concatAll(answers), howBack, false));
      assert.equal(responses.length, exchanges.length);
      responses.forEach((got, i) => checkResponse(got, exchanges[i]!.res, exchanges[i]!.req));
      assert.equal(client.nextEvent(), 'need-data');
    }),
    runs('pipeline'),
  );
});

// ---------------------------------------------------------------------------------------
// 2. Garbage
// ---------------------------------------------------------------------------------------

/** Pieces of HTTP, so random sequences of them get past the first byte more often than noise. */
const FRAGMENTS = [
  'GET ', 'HEAD ', 'POST ', 'CONNECT ', 'OPTIONS ', '* ', '/ ', '/a?b ', 'a.b:80 ', 'http://x/ ', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0',
  'HTTP/1.1 ', '200 ', '101 ', '100 ', '204 ', '304 ', '999 ', 'OK', '\r\n', '\r', '\n', '\r\n\r\n', ' ', '\t', ':', ';', '=', '"', '\\',
  'Host: a', 'Host: ', 'Content-Length: ', 'Content-Length: 5', '0', '5', '12', 'ffffffffffffffffff', 'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked', 'Connection: close', 'Connection: keep-alive', 'Connection: upgrade', 'Upgrade: x',
  'Expect: 100-continue', 'Trailer: x', 'x: y', 'a', 'abc', '\x00', '\x7f', '\xff', ';ext="q\\"x"', 'hello',
];
const fragmentBytes = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 })
  .map((parts) => latin1Bytes(parts.join('')));

interface Mutation {
  readonly kind: 'flip' | 'insert' | 'delete';
  readonly at: number;
  readonly byte: number;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete'),
  at: fc.nat(),
  byte: fc.integer({ min: 1, max: 255 }),
});

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const out = [...bytes];
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    if (m.kind === 'insert') out.splice(at, 0, m.byte);
    else if (at < out.length && m.kind === 'delete') out.splice(at, 1);
    else if (at < out.length) out[at]! ^= m.byte;
  }
  return Uint8Array.from(out);
}

/** A client that has sent these requests (GET, HEAD or POST, no body) and now expects their responses. */
function askingClient(methods: readonly string[]): Connection {
  const client = new Connection('client');
  for (const method of methods) {
    client.send({ type: 'request', method, target: '/', fields: [['Host', 'a']] });
    client.send({ type: 'end-of-message' });
  }
  return client;
}

/** Valid response bytes to a GET, as a server writes them. */
function responseBytes(spec: ResponseSpec): Uint8Array {
  const server = new Connection('server');
  server.receive(latin1Bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
  drain(server, []);
  return sendAll(server, responseEvents(spec));
}

/** Random bytes, pieces of HTTP, or 1-3 valid messages in a row with a few bytes changed. */
const garbage = (role: 'client' | 'server'): fc.Arbitrary<Uint8Array> => {
  const valid = role === 'server' ? request().map((r) => sendAll(new Connection('client'), requestEvents(r))) : response().map(responseBytes);
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }) },
    { weight: 2, arbitrary: fragmentBytes },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.array(valid, { minLength: 1, maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 5 })).map(([messages, ms]) => mutate(concatAll(messages), ms)),
    },
  );
};

/** What a connection made of some bytes: events with split data merged back, and the error that ended it. */
interface Outcome {
  readonly events: unknown[];
  readonly error: string | null;
}

/** Events in a form that does not depend on how the bytes were cut: a chunk's data events become one. */
function normalize(events: readonly ReceivedEvent[]): unknown[] {
  const out: unknown[] = [];
  let open: { type: 'data'; extensions: unknown; data: number[]; chunkEnd: boolean } | null = null;
  for (const e of events) {
    if (e.type === 'data') {
      if (open !== null && !open.chunkEnd && e.extensions === null) {
        open.data.push(...e.data);
        open.chunkEnd = e.chunkEnd;
      } else {
        open = { type: 'data', extensions: e.extensions, data: [...e.data], chunkEnd: e.chunkEnd };
        out.push(open);
      }
      continue;
    }
    open = null;
    if (e.type === 'end-of-message') out.push({ ...e, trailers: e.trailers?.raw() ?? null });
    else if (e.type === 'connection-closed') out.push(e);
    else out.push({ ...e, fields: e.fields.raw() });
  }
  return out;
}

/**
 * Feeds `bytes` and then EOF; nextEvent must return events or throw a remote ProtocolError,
 * which then sticks. A server answers each request it reads (400, empty) so later bytes are read too.
 */
function survive(conn: Connection, bytes: Uint8Array, how: Split | null): Outcome {
  let error: ProtocolError | null = null;
  let answers = 0;
  const answer = (): boolean => {
    if (conn.role !== 'server' || conn.ourState !== 'send-response' || answers++ > 1000) return false;
    conn.send({ type: 'response', status: 400, fields: [['Content-Length', '0']] });
    conn.send({ type: 'end-of-message' });
    return true;
  };
  const events: ReceivedEvent[] = [];
  try {
    feed(conn, bytes, how, events, answer);
    conn.receiveClose();
    while (drain(conn, events) === 'paused' && answer());
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    assert.equal(e.side, 'remote', `nextEvent() threw a local error: ${e.code}: ${e.message}`);
    error = e;
  }
  if (error !== null) {
    // The error sticks: more bytes or EOF do not revive the connection.
    if (!conn.trailingData.closed) conn.receive(Uint8Array.of(0x47, 0x45, 0x54, 0x20));
    assert.throws(() => conn.nextEvent(), (e) => e === error);
    conn.receiveClose();
    assert.throws(() => conn.nextEvent(), (e) => e === error);
  }
  return { events: normalize(events), error: error?.code ?? null };
}

type GarbageCase = [input: ['server' | 'client', Uint8Array, string[]], how: Split];

/** Inputs that once broke the property, run first every time. */
const GARBAGE_EXAMPLES: GarbageCase[] = [
  // A 1xx after the only response was answered: a remote error, not a local invalid-state one.
  [['client', latin1Bytes('HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n'), ['GET']], [0]],
  // A chunk-size line with no size and a bare LF: the same error whole and cut before the LF.
  [['server', latin1Bytes('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nx\r\x01\n'), ['GET']], [58]],
];

test('garbage: random and mutated bytes give events or a ProtocolError, never another exception; the same however split', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('server' as const, 'client' as const).chain((role) => fc.tuple(fc.constant(role), garbage(role), fc.array(fc.constantFrom('GET', 'HEAD', 'POST'), { minLength: 1, maxLength: 3 }))),
      split,
      ([role, bytes, asked], how) => {
        const fresh = (): Connection => (role === 'server' ? new Connection('server') : askingClient(asked));
        const whole = survive(fresh(), bytes, null);
        const parts = survive(fresh(), bytes, how);
        const told = (o: Outcome) => `${o.error ?? 'no error'} after ${o.events.length} events`;
        assert.deepEqual(parts, whole, `the outcome depends on the cuts: ${told(parts)} cut, ${told(whole)} whole`);
      },
    ),
    { ...runs('garbage'), examples: GARBAGE_EXAMPLES },
  );
});

test('garbage: a valid message cut short by the close is an incomplete message, never another error', () => {
  const truncated = fc.oneof(
    request().map((req) => ({ role: 'server' as const, req, res: null })),
    fc.tuple(request({ methods: fc.constantFrom('GET', 'POST') }), response()).map(([req, res]) => ({ role: 'client' as const, req, res: forVersion(res, req.version) })),
  );
  fc.assert(
    fc.property(truncated, fc.nat(), split, ({ role, req, res }, at, how) => {
      let conn: Connection;
      let bytes: Uint8Array;
      /** Where a cut still leaves a whole message: only the end, or anywhere after the head of a close-delimited body. */
      let wholeFrom: number;
      if (res === null) {
        conn = new Connection('server');
        bytes = sendAll(new Connection('client'), requestEvents(req));
        wholeFrom = bytes.length;
      } else {
        const pair = exchangePair(req);
        conn = pair.client;
        const events = responseEvents(res);
        const heads = events.filter((e) => e.type === 'informational' || e.type === 'response');
        const headBytes = sendAll(pair.server, heads);
        bytes = concatAll([headBytes, sendAll(pair.server, events.slice(heads.length))]);
        wholeFrom = res.body.kind === 'close' ? headBytes.length : bytes.length;
      }
      const k = at % (bytes.length + 1);
      const outcome = survive(conn, bytes.subarray(0, k), how);
      if (k >= wholeFrom) assert.equal(outcome.error, null, `cut at ${k} of ${bytes.length}`);
      else if (k === 0 && role === 'server') assert.deepEqual(outcome, { events: [{ type: 'connection-closed' }], error: null });
      else assert.equal(outcome.error, 'incomplete-message', `cut at ${k} of ${bytes.length}`);
    }),
    runs('truncation'),
  );
});

/**
 * Bytes that never complete a head, a chunk-size line or a trailer section, kept as a short
 * description (runs of 'a' as counts) so that a counterexample stays readable.
 */
type Endless =
  | { readonly what: 'head'; readonly crlfs: number; readonly start: number | string; readonly lines: LinesSpec }
  | { readonly what: 'chunk-size-line'; readonly size: string; readonly ext: { readonly repeat: string; readonly times: number } | { readonly open: string; readonly run: number } }
  | { readonly what: 'trailers'; readonly lines: LinesSpec };

/** Field lines `name: a{n}` then an unfinished line `a{n}` or `X-Unfinished: a{n}`: never an empty line. */
interface LinesSpec {
  readonly lines: ReadonlyArray<readonly [string, number]>;
  readonly last: readonly ['' | 'name' | 'value', number];
}

const linesSpec: fc.Arbitrary<LinesSpec> = fc.record({
  lines: fc.array(fc.tuple(fieldName, fc.nat(4000)), { maxLength: 12 }),
  last: fc.tuple(fc.constantFrom('' as const, 'name' as const, 'value' as const), fc.nat(6000)),
});

const endless = (role: 'client' | 'server'): fc.Arbitrary<Endless> =>
  fc.oneof(
    fc.record({
      what: fc.constant('head' as const),
      crlfs: fc.integer({ min: 0, max: DEFAULT_LIMITS.leadingEmptyLines }),
      // A start line that does not end (a target or reason of this many bytes), or one that does.
      start: fc.oneof(fc.nat(20000), fc.constantFrom(...(role === 'server' ? ['GET / HTTP/1.1', 'POST /x HTTP/1.0'] : ['HTTP/1.1 200 OK', 'HTTP/1.0 404 ']))),
      lines: linesSpec,
    }),
    fc.record({
      what: fc.constant('chunk-size-line' as const),
      size: fc.constantFrom('1', '0', 'ff', '0000000000000001'),
      // Many small extensions or whitespace, or one long name or quoted value.
      ext: fc.oneof(
        fc.record({ repeat: fc.constantFrom(';a', ';a=b', ' ', '\t'), times: fc.integer({ min: 1, max: 2000 }) }),
        fc.record({ open: fc.constantFrom(';a="', ';'), run: fc.nat(6000) }),
      ),
    }),
    fc.record({ what: fc.constant('trailers' as const), lines: linesSpec }),
  );

function linesText({ lines, last: [kind, n] }: LinesSpec): string {
  return lines.map(([name, k]) => `${name}: ${'a'.repeat(k)}\r\n`).join('') + (kind === '' ? '' : kind === 'name' ? 'a'.repeat(n) : `X-Unfinished: ${'a'.repeat(n)}`);
}

/** The bytes of `spec`, and how many of them come before the part that never ends. */
function endlessBytes(role: 'client' | 'server', spec: Endless): { bytes: Uint8Array; before: number } {
  const chunked = (lead: string, rest: string) => {
    const head = role === 'server' ? 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const prefix = `${head}3\r\nabc\r\n${lead}`;
    return { bytes: latin1Bytes(prefix + rest), before: prefix.length };
  };
  switch (spec.what) {
    case 'head': {
      const start = typeof spec.start === 'string' ? `${spec.start}\r\n${linesText(spec.lines)}` : `${role === 'server' ? 'GET /' : 'HTTP/1.1 200 '}${'a'.repeat(spec.start)}`;
      return { bytes: latin1Bytes('\r\n'.repeat(spec.crlfs) + start), before: 0 };
    }
    case 'chunk-size-line':
      return chunked('', spec.size + ('repeat' in spec.ext ? spec.ext.repeat.repeat(spec.ext.times) : spec.ext.open + 'a'.repeat(spec.ext.run)));
    case 'trailers':
      return chunked('0\r\n', linesText(spec.lines));
  }
}

test('garbage: a head, chunk-size line or trailer section that does not end is an error at its limit, never a growing buffer', () => {
  const limits: Record<Endless['what'], number> = {
    // Empty lines before a start line are skipped, not counted in the head.
    head: DEFAULT_LIMITS.headBytes + 2 * DEFAULT_LIMITS.leadingEmptyLines,
    // Size digits, extensions and the CR before the LF.
    'chunk-size-line': DEFAULT_LIMITS.chunkSizeDigits + DEFAULT_LIMITS.chunkExtensionBytes + 1,
    trailers: DEFAULT_LIMITS.trailerBytes,
  };
  // Cuts anywhere, and cuts just around the limit, where an off-by-one would show.
  const cuts = fc.array(fc.oneof(fc.nat().map((at) => ({ at })), fc.integer({ min: -4, max: 24 }).map((pastLimit) => ({ pastLimit }))), { maxLength: 40 });
  fc.assert(
    fc.property(
      fc.constantFrom('server' as const, 'client' as const).chain((role) => fc.tuple(fc.constant(role), endless(role))),
      cuts,
      ([role, spec], cutAt) => {
        const { what } = spec;
        const { bytes, before } = endlessBytes(role, spec);
        const conn = role === 'server' ? new Connection('server') : askingClient(['GET']);
        const limit = limits[what];
        const how = cutAt.map((c) => ('at' in c ? c.at : before + limit + c.pastLimit));
        let fed = 0;
        try {
          for (const part of cut(bytes, how)) {
            conn.receive(part);
            fed += part.length;
            assert.equal(drain(conn, []), 'need-data');
            if (fed > before) assert.ok(conn.bufferedBytes <= limit + part.length, `${conn.bufferedBytes} bytes of ${what} buffered after a receive of ${part.length}`);
          }
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          assert.equal(e.side, 'remote');
          return;
        }
        // No error: then what was fed fits in the limit.
        assert.ok(fed - before <= limit, `${fed - before} bytes of ${what} taken without an error`);
      },
    ),
    runs('buffering'),
  );
});

// ---------------------------------------------------------------------------------------
// 3. Serializer injection
// ---------------------------------------------------------------------------------------

/** A string with CR, LF or NUL somewhere in it. */
const injected = fc
  .tuple(fc.oneof(fc.string({ maxLength: 8 }), text(8)), fc.constantFrom('\r', '\n', '\0', '\r\n', '\r\nX-Injected: 1\r\n\r\n'), fc.oneof(fc.string({ maxLength: 8 }), text(8)))
  .map(([a, bad, b]) => a + bad + b);

type Spot = 'method' | 'target' | 'request-field-name' | 'request-field-value' | 'response-field-name' | 'response-field-value' | 'reason' | 'informational-reason' | 'trailer-field-name' | 'trailer-field-value' | 'extension-name' | 'extension-value' | 'last-extension-value';
const spot = fc.constantFrom<Spot>(
  'method', 'target', 'request-field-name', 'request-field-value', 'response-field-name', 'response-field-value', 'reason',
  'informational-reason', 'trailer-field-name', 'trailer-field-value', 'extension-name', 'extension-value', 'last-extension-value',
);

function stateOf(conn: Connection): unknown {
  return { ours: conn.ourState, theirs: conn.theirState, keepAlive: conn.keepAlive, expectingContinue: conn.expectingContinue };
}

/** send(bad) throws a local ProtocolError and changes nothing; send(good) then works. */
function refusedThenSent(conn: Connection, bad: SendEvent, good: SendEvent): Uint8Array[] {
  const before = stateOf(conn);
  assert.throws(() => conn.send(bad), (e) => e instanceof ProtocolError && e.side === 'local', `send() took ${JSON.stringify(bad)}`);
  assert.deepEqual(stateOf(conn), before, 'a refused send changed the connection');
  return conn.send(good);
}

test('injection: CR, LF or NUL in a method, target, name, value, reason or chunk extension is refused and changes nothing', () => {
  const chunkedRequest = request({ versions: ['1.1'] }).map((r): RequestSpec => ({
    ...r,
    fields: [...r.fields.filter(([n]) => !/^(content-length|transfer-encoding)$/i.test(n)), ['Transfer-Encoding', 'chunked']],
    body: { ...r.body, kind: 'chunked', chunks: r.body.chunks.filter((c) => c.data.length > 0) },
  }));
  const early: HeadSpec = { status: 103, reason: 'Early Hints', fields: [] };
  fc.assert(
    fc.property(spot, injected, fc.nat(), chunkedRequest, response(['fixed']), extension, (where, bad, at, req, res, ext) => {
      const withBad = (lines: readonly FieldLine[]): FieldLine[] => insertLines(lines, [where.endsWith('name') ? [bad, 'v'] : ['X-Bad', bad]], [at]);
      /** Sends `good`; first, if `where` is one of `spoiled`'s spots, its spoiled version, which must be refused. */
      const send = (conn: Connection, good: SendEvent, spoiled: Partial<Record<Spot, () => SendEvent>>): Uint8Array[] => {
        const make = spoiled[where];
        return make === undefined ? conn.send(good) : refusedThenSent(conn, make(), good);
      };

      // A chunked request: the head, a chunk of ours with an extension, the generated chunks, the last chunk and trailers.
      const client = new Connection('client');
      const [head, ...body] = requestEvents({ ...req, asFields: false }) as [Extract<SendEvent, { type: 'request' }>, ...SendEvent[]];
      const end = body.pop() as Extract<SendEvent, { type: 'end-of-message' }>;
      const chunk: SendEvent = { type: 'data', data: Uint8Array.of(1, 2, 3), extensions: [ext] };
      const wire = [
        ...send(client, head, {
          method: () => ({ ...head, method: bad }),
          target: () => ({ ...head, target: `/${bad}` }),
          'request-field-name': () => ({ ...head, fields: withBad(req.fields) }),
          'request-field-value': () => ({ ...head, fields: withBad(req.fields) }),
        }),
        ...send(client, chunk, {
          'extension-name': () => ({ ...chunk, extensions: [[bad, null]] }),
          'extension-value': () => ({ ...chunk, extensions: [ext, ['x', bad]] }),
        }),
        ...body.flatMap((e) => client.send(e)),
        ...send(client, end, {
          'trailer-field-name': () => ({ ...end, trailers: withBad(req.body.trailers) }),
          'trailer-field-value': () => ({ ...end, trailers: withBad(req.body.trailers) }),
          'last-extension-value': () => ({ ...end, extensions: [['x', bad]] }),
        }),
      ];

      // The server receives exactly the valid request.
      const server = new Connection('server');
      const events: ReceivedEvent[] = [];
      feed(server, concatAll(wire), null, events);
      checkRequest(assemble(events)[0]!, { ...req, body: { ...req.body, chunks: [{ data: Uint8Array.of(1, 2, 3), extensions: [ext] }, ...req.body.chunks] } });

      // The response: a 103, then the final head and its body; the client receives exactly the valid one.
      const answer: ResponseSpec = { ...res, informationals: [early], asFields: false };
      const [info, final, ...resBody] = responseEvents(answer) as [Extract<SendEvent, { type: 'informational' }>, Extract<SendEvent, { type: 'response' }>, ...SendEvent[]];
      const back = [
        ...send(server, info, { 'informational-reason': () => ({ ...info, reason: bad }) }),
        ...send(server, final, {
          reason: () => ({ ...final, reason: bad }),
          'response-field-name': () => ({ ...final, fields: withBad(res.fields) }),
          'response-field-value': () => ({ ...final, fields: withBad(res.fields) }),
        }),
        ...resBody.flatMap((e) => server.send(e)),
      ];
      checkResponse(assemble(receiveResponses(client, concatAll(back), null, false))[0]!, answer, req);
    }),
    runs('injection'),
  );
});
