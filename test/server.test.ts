// The server's shared suite: the same checks over every transport (Unix, abstract, IPv4,
// IPv6, TLS over IPv4 and over Unix), with a raw-socket client so each test sees exactly
// what went over the wire (the cleartext, over TLS).

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Server, Client, ChunkedBodyIter, BodyIter, type Address, type App, type ServerHooks, type ServerOptions } from '../src/index.js';
import { RawClient, header } from './lib/raw.js';
import { TRANSPORTS, ipv6Unavailable, type Transport } from './lib/transports.js';

const hello: App = (_session, request) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, reason: 'Method Not Allowed' };
  if (request.path.join('/') !== 'example') return { status: 404, reason: 'Not Found' };
  return { status: 200, reason: 'OK', headers: {}, body: 'hello, world' };
};

/** Answers with what it read: the body, its chunks with extensions, and trailers. */
const reflect: App = async (_session, request) => {
  const body = request.body;
  if (body === null) return { status: 200, body: JSON.stringify({ method: request.method, body: null }) };
  if (body.chunked) {
    const chunks: unknown[] = [];
    for await (const chunk of body as AsyncIterable<{ data: Uint8Array; extensions: unknown }>) chunks.push([Buffer.from(chunk.data).toString(), chunk.extensions]);
    return { status: 200, body: JSON.stringify({ chunks, last: body.lastExtensions, trailers: body.trailers?.raw() ?? null }) };
  }
  return { status: 200, body: JSON.stringify({ method: request.method, body: await body.text() }) };
};

async function serve(transport: Transport, app: App, options: ServerOptions & ServerHooks = {}): Promise<Server> {
  const tls = transport.serverTls?.();
  const server = new Server(transport.address(), app, { onError: () => {}, ...(tls === undefined ? {} : { tls }), ...options });
  await server.listen();
  return server;
}

const host = 'Host: t\r\n';

let skipIpv6: string | null = null;
before(async () => {
  skipIpv6 = await ipv6Unavailable();
});

