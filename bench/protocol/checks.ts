// Checks before timing: both parsers must really parse what they are timed on, event by
// event (warren) or callback by callback (llhttp), body byte for byte, extensions included.

import assert from 'node:assert/strict';
import { Connection, type ChunkExtension, type ReceivedEvent } from '../../src/protocol/index.js';
import { LlhttpRequestParser } from '../lib/llhttp.js';
import { BODY, BODY_BYTES, CHUNKED_FIELDS, CHUNKS, chunkExtensions } from './inputs.js';
import { llhttpMessage, llhttpSegments, warrenCycle, warrenFresh, warrenFreshSegments } from './parsers.js';

// ---------------------------------------------------------------------------------------
// Checks before timing: both sides must really parse what they are timed on.

export function check(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    throw new Error(`check failed: ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function events(conn: Connection, segments: readonly Uint8Array[]): ReceivedEvent[] {
  const out: ReceivedEvent[] = [];
  for (const segment of segments) {
    conn.receive(segment);
    for (let event = conn.nextEvent(); typeof event !== 'string'; event = conn.nextEvent()) {
      out.push(event);
      if (event.type === 'end-of-message') return out;
    }
  }
  throw new Error('no end-of-message');
}

export function checkWarrenHead(bytes: Uint8Array, target: string, fields: number, host: string): void {
  const conn = new Connection('server');
  const [request, end, ...rest] = events(conn, [bytes]);
  assert.equal(rest.length, 0);
  assert.ok(request?.type === 'request', 'first event is a request');
  assert.equal(request.method, 'GET');
  assert.equal(request.target, target);
  assert.equal(request.version, '1.1');
  assert.equal(request.fields.size, fields);
  assert.equal(request.fields.get('host'), host);
  assert.ok(end?.type === 'end-of-message', 'then end-of-message');
  assert.equal(end.trailers, null);
  assert.equal(conn.nextEvent(), 'paused');
  assert.equal(warrenFresh(bytes), fields + 1);
  // The keep-alive cycle must bring the connection back to idle, message after message.
  const reused = new Connection('server');
  for (let i = 0; i < 3; i++) {
    assert.equal(warrenCycle(reused, bytes), fields + 1);
    assert.equal(reused.ourState, 'idle');
    assert.equal(reused.theirState, 'idle');
    assert.equal(reused.keepAlive, true);
  }
}

export function checkLlhttpHead(bytes: Uint8Array, target: string, fields: number): void {
  const parser = new LlhttpRequestParser();
  for (let i = 1; i <= 3; i++) {
    assert.equal(llhttpMessage(parser, bytes), fields + 1);
    assert.equal(parser.heads, i);
    assert.equal(parser.messages, i);
    assert.equal(parser.methodName, 'GET');
    assert.equal(parser.url, target);
    assert.equal(parser.versionMinor, 1);
    assert.equal(parser.keepAlive, true);
    assert.equal(parser.fieldCount, fields);
  }
  parser.close();
}

export function checkWarrenChunked(segments: readonly Uint8Array[]): void {
  const list = events(new Connection('server'), segments);
  const request = list[0];
  assert.ok(request?.type === 'request', 'first event is a request');
  assert.equal(request.method, 'POST');
  assert.equal(request.fields.size, CHUNKED_FIELDS);
  assert.equal(request.fields.get('transfer-encoding'), 'chunked');
  const pieces: Uint8Array[] = [];
  const extensions: (readonly ChunkExtension[])[] = [];
  let chunkEnds = 0;
  for (const event of list.slice(1, -1)) {
    assert.ok(event.type === 'data', `data events between head and end, got ${event.type}`);
    pieces.push(event.data);
    if (event.extensions !== null) extensions.push(event.extensions);
    if (event.chunkEnd) chunkEnds++;
  }
  assert.ok(Buffer.concat(pieces).equals(BODY), 'the body comes out byte for byte');
  assert.equal(chunkEnds, CHUNKS);
  assert.deepEqual(extensions, Array.from({ length: CHUNKS }, (_, i) => chunkExtensions(i)));
  const end = list[list.length - 1];
  assert.ok(end?.type === 'end-of-message', 'last event is end-of-message');
  assert.deepEqual(end.extensions, []);
  assert.equal(end.trailers, null);
  const checksum = CHUNKED_FIELDS + BODY_BYTES + 2 * CHUNKS + 1;
  assert.equal(segments.length === 1 ? warrenFresh(segments[0]!) : warrenFreshSegments(segments), checksum);
}

export function checkLlhttpChunked(segments: readonly Uint8Array[]): void {
  const parser = new LlhttpRequestParser();
  parser.bodyPieces = [];
  assert.equal(llhttpSegments(parser, segments), CHUNKED_FIELDS + BODY_BYTES + 1);
  assert.equal(parser.methodName, 'POST');
  assert.equal(parser.url, '/upload');
  assert.equal(parser.fieldCount, CHUNKED_FIELDS);
  assert.equal(parser.messages, 1);
  assert.ok(Buffer.concat(parser.bodyPieces).equals(BODY), 'the body comes out byte for byte');
  parser.bodyPieces = null;
  assert.equal(llhttpSegments(parser, segments), CHUNKED_FIELDS + BODY_BYTES + 1);
  parser.close();
}
