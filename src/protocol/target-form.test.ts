// The serializer refuses a request-target form its method does not allow, as the head
// parser does on receipt (RFC 9112 §3.2): found by the serializer fuzz target, where
// `GET *` and `CONNECT /` were sent and then refused by warren's own server.

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