for (const transport of TRANSPORTS) {
  describe(`server over ${transport.name}`, () => {
    const run = (name: string, fn: () => Promise<void>): void => {
      test(name, async (t) => {
        if (transport.name === 'ipv6' && skipIpv6 !== null) return t.skip(skipIpv6);
        await fn();
      });
    };
    /** A raw connection to the server, with the transport's client certificate over TLS. */
    const connect = (address: Address): Promise<RawClient> => RawClient.connect(address, transport.clientTls?.());

    run('GET, 404, 405 and HEAD, keep-alive on one connection', async () => {
      const server = await serve(transport, hello);
      const client = await connect(server.address);
      client.write(`GET /example HTTP/1.1\r\n${host}\r\n`);
      const [ok] = await client.responses(['GET']);
      assert.equal(ok!.status, 200);
      assert.equal(ok!.body, 'hello, world');
      assert.deepEqual(ok!.headers.map(([name]) => name), ['Content-Length', 'Date']);
      client.write(`GET /nope HTTP/1.1\r\n${host}\r\nPUT /example HTTP/1.1\r\n${host}Content-Length: 0\r\n\r\nHEAD /example HTTP/1.1\r\n${host}\r\n`);
      const [missing, put, head] = await client.responses(['GET', 'PUT', 'HEAD']);
      assert.deepEqual([missing!.status, missing!.reason, missing!.body], [404, 'Not Found', '']);
      assert.equal(put!.status, 405);
      assert.equal(head!.status, 200);
      assert.equal(header(head!, 'content-length'), '12', 'HEAD gets the length GET would have');
      assert.equal(head!.body, '');
      assert.equal(client.ended, false);
      client.close();
      await server.close();
    });

    run('the session counts requests and keeps a store per connection', async () => {
      const app: App = (session) => {
        const seen = ((session.store.get('seen') as number | undefined) ?? 0) + 1;
        session.store.set('seen', seen);
        return { status: 200, body: `${session.requests} ${seen} ${Array.isArray(session.address) ? 'tcp' : 'local'}` };
      };
      const server = await serve(transport, app);
      const a = await connect(server.address);
      a.write(`GET / HTTP/1.1\r\n${host}\r\nGET / HTTP/1.1\r\n${host}\r\n`);
      // The peer of a Unix socket is unnamed, TLS or not.
      const kind = typeof server.address === 'string' ? 'local' : 'tcp';
      assert.deepEqual((await a.responses(['GET', 'GET'])).map((r) => r.body), [`1 1 ${kind}`, `2 2 ${kind}`]);
      const b = await connect(server.address);
      b.write(`GET / HTTP/1.1\r\n${host}\r\n`);
      assert.deepEqual((await b.responses(['GET'])).map((r) => r.body), [`1 1 ${kind}`]);
      a.close();
      b.close();
      await server.close();
    });

    run('pipelined requests are answered in order', async () => {
      const server = await serve(transport, reflect);
      const client = await connect(server.address);
      let burst = '';
      for (let i = 0; i < 20; i++) burst += `POST /${i} HTTP/1.1\r\n${host}Content-Length: ${String(i).length}\r\n\r\n${i}`;
      client.write(burst);
      const responses = await client.responses(Array(20).fill('POST'));
      assert.deepEqual(responses.map((r) => JSON.parse(r.body).body), Array.from({ length: 20 }, (_, i) => String(i)));
      client.close();
      await server.close();
    });

    run('a chunked upload gives every extension and the trailers', async () => {
      const server = await serve(transport, reflect);
      const client = await connect(server.address);
      client.write(`POST / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n5;a=b;c="d \\"e\\""\r\nhello\r\n1\r\n!\r\n0;end\r\nX-Sum: 6\r\n\r\n`);
      const [response] = await client.responses(['POST']);
      assert.deepEqual(JSON.parse(response!.body), {
        chunks: [['hello', [['a', 'b'], ['c', 'd "e"']]], ['!', []]],
        last: [['end', null]],
        trailers: [['X-Sum', '6']],
      });
      client.close();
      await server.close();
    });

    run('a chunked response with extensions and trailers, and a streamed one of known length', async () => {
      const app: App = (_s, request) =>
        request.path[0] === 'chunked'
          ? { status: 200, body: new ChunkedBodyIter([{ data: 'ab', extensions: [['i', '1']] }, { data: Buffer.from('c') }, { trailers: [['T', 'x']], extensions: [['z', null]] }]) }
          : { status: 200, body: new BodyIter((async function* () { yield 'ab'; yield Buffer.from('c'); })(), 3) };
      const server = await serve(transport, app);
      const client = await connect(server.address);
      client.write(`GET /chunked HTTP/1.1\r\n${host}\r\nGET /fixed HTTP/1.1\r\n${host}\r\n`);
      const [chunked, fixed] = await client.responses(['GET', 'GET']);
      assert.equal(header(chunked!, 'transfer-encoding'), 'chunked');
      assert.deepEqual(chunked!.chunks, [{ extensions: [['i', '1']], data: 'ab' }, { extensions: [], data: 'c' }]);
      assert.deepEqual(chunked!.lastExtensions, [['z', null]]);
      assert.deepEqual(chunked!.trailers, [['T', 'x']]);
      assert.equal(header(fixed!, 'content-length'), '3');
      assert.equal(fixed!.body, 'abc');
      client.close();
      await server.close();
    });

    run('an incoming body passed straight back out keeps its framing, extensions and trailers', async () => {
      const app: App = (_s, request) => ({ status: 200, body: request.body });
      const server = await serve(transport, app);
      const client = await connect(server.address);
      client.write(`PUT / HTTP/1.1\r\n${host}Content-Length: 5\r\n\r\nfixed`);
      client.write(`PUT / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n3;k=v\r\nabc\r\n2\r\nde\r\n0;fin="a b"\r\nT: 1\r\n\r\n`);
      const [fixed, chunked] = await client.responses(['PUT', 'PUT']);
      assert.deepEqual([header(fixed!, 'content-length'), fixed!.body], ['5', 'fixed']);
      assert.deepEqual(chunked!.chunks, [{ extensions: [['k', 'v']], data: 'abc' }, { extensions: [], data: 'de' }]);
      assert.deepEqual([chunked!.lastExtensions, chunked!.trailers], [[['fin', 'a b']], [['T', '1']]]);
      client.close();
      await server.close();
    });

    run('a head that arrives one byte at a time', async () => {
      const server = await serve(transport, hello);
      const client = await connect(server.address);
      for (const byte of Buffer.from(`GET /example HTTP/1.1\r\n${host}\r\n`)) {
        client.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const [response] = await client.responses(['GET']);
      assert.equal(response!.body, 'hello, world');
      client.close();
      await server.close();
    });

    run('a slow reader: a streamed response is produced only as fast as it is read', async () => {
      let produced = 0;
      const piece = Buffer.alloc(64 * 1024, 0x62);
      const pieces = 256;
      const app: App = () => ({
        status: 200,
        body: new BodyIter((function* () { for (let i = 0; i < pieces; i++) { produced += piece.length; yield piece; } })(), piece.length * pieces),
      });
      const server = await serve(transport, app);
      const client = await connect(server.address);
      client.socket.pause();
      client.write(`GET / HTTP/1.1\r\n${host}\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(produced < 8 * 1024 * 1024, `${produced} bytes produced for a peer that reads nothing`);
      client.socket.resume();
      const [response] = await client.responses(['GET'], 20000);
      assert.equal(response!.body.length, piece.length * pieces);
      client.close();
      await server.close();
    });

    run('a body source that pauses after filling the socket goes on once the socket drained meanwhile', async () => {
      // The write of the first piece asks for a drain; the drain comes while the source sleeps.
      const piece = Buffer.alloc(256 * 1024, 0x63);
      const app: App = () => ({
        status: 200,
        body: new ChunkedBodyIter((async function* () { yield { data: piece }; await new Promise((resolve) => setTimeout(resolve, 100)); yield { data: piece }; })()),
      });
      const server = await serve(transport, app);
      const client = await connect(server.address);
      client.write(`GET / HTTP/1.1\r\n${host}\r\n`);
      const [response] = await client.responses(['GET'], 5000);
      assert.equal(response!.body.length, 2 * piece.length);
      client.close();
      await server.close();
    });

    run('HTTP/1.0 is answered in HTTP/1.0 and closed; a chunked body goes to the close', async () => {
      const app: App = () => ({ status: 200, body: new ChunkedBodyIter([{ data: 'one' }, { data: 'two', extensions: [['x', null]] }]) });
      const server = await serve(transport, app);
      const client = await connect(server.address);
      client.write('GET / HTTP/1.0\r\n\r\n');
      await client.closed();
      assert.match(client.text, /^HTTP\/1\.0 200 OK\r\nDate: [^\r]+ GMT\r\nConnection: close\r\n\r\nonetwo$/);
      await server.close();
    });

    run('Expect: 100-continue gets a 100 when the app reads the body', async () => {
      const server = await serve(transport, reflect);
      const client = await connect(server.address);
      client.write(`PUT / HTTP/1.1\r\n${host}Expect: 100-continue\r\nContent-Length: 4\r\n\r\n`);
      await client.until(() => client.text.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 5000, '100 Continue');
      client.write('data');
      const [response] = await client.responses(['PUT']);
      assert.deepEqual(response!.informational, [100]);
      assert.equal(JSON.parse(response!.body).body, 'data');
      client.close();
      await server.close();
    });

    run('an unread body is drained and the connection goes on', async () => {
      const server = await serve(transport, hello);
      const client = await connect(server.address);
      client.write(`GET /example HTTP/1.1\r\n${host}Content-Length: 5\r\n\r\nxxxxxGET /example HTTP/1.1\r\n${host}\r\n`);
      const responses = await client.responses(['GET', 'GET']);
      assert.deepEqual(responses.map((r) => r.status), [200, 200]);
      client.close();
      await server.close();
    });

    run('an early answer to a large upload: the connection ends, the peer may go on sending, close() resolves', async () => {
      const server = await serve(transport, hello, { drainBytes: 1024 });
      const client = await connect(server.address);
      client.write(`POST /x HTTP/1.1\r\n${host}Content-Length: ${4 * 1024 * 1024}\r\n\r\n`);
      client.write(Buffer.alloc(4 * 1024 * 1024, 0x61));
      await client.until(() => client.text.startsWith('HTTP/1.1 405 '), 5000, 'the 405');
      client.close();
      const deadline = Date.now() + 3000;
      while (server.connections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(server.connections, 0);
      await server.close();
    });

    run('bad requests get their status and a close', async () => {
      const server = await serve(transport, hello);
      const cases: [string, number][] = [
        [`GET / HTTP/1.1\r\n${host}Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n`, 400],
        [`GET / HTTP/1.1\r\n${host}X: a\r\n b\r\n\r\n`, 400],
        [`GET / HTTP/1.1\r\n${host}X: a\nY: b\r\n\r\n`, 400],
        [`GET / HTTP/2.0\r\n${host}\r\n`, 505],
        [`POST / HTTP/1.1\r\n${host}Transfer-Encoding: gzip\r\n\r\n`, 501],
        [`GET /${'a'.repeat(9000)} HTTP/1.1\r\n${host}\r\n`, 414],
        [`GET / HTTP/1.1\r\n${host}X: ${'a'.repeat(17000)}\r\n\r\n`, 431],
        [`POST / HTTP/1.1\r\n${host}Content-Length: 99999999999\r\n\r\n`, 413],
      ];
      for (const [input, status] of cases) {
        const client = await connect(server.address);
        client.write(input);
        await client.closed();
        assert.match(client.text, new RegExp(`^HTTP/1.1 ${status} `), JSON.stringify(input.slice(0, 60)));
        assert.match(client.text, /\r\nConnection: close\r\n/);
      }
      await server.close();
    });

    run('Host is required over TCP, not over Unix sockets', async () => {
      const server = await serve(transport, hello);
      const client = await connect(server.address);
      client.write('GET /example HTTP/1.1\r\n\r\n');
      if (transport.local) {
        const [response] = await client.responses(['GET']);
        assert.equal(response!.status, 200);
        client.close();
      } else {
        await client.closed();
        assert.match(client.text, /^HTTP\/1.1 400 Bad Request\r\n/);
      }
      await server.close();
    });

    run('a 2xx answer to CONNECT without switch, a tunnel nobody carries, is a 500 and a close; a 405 goes out as it is', async () => {
      const errors: unknown[] = [];
      const app: App = (_s, request) => ({ status: request.uri === 'allowed:443' ? 200 : 405 });
      const server = await serve(transport, app, { onError: (error: unknown) => errors.push(error) });
      const tunnel = await connect(server.address);
      tunnel.write('CONNECT allowed:443 HTTP/1.1\r\nHost: allowed:443\r\n\r\n');
      await tunnel.closed();
      assert.match(tunnel.text, /^HTTP\/1.1 500 Internal Server Error\r\n/);
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]), /CONNECT/);
      const refused = await connect(server.address);
      refused.write('CONNECT other:443 HTTP/1.1\r\nHost: other:443\r\n\r\n');
      await refused.until(() => refused.text.includes('\r\n\r\n'), 5000, 'the 405');
      assert.match(refused.text, /^HTTP\/1.1 405 Method Not Allowed\r\n/);
      refused.close();
      await server.close();
    });

    run('an app that throws gets a 500 and a close; so does a header with CR LF', async () => {
      const errors: unknown[] = [];
      const app: App = (_s, request) => {
        if (request.path[0] === 'throw') throw new Error('boom');
        return { status: 200, headers: { 'x-bad': 'a\r\nInjected: 1' }, body: '' };
      };
      const server = await serve(transport, app, { onError: (error: unknown) => errors.push(error) });
      for (const path of ['/throw', '/inject']) {
        const client = await connect(server.address);
        client.write(`GET ${path} HTTP/1.1\r\n${host}\r\n`);
        await client.closed();
        assert.match(client.text, /^HTTP\/1.1 500 Internal Server Error\r\n/);
        assert.doesNotMatch(client.text, /Injected/);
      }
      assert.equal(errors.length, 2);
      await server.close();
    });

    run('framing headers that contradict the body are a 500', async () => {
      const app: App = () => ({ status: 200, headers: { 'content-length': '99' }, body: 'short' });
      const server = await serve(transport, app);
      const client = await connect(server.address);
      client.write(`GET / HTTP/1.1\r\n${host}\r\n`);
      await client.closed();
      assert.match(client.text, /^HTTP\/1.1 500 /);
      await server.close();
    });

    run('a body larger than maxBodyBytes is 413, also when chunked', async () => {
      const server = await serve(transport, reflect, { maxBodyBytes: 10 });
      const fixed = await connect(server.address);
      fixed.write(`POST / HTTP/1.1\r\n${host}Content-Length: 11\r\n\r\n`);
      await fixed.closed();
      assert.match(fixed.text, /^HTTP\/1.1 413 /);
      const chunked = await connect(server.address);
      chunked.write(`POST / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n`);
      await chunked.closed();
      assert.match(chunked.text, /^HTTP\/1.1 413 /);
      await server.close();
    });

    run('maxRequestsPerConnection closes after the last one', async () => {
      const server = await serve(transport, hello, { maxRequestsPerConnection: 2 });
      const client = await connect(server.address);
      client.write(`GET /example HTTP/1.1\r\n${host}\r\nGET /example HTTP/1.1\r\n${host}\r\nGET /example HTTP/1.1\r\n${host}\r\n`);
      const [first, second] = await client.responses(['GET', 'GET']);
      assert.equal(header(first!, 'connection'), undefined);
      assert.equal(header(second!, 'connection'), 'close');
      await client.closed();
      await server.close();
    });

    run('a slow head is cut by the head timeout with 408', async () => {
      const server = await serve(transport, hello, { headTimeout: 150 });
      const client = await connect(server.address);
      client.write('GET /example HTTP/1.1\r\nHost:');
      const started = Date.now();
      await client.closed(3000);
      assert.match(client.text, /^HTTP\/1.1 408 /);
      assert.ok(Date.now() - started >= 100, 'not before the timeout');
      await server.close();
    });

    run('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
      const server = await serve(transport, hello, { keepAliveTimeout: 100 });
      const client = await connect(server.address);
      client.write(`GET /example HTTP/1.1\r\n${host}\r\n`);
      await client.responses(['GET']);
      await client.closed(3000);
      await server.close();
    });

    run('a stalled body read ends with 408 after bodyTimeout', async () => {
      const server = await serve(transport, reflect, { bodyTimeout: 150 });
      const client = await connect(server.address);
      client.write(`POST / HTTP/1.1\r\n${host}Content-Length: 10\r\n\r\nabc`);
      await client.closed(3000);
      assert.match(client.text, /^HTTP\/1.1 408 /);
      await server.close();
    });

    run('a flood of pipelined uploads is read only as fast as it is answered', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let served = 0;
      const app: App = async (_s, request) => {
        if (served++ === 0) await gate;
        const body = await request.body!.bytes();
        return { status: 200, body: String(body.length) };
      };
      const server = await serve(transport, app);
      const client = await connect(server.address);
      const piece = Buffer.alloc(64 * 1024, 0x61);
      const count = 128;
      for (let i = 0; i < count; i++) {
        client.write(`POST / HTTP/1.1\r\n${host}Content-Length: ${piece.length}\r\n\r\n`);
        client.write(piece);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The server stopped reading: most of the 8 MiB is still queued on the client side.
      assert.ok(client.socket.writableLength > 4 * 1024 * 1024, `only ${client.socket.writableLength} bytes still queued`);
      release();
      const responses = await client.responses(Array(count).fill('POST'), 20000);
      assert.ok(responses.every((r) => r.body === String(piece.length)));
      client.close();
      await server.close();
    });

    run('close() finishes the exchange in flight and closes idle connections', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const app: App = async (_s, request) => {
        if (request.path[0] === 'slow') await gate;
        return { status: 200, body: 'done' };
      };
      const server = await serve(transport, app);
      const idle = await connect(server.address);
      idle.write(`GET / HTTP/1.1\r\n${host}\r\n`);
      await idle.responses(['GET']);
      const busy = await connect(server.address);
      busy.write(`GET /slow HTTP/1.1\r\n${host}\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = server.close();
      await idle.closed(2000);
      release();
      const [response] = await busy.responses(['GET']);
      assert.equal(response!.body, 'done');
      assert.equal(header(response!, 'connection'), 'close');
      await busy.closed(2000);
      await closing;
      assert.equal(server.connections, 0);
    });

    run('maxConnections sheds an idle connection, and answers 503 when every slot is busy; onConnect can refuse', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const app: App = async (session, request, bodies) => {
        if (request.uri === '/wait') await gate;
        return hello(session, request, bodies);
      };
      const shed: unknown[] = [];
      const server = await serve(transport, app, { maxConnections: 1, onError: (error) => shed.push(error) });
      const idle = await connect(server.address);
      idle.write(`GET /example HTTP/1.1\r\n${host}\r\n`);
      await idle.responses(['GET']);
      // The idle keep-alive connection gives its slot to the new one.
      const first = await connect(server.address);
      await idle.closed(2000);
      assert.equal(shed.length, 1);
      assert.equal((shed[0] as { code?: string }).code, 'connection-shed');
      first.write(`GET /wait HTTP/1.1\r\n${host}\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // The one slot is busy (its request is being handled): a new connection is refused.
      const second = await connect(server.address);
      await second.closed(2000);
      assert.match(second.text, /^HTTP\/1.1 503 /);
      release();
      await first.responses(['GET']);
      first.close();
      await server.close();
      const refusing: App = Object.assign((() => ({ status: 200 })) as App, { onConnect: () => false });
      const picky = await serve(transport, refusing);
      const refused = await connect(picky.address);
      await refused.closed();
      assert.equal(refused.text, '');
      await picky.close();
    });
  });
}

test('a bad limit fails at new Server() and new Client(), not at the first connection', () => {
  assert.throws(() => new Server(['127.0.0.1', 0], hello, { limits: { headBytes: -1 } }), { name: 'TypeError', message: /limits.headBytes must be a non-negative integer, got -1/ });
  assert.throws(() => new Client(['127.0.0.1', 1], { limits: { fieldCount: 1.5 } }), { name: 'TypeError', message: /limits.fieldCount must be a non-negative integer, got 1.5/ });
});
