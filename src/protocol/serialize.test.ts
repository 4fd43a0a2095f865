import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from './connection.js';
import { ProtocolError } from './errors.js';

const latin1 = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('latin1');

/** One response on a fresh server connection, after a GET. */
function respond(fields: [string, string][], body: Uint8Array | null = null): string {
  const server = new Connection('server');
  server.receive(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
  while (server.nextEvent() !== 'paused');
  return latin1(server.send({ type: 'response', status: 200, fields, body }));
}

test('a field line sent again and again is written the same each time, from kept bytes or not', () => {
  // A name of its own, so no other test's lines are in the cache.
  const lines: [string, string][] = [['X-Kept-Test', 'one value'], ['Content-Length', '3']];
  const first = respond(lines, Buffer.from('abc'));
  assert.equal(first, 'HTTP/1.1 200 OK\r\nX-Kept-Test: one value\r\nContent-Length: 3\r\n\r\nabc');
  for (let i = 0; i < 4; i++) assert.equal(respond(lines, Buffer.from('abc')), first);
  // Another value under the same name is its own line, and the old one comes back right.
  assert.equal(respond([['X-Kept-Test', 'two'], ['Content-Length', '0']]), 'HTTP/1.1 200 OK\r\nX-Kept-Test: two\r\nContent-Length: 0\r\n\r\n');
  assert.equal(respond(lines, Buffer.from('abc')), first);
});

test('a kept line still frames the message, and a changed value is checked again', () => {
  for (let i = 0; i < 3; i++) respond([['X-Checked-Test', 'fine'], ['Content-Length', '5']], Buffer.from('12345'));
  // The Content-Length line is known: its length still holds the body to 5 bytes.
  assert.throws(
    () => respond([['Content-Length', '5']], Buffer.from('123')),
    (error: unknown) => error instanceof ProtocolError && error.code === 'body-too-short',
  );
  // The same name with a value that injects a line is refused, whatever was sent before.
  assert.throws(
    () => respond([['X-Checked-Test', 'fine\r\nSet-Cookie: a=1']]),
    (error: unknown) => error instanceof ProtocolError && error.code === 'invalid-event',
  );
  assert.throws(
    () => respond([['X-Checked-Test', ' fine']]),
    (error: unknown) => error instanceof ProtocolError && error.code === 'invalid-event',
  );
  assert.match(respond([['X-Checked-Test', 'fine'], ['Content-Length', '0']]), /\r\nX-Checked-Test: fine\r\n/);
});

/** One request head on a fresh client connection. */
function request(method: string, target: string, version: '1.1' | '1.0' = '1.1'): string {
  const client = new Connection('client');
  return latin1(client.send({ type: 'request', method, target, version, fields: [['Host', 'a']], body: null }));
}

test('a request line made before is sent the same, and only for its own method and version', () => {
  const first = request('GET', '/kept-line-test?a=1');
  assert.equal(first, 'GET /kept-line-test?a=1 HTTP/1.1\r\nHost: a\r\n\r\n');
  for (let i = 0; i < 3; i++) assert.equal(request('GET', '/kept-line-test?a=1'), first);
  assert.equal(request('DELETE', '/kept-line-test?a=1'), 'DELETE /kept-line-test?a=1 HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.equal(request('DELETE', '/kept-line-test?a=1', '1.0'), 'DELETE /kept-line-test?a=1 HTTP/1.0\r\nHost: a\r\n\r\n');
  assert.equal(request('GET', '/kept-line-test?a=1'), first);
  // What is refused is refused every time: nothing unchecked is ever kept.
  for (let i = 0; i < 2; i++) {
    assert.throws(() => request('GET', '/kept-line-test\r\nX: 1'), (error: unknown) => error instanceof ProtocolError && error.code === 'invalid-event');
    assert.throws(() => request('G T', '/kept-line-test?a=1'), (error: unknown) => error instanceof ProtocolError && error.code === 'invalid-event');
  }
});
