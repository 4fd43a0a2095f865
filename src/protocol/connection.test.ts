import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from './connection.js';
import { ProtocolError } from './errors.js';
import { bytes, drain, parse, text, type Item } from '../../test/lib/transcript.js';

const GET = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n';

/** A server that has received `input` and drained it. */
function serverWith(input: string, options = {}): { conn: Connection; items: Item[] } {
  const conn = new Connection('server', options);
  conn.receive(bytes(input));
  const items: Item[] = [];
  drain(conn, items);
  return { conn, items };
}

function respond(conn: Connection, status = 200, body = '', fields: [string, string][] = []): string {
  const out = conn.send({ type: 'response', status, fields: [...fields, ['Content-Length', String(body.length)]] });
  if (body !== '') out.push(...conn.send({ type: 'data', data: bytes(body) }));
  out.push(...conn.send({ type: 'end-of-message' }));
  return text(out);
}

/** A client that sent `method` requests and is waiting for responses. */
function clientAfter(...methods: string[]): Connection {
  const conn = new Connection('client');
  for (const method of methods) {
    conn.send({ type: 'request', method, target: '/', fields: [['Host', 'h']] });
    conn.send({ type: 'end-of-message' });
  }
  return conn;
}

describe('requests and keep-alive', () => {
  test('a request with a Content-Length body, whole and split at every byte', () => {
    assert.deepEqual(parse('server', 'POST /up?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-A:  b c \r\n\r\nhello'), [
      { type: 'request', method: 'POST', target: '/up?x=1', version: '1.1', fields: [['Host', 'h'], ['Content-Length', '5'], ['X-A', 'b c']] },
      { type: 'body', chunks: [{ extensions: null, data: 'hello' }] },
      { type: 'end', extensions: null, trailers: null },
      { type: 'paused' },
    ]);
  });

  test('field names reach the user lowercased, raw lines stay in order', () => {
    const { items, conn } = serverWith('GET / HTTP/1.1\r\nHOST: h\r\nSet-Cookie: a\r\nset-cookie: b\r\nAccept: x\r\nAccept: y\r\n\r\n');
    assert.equal(items[0]!.type, 'request');
    const fresh = new Connection('server');
    fresh.receive(bytes('GET / HTTP/1.1\r\nHOST: h\r\nSet-Cookie: a\r\nset-cookie: b\r\nAccept: x\r\nAccept: y\r\n\r\n'));
    const event = fresh.nextEvent();
    assert.ok(typeof event === 'object' && event.type === 'request');
    assert.deepEqual([...event.fields].map(([n]) => n), ['host', 'set-cookie', 'set-cookie', 'accept', 'accept']);
    assert.equal(event.fields.get('Accept'), 'x, y');
    assert.deepEqual(event.fields.getAll('set-cookie'), ['a', 'b']);
    assert.equal(event.fields.get('missing'), null);
    assert.equal(conn.keepAlive, true);
  });

  test('HTTP/1.1 keeps the connection; the next request is read after the response', () => {
    const { conn, items } = serverWith(GET + GET);
    assert.deepEqual(items.map((i) => i.type), ['request', 'end', 'paused']);
    assert.equal(conn.nextEvent(), 'paused', 'a server answers before it reads the next request');
    assert.match(respond(conn, 200, 'ok'), /^HTTP\/1\.1 200 OK\r\nContent-Length: 2\r\n\r\nok$/);
    const more: Item[] = [];
    drain(conn, more);
    assert.deepEqual(more.map((i) => i.type), ['request', 'end', 'paused']);
  });

  test('pipelined requests in one buffer are answered in order', () => {
    const conn = new Connection('server');
    conn.receive(bytes('GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nxGET /3 HTTP/1.1\r\nHost: h\r\n\r\n'));
    const targets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const items: Item[] = [];
      assert.equal(drain(conn, items), 'paused');
      const request = items[0] as Extract<Item, { type: 'request' }>;
      targets.push(request.target);
      respond(conn, 200, String(i));
    }
    assert.deepEqual(targets, ['/1', '/2', '/3']);
    assert.equal(conn.nextEvent(), 'need-data');
    assert.equal(conn.bufferedBytes, 0);
  });

  test('HTTP/1.0 closes by default and is answered in HTTP/1.0', () => {
    const { conn } = serverWith('GET / HTTP/1.0\r\n\r\n');
    assert.equal(conn.keepAlive, false);
    assert.match(respond(conn, 200, 'x'), /^HTTP\/1\.0 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n/);
    assert.equal(conn.ourState, 'must-close');
    conn.receive(bytes(GET));
    assert.throws(() => conn.nextEvent(), { code: 'data-after-close' });
  });

  test('HTTP/1.0 with Connection: keep-alive stays open and says so', () => {
    const { conn } = serverWith('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n');
    assert.equal(conn.keepAlive, true);
    assert.match(respond(conn, 200, 'x'), /\r\nConnection: keep-alive\r\n/);
    assert.equal(conn.ourState, 'idle');
  });

  test('Connection: close from the client closes after the response', () => {
    const { conn } = serverWith('GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.match(respond(conn), /\r\nConnection: close\r\n/);
    assert.equal(conn.ourState, 'must-close');
    assert.equal(conn.theirState, 'must-close');
    conn.receiveClose();
    assert.deepEqual(conn.nextEvent(), { type: 'connection-closed' });
  });

  test('a response without framing runs to the close and says Connection: close', () => {
    const { conn } = serverWith(GET);
    const head = text(conn.send({ type: 'response', status: 200 }));
    assert.equal(head, 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n');
    assert.equal(text(conn.send({ type: 'data', data: bytes('abc') })), 'abc');
    conn.send({ type: 'end-of-message' });
    assert.equal(conn.ourState, 'must-close');
  });
});

describe('responses', () => {
  test('a client reads a response with a chunked body, extensions and trailers', () => {
    const items = parse('client', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;a;b=c;d="e \\"f\\" g"\r\nabc\r\n1\r\nd\r\n0;z=1\r\nT: 1\r\nU: 2\r\n\r\n', {
      setup: (conn) => {
        conn.send({ type: 'request', method: 'GET', target: '/', fields: [['Host', 'h']] });
        conn.send({ type: 'end-of-message' });
      },
    });
    assert.deepEqual(items, [
      { type: 'response', status: 200, reason: 'OK', version: '1.1', fields: [['Transfer-Encoding', 'chunked']] },
      { type: 'body', chunks: [{ extensions: [['a', null], ['b', 'c'], ['d', 'e "f" g']], data: 'abc' }, { extensions: [], data: 'd' }] },
      { type: 'end', extensions: [['z', '1']], trailers: [['T', '1'], ['U', '2']] },
    ]);
  });

  test('the client remembers HEAD: its response has no body, even with Content-Length', () => {
    const conn = clientAfter('HEAD', 'GET');
    conn.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const items: Item[] = [];
    drain(conn, items);
    assert.deepEqual(items.map((i) => i.type), ['response', 'end', 'response', 'body', 'end']);
  });

  test('204 and 304 have no body', () => {
    const conn = clientAfter('GET', 'GET', 'GET');
    conn.receive(bytes('HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!'));
    const items: Item[] = [];
    drain(conn, items);
    assert.deepEqual(items.map((i) => i.type), ['response', 'end', 'response', 'end', 'response', 'body', 'end']);
  });

  test('a close-delimited response ends at the close, then the connection is closed', () => {
    const items = parse('client', 'HTTP/1.1 200 OK\r\n\r\nall of it', { close: true, setup: (c) => { c.send({ type: 'request', method: 'GET', target: '/' }); c.send({ type: 'end-of-message' }); } });
    assert.deepEqual(items.slice(1), [{ type: 'body', chunks: [{ extensions: null, data: 'all of it' }] }, { type: 'end', extensions: null, trailers: null }, { type: 'closed' }]);
  });

  test('1xx responses come before the final one', () => {
    const conn = clientAfter('GET');
    conn.receive(bytes('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const items: Item[] = [];
    drain(conn, items);
    assert.deepEqual(items.map((i) => (i.type === 'informational' || i.type === 'response' ? i.status : i.type)), [103, 200, 'end']);
  });

  test('a server may answer before any request, and then closes', () => {
    const conn = new Connection('server');
    assert.equal(text(conn.send({ type: 'response', status: 408 })).split('\r\n')[1], 'Connection: close');
    const client = new Connection('client');
    client.receive(bytes('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
    assert.equal((client.nextEvent() as { status: number }).status, 408);
  });

  test('the connection closing before or during a response is an incomplete message', () => {
    const before = clientAfter('GET');
    before.receiveClose();
    assert.throws(() => before.nextEvent(), { code: 'incomplete-message', side: 'remote' });
    const during = clientAfter('GET');
    during.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc'));
    during.receiveClose();
    const items: Item[] = [];
    drain(during, items);
    assert.deepEqual(items.map((i) => i.type), ['response', 'body', 'error']);
  });
});

describe('Expect, Upgrade and CONNECT', () => {
  test('Expect: 100-continue waits for a 100 on both sides', () => {
    const client = new Connection('client');
    client.send({ type: 'request', method: 'PUT', target: '/x', fields: [['Host', 'h'], ['Expect', '100-continue'], ['Content-Length', '2']] });
    assert.equal(client.expectingContinue, true);
    const { conn: server } = serverWith('PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
    assert.equal(server.expectingContinue, true);
    assert.equal(text(server.send({ type: 'informational', status: 100 })), 'HTTP/1.1 100 Continue\r\n\r\n');
    assert.equal(server.expectingContinue, false);
    client.receive(bytes('HTTP/1.1 100 Continue\r\n\r\n'));
    assert.equal((client.nextEvent() as { type: string }).type, 'informational');
    assert.equal(client.expectingContinue, false);
  });

  test('Upgrade: the server accepts with 101 and gets the bytes after the head back', () => {
    const { conn, items } = serverWith('GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00frames');
    assert.deepEqual(items.map((i) => i.type), ['request', 'end', 'paused']);
    assert.equal(conn.theirState, 'might-switch-protocol');
    conn.send({ type: 'informational', status: 101, fields: [['Connection', 'upgrade'], ['Upgrade', 'websocket']] });
    assert.equal(conn.ourState, 'switched-protocol');
    assert.equal(conn.theirState, 'switched-protocol');
    assert.equal(text(conn.trailingData.data), '\x81\x00frames');
  });

  test('Upgrade declined: a normal response, and the connection goes on as HTTP', () => {
    const { conn } = serverWith('GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n' + GET);
    respond(conn, 200, 'no');
    const items: Item[] = [];
    drain(conn, items);
    assert.deepEqual(items.map((i) => i.type), ['request', 'end', 'paused']);
  });

  test('CONNECT: a 2xx switches both sides; the client gets the tunnel bytes', () => {
    const { conn } = serverWith('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\ntunnel');
    assert.equal(conn.theirState, 'might-switch-protocol');
    assert.equal(text(conn.send({ type: 'response', status: 200 })), 'HTTP/1.1 200 OK\r\n\r\n');
    assert.equal(conn.ourState, 'switched-protocol');
    assert.equal(text(conn.trailingData.data), 'tunnel');
    const client = new Connection('client');
    client.send({ type: 'request', method: 'CONNECT', target: 'example.com:443', fields: [['Host', 'example.com:443']] });
    client.send({ type: 'end-of-message' });
    client.receive(bytes('HTTP/1.1 200 Connection Established\r\n\r\nbytes'));
    assert.equal((client.nextEvent() as { status: number }).status, 200);
    assert.equal(client.nextEvent(), 'paused');
    assert.equal(client.theirState, 'switched-protocol');
    assert.equal(text(client.trailingData.data), 'bytes');
  });

  test('a 101 nobody asked for is an error', () => {
    const conn = clientAfter('GET');
    conn.receive(bytes('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n'));
    assert.throws(() => conn.nextEvent(), { code: 'invalid-switch' });
  });
});

describe('Host', () => {
  test('an HTTP/1.1 request needs exactly one valid Host unless allowed', () => {
    assert.deepEqual(parse('server', 'GET / HTTP/1.1\r\n\r\n').at(-1), { type: 'error', code: 'missing-host', status: 400 });
    assert.equal(parse('server', 'GET / HTTP/1.1\r\n\r\n', { allowMissingHost: true })[0]!.type, 'request');
    assert.equal(parse('server', 'GET / HTTP/1.0\r\n\r\n')[0]!.type, 'request', 'HTTP/1.0 has no Host requirement');
    assert.deepEqual(parse('server', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n').at(-1), { type: 'error', code: 'duplicate-host', status: 400 });
    assert.deepEqual(parse('server', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n').at(-1), { type: 'error', code: 'invalid-host', status: 400 });
    assert.equal(parse('server', 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n')[0]!.type, 'request');
  });
});

describe('a refused send changes nothing', () => {
  test('errors are local, coded, and the next valid event still works', () => {
    const { conn } = serverWith(GET);
    for (const bad of [
      { type: 'response', status: 200, fields: [['X', 'a\r\nInjected: yes']] },
      { type: 'response', status: 200, fields: [['X\r\n', 'a']] },
      { type: 'response', status: 200, reason: 'OK\r\nX: y' },
      { type: 'response', status: 200, fields: [['X', 'nul\0']] },
      { type: 'response', status: 200, fields: [['Content-Length', '1'], ['Transfer-Encoding', 'chunked']] },
      { type: 'response', status: 204, fields: [['Content-Length', '0']] },
      { type: 'response', status: 200, fields: [['Transfer-Encoding', 'gzip']] },
      { type: 'response', status: 99 },
      { type: 'informational', status: 200 },
      { type: 'request', method: 'GET', target: '/' },
      { type: 'data', data: bytes('x') },
    ] as const) {
      const before = [conn.ourState, conn.theirState];
      assert.throws(() => conn.send(bad), (error: unknown) => error instanceof ProtocolError && error.side === 'local' && error.status === 500, JSON.stringify(bad));
      assert.deepEqual([conn.ourState, conn.theirState], before);
    }
    assert.match(respond(conn, 200, 'fine'), /^HTTP\/1\.1 200 OK\r\n/);
  });

  test('a body that contradicts its Content-Length is refused', () => {
    const { conn } = serverWith(GET);
    conn.send({ type: 'response', status: 200, fields: [['Content-Length', '3']] });
    assert.throws(() => conn.send({ type: 'data', data: bytes('four') }), { code: 'body-too-long' });
    conn.send({ type: 'data', data: bytes('ab') });
    assert.throws(() => conn.send({ type: 'end-of-message' }), { code: 'body-too-short' });
    assert.throws(() => conn.send({ type: 'data', data: bytes('c'), extensions: [['a', null]] }), { code: 'invalid-event' });
    conn.send({ type: 'data', data: bytes('c') });
    assert.throws(() => conn.send({ type: 'end-of-message', trailers: [['T', '1']] }), { code: 'invalid-event' });
    conn.send({ type: 'end-of-message' });
  });

  test('targets, methods and chunked to HTTP/1.0 are checked', () => {
    const client = new Connection('client');
    assert.throws(() => client.send({ type: 'request', method: 'GET', target: '/a b' }), { code: 'invalid-event' });
    assert.throws(() => client.send({ type: 'request', method: 'GE T', target: '/' }), { code: 'invalid-event' });
    assert.throws(() => client.send({ type: 'request', method: 'GET', target: '/\r\n' }), { code: 'invalid-event' });
    const { conn } = serverWith('GET / HTTP/1.0\r\n\r\n');
    assert.throws(() => conn.send({ type: 'response', status: 200, fields: [['Transfer-Encoding', 'chunked']] }), { code: 'framing-conflict' });
    assert.throws(() => conn.send({ type: 'informational', status: 100 }), { code: 'invalid-event' });
  });

  test('a response to HEAD drops body data', () => {
    const { conn } = serverWith('HEAD / HTTP/1.1\r\nHost: h\r\n\r\n');
    conn.send({ type: 'response', status: 200, fields: [['Content-Length', '4']] });
    assert.deepEqual(conn.send({ type: 'data', data: bytes('body') }), []);
    conn.send({ type: 'end-of-message' });
    assert.equal(conn.ourState, 'idle');
  });
});

describe('status lines', () => {
  test('the registered phrase unless a reason is given, in the version of the request answered', () => {
    const { conn } = serverWith(GET + GET + GET + 'GET / HTTP/1.0\r\n\r\n');
    const line = (reason?: string): string => {
      const head = text(conn.send({ type: 'response', status: 200, ...(reason === undefined ? {} : { reason }), fields: [['Content-Length', '0']], body: null }));
      drain(conn, []);
      return head.slice(0, head.indexOf('\r\n'));
    };
    assert.deepEqual([line(), line('Fine'), line(), line()], ['HTTP/1.1 200 OK', 'HTTP/1.1 200 Fine', 'HTTP/1.1 200 OK', 'HTTP/1.0 200 OK']);
  });
});

describe('a message sent whole', () => {
  test('a big body is not copied: it follows its head as the caller gave it', () => {
    const client = new Connection('client');
    const data = new Uint8Array(100_000).fill(97);
    const out = client.send({ type: 'request', method: 'PUT', target: '/', fields: [['Host', 'h'], ['Content-Length', '100000']], body: data });
    assert.equal(out.length, 2);
    assert.equal(out[1], data);
    // Ended: the client may pipeline its next request.
    assert.equal(client.ourState, 'idle');
  });

  test('a body up to 8 KiB joins its head; a byte more is passed on after it, not copied', () => {
    for (const [size, arrays] of [[8192, 1], [8193, 2]] as const) {
      const client = new Connection('client');
      const data = new Uint8Array(size).fill(97);
      const out = client.send({ type: 'request', method: 'PUT', target: '/', fields: [['Host', 'h'], ['Content-Length', String(size)]], body: data });
      assert.equal(out.length, arrays, `${size} bytes`);
      if (arrays === 2) assert.equal(out[1], data);
      else assert.equal(text(out).slice(-size), 'a'.repeat(size));
    }
  });

  test("a client's whole request that its framing refuses changes nothing", () => {
    const client = new Connection('client');
    assert.throws(() => client.send({ type: 'request', method: 'PUT', target: '/', fields: [['Host', 'h'], ['Content-Length', '3']], body: bytes('four') }), { code: 'body-too-long' });
    assert.equal(client.ourState, 'idle');
    // Nothing was recorded as sent: the next request is the first, and its response is read as its own.
    client.send({ type: 'request', method: 'HEAD', target: '/', fields: [['Host', 'h']], body: null });
    client.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'));
    const response = client.nextEvent();
    assert.ok(typeof response === 'object' && response.type === 'response' && response.framing.kind === 'none', 'the response to HEAD has no body');
  });

  test('a pipelined request is answered whole, and the next response answers the next request', () => {
    const { conn } = serverWith('GET /1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /2 HTTP/1.0\r\n\r\n');
    assert.equal(text(conn.send({ type: 'response', status: 200, fields: [['Content-Length', '2']], body: bytes('ok') })), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    assert.equal(conn.ourState, 'idle');
    const items: Item[] = [];
    drain(conn, items);
    assert.equal(items[0]!.type, 'request');
    // HTTP/1.0 and HEAD: the version and the dropped body are the second request's.
    assert.equal(
      text(conn.send({ type: 'response', status: 200, fields: [['Content-Length', '4']], body: bytes('body') })),
      'HTTP/1.0 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n',
    );
    assert.equal(conn.ourState, 'must-close');
  });

  test('a body its framing refuses is refused before anything changes', () => {
    const { conn } = serverWith(GET);
    for (const [event, code] of [
      [{ type: 'response', status: 200, fields: [['Content-Length', '3']], body: bytes('four') }, 'body-too-long'],
      [{ type: 'response', status: 200, fields: [['Content-Length', '5']], body: bytes('four') }, 'body-too-short'],
      [{ type: 'response', status: 200, fields: [['Content-Length', '5']], body: null }, 'body-too-short'],
      [{ type: 'response', status: 204, body: bytes('x') }, 'body-not-allowed'],
      [{ type: 'response', status: 200, body: 'text' as unknown as Uint8Array }, 'invalid-event'],
    ] as const) {
      assert.throws(() => conn.send(event), (error: unknown) => error instanceof ProtocolError && error.code === code && error.side === 'local', JSON.stringify(event));
      assert.equal(conn.ourState, 'send-response');
    }
    assert.equal(text(conn.send({ type: 'response', status: 204, body: null })), 'HTTP/1.1 204 No Content\r\n\r\n');
    assert.equal(conn.ourState, 'idle');
  });

  test('a request sent whole with Expect: 100-continue waits for nothing', () => {
    const client = new Connection('client');
    client.send({ type: 'request', method: 'POST', target: '/', fields: [['Host', 'h'], ['Expect', '100-continue'], ['Content-Length', '1']], body: bytes('x') });
    assert.equal(client.expectingContinue, false);
    const held = new Connection('client');
    held.send({ type: 'request', method: 'POST', target: '/', fields: [['Host', 'h'], ['Expect', '100-Continue'], ['Content-Length', '1']] });
    assert.equal(held.expectingContinue, true);
  });

  test('a 2xx to CONNECT has no body to send whole: the tunnel follows its head', () => {
    const { conn } = serverWith('CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n');
    assert.throws(() => conn.send({ type: 'response', status: 200, body: bytes('x') }), { code: 'body-not-allowed' });
    assert.equal(text(conn.send({ type: 'response', status: 200, body: null })), 'HTTP/1.1 200 OK\r\n\r\n');
    assert.equal(conn.ourState, 'switched-protocol');
  });
});

describe('chunked writing', () => {
  test('chunks carry their extensions, the last chunk its own and the trailers', () => {
    const client = new Connection('client');
    const out = [
      ...client.send({ type: 'request', method: 'POST', target: '/', fields: [['Host', 'h'], ['Transfer-Encoding', 'chunked']] }),
      ...client.send({ type: 'data', data: bytes('hello'), extensions: [['n', '1'], ['q', 'a "b" \\c'], ['f', null]] }),
      ...client.send({ type: 'data', data: new Uint8Array(0) }),
      ...client.send({ type: 'end-of-message', extensions: [['sig', 'x']], trailers: [['Digest', 'abc']] }),
    ];
    assert.equal(text(out.slice(1)), '5;n=1;q="a \\"b\\" \\\\c";f\r\nhello\r\n0;sig=x\r\nDigest: abc\r\n\r\n');
    assert.throws(() => new Connection('client').send({ type: 'end-of-message' }), { code: 'invalid-state' });
  });

  test('body data is passed through, never copied', () => {
    const client = new Connection('client');
    client.send({ type: 'request', method: 'POST', target: '/', fields: [['Host', 'h'], ['Content-Length', '3']] });
    const data = bytes('abc');
    assert.equal(client.send({ type: 'data', data })[0], data);
    const server = new Connection('server');
    const input = bytes('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc');
    server.receive(input);
    server.nextEvent();
    const event = server.nextEvent() as { data: Uint8Array };
    assert.equal(event.data.buffer, input.buffer, 'a view of the received bytes');
  });
});

describe('after the peer broke the rules', () => {
  test('a server can still answer 400, and the connection then closes', () => {
    const conn = new Connection('server');
    conn.receive(bytes('GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n'));
    assert.throws(() => conn.nextEvent(), { code: 'obs-fold', status: 400 });
    assert.throws(() => conn.nextEvent(), { code: 'obs-fold' }, 'the same error again');
    assert.equal(conn.theirState, 'error');
    const out = text(conn.send({ type: 'response', status: 400, fields: [['Content-Length', '0']] }));
    assert.equal(out, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    conn.send({ type: 'end-of-message' });
    assert.equal(conn.ourState, 'must-close');
  });
});
