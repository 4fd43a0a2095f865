// What the serializer fuzz target found warren sending and then refusing on its own server:
// a request-target form its method does not allow (`GET *`, `CONNECT /`), and a second
// Host line (RFC 9112 §3.2). Both are now refused before anything is sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, ProtocolError } from './index.js';

const host: [string, string][] = [['host', 'h']];

test('a request-target form its method does not allow is refused before anything changes', () => {
  for (const [method, target] of [['GET', '*'], ['CONNECT', '/'], ['POST', 'x'], ['CONNECT', 'http://h/']] as const) {
    const conn = new Connection('client');
    assert.throws(
      () => conn.send({ type: 'request', method, target, fields: host, body: null }),
      (e: unknown) => e instanceof ProtocolError && e.code === 'invalid-event' && e.side === 'local',
      `${method} ${target}`,
    );
    assert.equal(conn.ourState, 'idle');
  }
});

test('the forms each method allows are sent and read back', () => {
  for (const [method, target] of [['OPTIONS', '*'], ['CONNECT', 'h:443'], ['GET', '/a?b'], ['GET', 'http://h/x']] as const) {
    const client = new Connection('client');
    const bytes = Buffer.concat(client.send({ type: 'request', method, target, fields: host, body: method === 'CONNECT' ? undefined : null }));
    const server = new Connection('server');
    server.receive(bytes);
    const event = server.nextEvent();
    assert.ok(typeof event !== 'string' && event.type === 'request');
    assert.equal(event.target, target);
  }
});

test('a second Host line is refused before anything changes', () => {
  const conn = new Connection('client');
  assert.throws(
    () => conn.send({ type: 'request', method: 'GET', target: '/', fields: [['Host', 'a'], ['host', 'a']], body: null }),
    (e: unknown) => e instanceof ProtocolError && e.code === 'invalid-event' && /Host is set twice/.test(e.message),
  );
  assert.equal(conn.ourState, 'idle');
  const sent = Buffer.concat(conn.send({ type: 'request', method: 'GET', target: '/', fields: [['Host', 'a']], body: null })).toString('latin1');
  assert.equal(sent, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
});
