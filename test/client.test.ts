// The client's shared suite: the warren client against a warren server over every
// transport (Unix, abstract, IPv4, IPv6, TLS over IPv4 and over Unix). An echo app tells
// what the server received, so each test checks both what the client sent and what it
// read back.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as netServer, type Socket } from 'node:net';
import {
  Server,
  Client,
  Body,
  ChunkedBody,
  BodyIter,
  ChunkedBodyIter,
  RequestError,
  type App,
  type ServerOptions,
  type ClientOptions,
  type Address,
  type ClientConnection,
} from '../src/index.js';
import { TRANSPORTS, ipv6Unavailable, type Transport } from './lib/transports.js';

/** Answers with what it read: method, target, framing, a few headers, the body, its chunks, extensions and trailers. */
const echo: App = async (_session, request) => {
  const body = request.body;
  const out: Record<string, unknown> = {
    method: request.method,
    uri: request.uri,
    host: request.headers['host'] ?? null,
    length: request.headers['content-length'] ?? null,
    coding: request.fields.get('transfer-encoding'),
    expect: request.headers['expect'] ?? null,
    x: request.headers['x-test'] ?? null,
  };
  if (body === null) {
    out['body'] = null;
  } else if (body.chunked) {
    const chunks: [string, unknown][] = [];
    for await (const chunk of body as ChunkedBody) chunks.push([Buffer.from(chunk.data).toString(), chunk.extensions]);
    out['body'] = chunks.map(([data]) => data).join('');
    out['chunks'] = chunks;
    out['last'] = body.lastExtensions;
    out['trailers'] = body.trailers?.raw() ?? null;
  } else {
    out['body'] = await body.text();
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out) };
};

/** Responses of every kind, by path. */
const kinds: App = (_session, request) => {
  switch (request.path[0]) {
    case 'text':
      return { status: 200, body: 'hello, world' };
    case 'json':
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: [1, 2], b: 'c' }) };
    case 'bytes':
      return { status: 200, body: Uint8Array.from({ length: 256 }, (_, i) => i) };
    case 'stream':
      return { status: 200, body: new BodyIter((async function* () { yield 'ab'; yield Buffer.from('cd'); yield 'e'; })(), 5) };
    case 'chunked':
      return {
        status: 200,
        body: new ChunkedBodyIter([
          { data: 'one', extensions: [['i', '1'], ['q', 'a "b"']] },
          { data: Buffer.from('two') },
          { data: 'three', extensions: [['flag', null]] },
          { trailers: [['X-Checksum', 'abc'], ['X-Count', '3']], extensions: [['end', 'yes']] },
        ]),
      };
    case 'big':
      return { status: 200, body: Buffer.alloc(200 * 1024, 0x78) };
    case 'empty':
      return { status: 200, body: '' };
    case 'nocontent':
      return { status: 204 };
    case 'cookies':
      return { status: 200, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Multi', 'x'], ['X-Multi', 'y'], ['Keep-Alive', 'timeout=5']], body: 'c' };
    default:
      return { status: 404, body: 'no such kind' };
  }
};

async function serve(transport: Transport, app: App, options: ServerOptions = {}): Promise<Server> {
  const tls = transport.serverTls?.();
  const server = new Server(transport.address(), app, { onError: () => {}, ...(tls === undefined ? {} : { tls }), ...options });
  await server.listen();
  return server;
}

/** A connection to the server, with the transport's client options (TLS, and Host over TLS on Unix) under the test's own. */
async function openOver(transport: Transport, server: Server, options?: ClientOptions): Promise<ClientConnection> {
  return new Client(server.address, { ...transport.clientOptions(), ...options }).connect();
}

async function echoed(response: { status: number; body: Body | ChunkedBody | null }): Promise<Record<string, unknown>> {
  assert.equal(response.status, 200);
  return (await response.body!.json()) as Record<string, unknown>;
}

/** An address where nothing listens, of the same kind as the transport's. */
async function deadAddress(transport: Transport): Promise<Address> {
  const address = transport.address();
  if (typeof address === 'string') return address;
  // Bind a port, then free it: nothing listens there for the moment this test needs.
  const server = netServer();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address[0], port: 0 }, () => resolve((server.address() as { port: number }).port));
  });
  await new Promise((resolve) => server.close(resolve));
  return [address[0], port];
}

/** Counts the bytes a server connection received: attach with app.onConnect. */
function tap(app: App): { app: App; received: string[] } {
  const received: string[] = [];
  const tapped = Object.assign(((...args: Parameters<App>) => app(...args)) as App, {
    onConnect: (_session: unknown, socket: Socket) => {
      const index = received.push('') - 1;
      socket.on('data', (chunk: Buffer) => {
        received[index] += chunk.toString('latin1');
      });
    },
  });
  return { app: tapped, received };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let skipIpv6: string | null = null;
before(async () => {
  skipIpv6 = await ipv6Unavailable();
});

for (const transport of TRANSPORTS) {
  describe(`client over ${transport.name}`, () => {
    const run = (name: string, fn: () => Promise<void>): void => {
      test(name, async (t) => {
        if (transport.name === 'ipv6' && skipIpv6 !== null) return t.skip(skipIpv6);
        await fn();
      });
    };
    const open = (server: Server, options?: ClientOptions): Promise<ClientConnection> => openOver(transport, server, options);

    run('GET, HEAD and DELETE: no body, no framing fields, one connection', async () => {
      const server = await serve(transport, echo);
      const conn = await open(server);
      const get = await echoed(await conn.get('/a/b?c=d', { 'X-Test': 'yes' }));
      assert.deepEqual([get['method'], get['uri'], get['length'], get['coding'], get['body'], get['x']], ['GET', '/a/b?c=d', null, null, null, 'yes']);
      const del = await echoed(await conn.delete('/thing'));
      assert.deepEqual([del['method'], del['uri'], del['length'], del['body']], ['DELETE', '/thing', null, null]);
      const head = await conn.head('/h');
      assert.equal(head.status, 200);
      assert.equal(head.body, null, 'a response to HEAD has no body');
      assert.ok(Number(head.headers['content-length']) > 0, 'HEAD gets the length GET would have');
      // The HEAD response's advertised length was not read as a body: the next request works.
      const after = await echoed(await conn.get('/after'));
      assert.equal(after['uri'], '/after');
      assert.equal(conn.responses, 4);
      conn.close();
      await server.close();
    });

    run('PUT and POST with every outgoing body form', async () => {
      const server = await serve(transport, echo);
      const conn = await open(server);

      const none = await echoed(await conn.put('/none', {}, null));
      assert.deepEqual([none['method'], none['length'], none['coding'], none['body']], ['PUT', '0', null, null], 'a null PUT body says Content-Length: 0');
      const nonePost = await echoed(await conn.post('/none'));
      assert.deepEqual([nonePost['method'], nonePost['length'], nonePost['body']], ['POST', '0', null]);

      const text = await echoed(await conn.put('/text', { 'content-type': 'text/plain' }, 'héllo'));
      assert.deepEqual([text['length'], text['coding'], text['body']], ['6', null, 'héllo']);

      const bytes = await echoed(await conn.post('/bytes', {}, Buffer.from('raw bytes')));
      assert.deepEqual([bytes['method'], bytes['length'], bytes['body']], ['POST', '9', 'raw bytes']);
      const u8 = await echoed(await conn.post('/u8', {}, new Uint8Array([0x61, 0x62])));
      assert.deepEqual([u8['length'], u8['body']], ['2', 'ab']);

      const syncIter = await echoed(await conn.put('/iter', {}, new BodyIter(['ab', Buffer.from('cd')], 4)));
      assert.deepEqual([syncIter['length'], syncIter['coding'], syncIter['body']], ['4', null, 'abcd']);
      const asyncIter = await echoed(
        await conn.post('/aiter', {}, new BodyIter((async function* () { yield 'x'; await delay(5); yield 'yz'; })(), 3)),
      );
      assert.deepEqual([asyncIter['length'], asyncIter['body']], ['3', 'xyz']);

      const chunked = await echoed(
        await conn.post(
          '/chunked',
          {},
          new ChunkedBodyIter([
            { data: 'hello', extensions: [['a', 'b'], ['c', 'd "e"']] },
            { data: Buffer.from(' ') },
            { data: 'world', extensions: [['flag', null]] },
            { trailers: [['X-Sum', '11']], extensions: [['last', '1']] },
          ]),
        ),
      );
      assert.deepEqual(chunked, {
        method: 'POST',
        uri: '/chunked',
        host: chunked['host'],
        length: null,
        coding: 'chunked',
        expect: null,
        x: null,
        body: 'hello world',
        chunks: [['hello', [['a', 'b'], ['c', 'd "e"']]], [' ', []], ['world', [['flag', null]]]],
        last: [['last', '1']],
        trailers: [['X-Sum', '11']],
      });
      const asyncChunked = await echoed(
        await conn.put('/achunked', {}, new ChunkedBodyIter((async function* () { yield { data: 'a' }; await delay(5); yield { data: 'b' }; })())),
      );
      assert.deepEqual([asyncChunked['coding'], asyncChunked['body'], asyncChunked['trailers'], asyncChunked['last']], ['chunked', 'ab', null, []]);
      const plain = await echoed(await conn.post('/plain', {}, (async function* () { yield Buffer.from('pl'); await delay(5); yield Buffer.from('ain'); })()));
      assert.deepEqual([plain['length'], plain['coding'], plain['body']], [null, 'chunked', 'plain'], 'an AsyncIterable<Uint8Array> goes out chunked');
      conn.close();
      await server.close();
    });

    run('a request body source that pauses after filling the socket goes on once the socket drained meanwhile', async () => {
      // The write of the first piece asks for a drain; the drain comes while the source sleeps.
      const piece = Buffer.alloc(256 * 1024, 0x63);
      const server = await serve(transport, echo);
      const conn = await open(server);
      const body = new ChunkedBodyIter((async function* () { yield { data: piece }; await delay(100); yield { data: piece }; })());
      const got = await echoed(await conn.put('/big', {}, body));
      assert.equal((got['body'] as string).length, 2 * piece.length);
      conn.close();
      await server.close();
    });

    run('a small body already received is read ahead: the next request goes out before it is read', async () => {
      // With one request on the wire at a time, the second waits for the first response's end;
      // that end is in the same bytes as its head, so it is read without the program asking.
      const server = await serve(transport, echo);
      const conn = await open(server, { pipelining: 1 });
      const first = await conn.get('/first');
      const second = await Promise.race([conn.get('/second'), delay(2000).then(() => null)]);
      assert.notEqual(second, null, 'the second request waited for the first body to be read');
      assert.equal((await echoed(second!))['uri'], '/second');
      assert.equal((await echoed(first))['uri'], '/first');
      conn.close();
      await server.close();
    });

    run('an incoming body passed on as a request body keeps its length, or its chunks and trailers', async () => {
      const origin = await serve(transport, kinds);
      const server = await serve(transport, echo);
      const from = await open(origin);
      const to = await open(server);

      const fixed = await from.get('/stream');
      assert.ok(fixed.body instanceof Body && fixed.body.length === 5);
      const passedFixed = await echoed(await to.put('/fixed', {}, fixed.body));
      assert.deepEqual([passedFixed['length'], passedFixed['coding'], passedFixed['body']], ['5', null, 'abcde']);

      const chunked = await from.get('/chunked');
      assert.ok(chunked.body instanceof ChunkedBody);
      const passedChunked = await echoed(await to.post('/chunked', {}, chunked.body));
      assert.deepEqual(passedChunked['chunks'], [['one', [['i', '1'], ['q', 'a "b"']]], ['two', []], ['three', [['flag', null]]]]);
      assert.deepEqual([passedChunked['coding'], passedChunked['last'], passedChunked['trailers']], ['chunked', [['end', 'yes']], [['X-Checksum', 'abc'], ['X-Count', '3']]]);
      from.close();
      to.close();
      await origin.close();
      await server.close();
    });

    run('response bodies of every kind, read with text(), bytes(), json(), read(size) and for await', async () => {
      const server = await serve(transport, kinds);
      const conn = await open(server);

      const text = await conn.get('/text');
      assert.ok(text.body instanceof Body);
      assert.equal(text.body.length, 12);
      assert.equal(text.headers['content-length'], '12');
      assert.equal(text.version, '1.1');
      assert.equal(text.reason, 'OK');
      assert.equal(await text.body.text(), 'hello, world');
      assert.equal(text.body.done, true);

      const json = await conn.get('/json');
      assert.deepEqual(await json.body!.json(), { a: [1, 2], b: 'c' });
      assert.equal(json.headers['content-type'], 'application/json');

      const bytes = await conn.get('/bytes');
      assert.deepEqual(Buffer.from(await bytes.body!.bytes()), Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)));

      const sized = await conn.get('/stream');
      assert.equal(sized.body!.length, 5);
      const parts: string[] = [];
      for (let part = await sized.body!.read(2); part.length > 0; part = await sized.body!.read(2)) parts.push(Buffer.from(part).toString());
      assert.deepEqual(parts.join(''), 'abcde');
      assert.ok(parts.every((p) => p.length <= 2), `read(2) gave ${JSON.stringify(parts)}`);
      assert.equal((await sized.body!.read(2)).length, 0, 'an empty read once done');

      const iterated = await conn.get('/stream');
      let joined = '';
      for await (const piece of iterated.body as Body) joined += Buffer.from(piece).toString();
      assert.equal(joined, 'abcde');

      const chunked = await conn.get('/chunked');
      assert.ok(chunked.body instanceof ChunkedBody);
      assert.equal(chunked.body.length, null);
      // Transfer-Encoding frames this hop only: in fields, not in headers.
      assert.equal(chunked.fields.get('transfer-encoding'), 'chunked');
      assert.equal(chunked.headers['transfer-encoding'], undefined);
      const chunks: [string, unknown][] = [];
      for await (const chunk of chunked.body) chunks.push([Buffer.from(chunk.data).toString(), chunk.extensions]);
      assert.deepEqual(chunks, [['one', [['i', '1'], ['q', 'a "b"']]], ['two', []], ['three', [['flag', null]]]]);
      assert.deepEqual(chunked.body.trailers?.raw(), [['X-Checksum', 'abc'], ['X-Count', '3']]);
      assert.equal(chunked.body.trailers?.get('x-count'), '3');
      assert.deepEqual(chunked.body.lastExtensions, [['end', 'yes']]);

      const chunkedText = await conn.get('/chunked');
      assert.equal(await chunkedText.body!.text(), 'onetwothree');
      assert.deepEqual(chunkedText.body!.trailers?.raw(), [['X-Checksum', 'abc'], ['X-Count', '3']]);

      const chunkedRead = await conn.get('/chunked');
      assert.equal(Buffer.from(await chunkedRead.body!.read(4)).toString(), 'onet');
      assert.equal(Buffer.from(await chunkedRead.body!.read()).toString(), 'wothree');

      const big = await conn.get('/big');
      let total = 0;
      for await (const piece of big.body as Body) {
        assert.ok(piece.every((b) => b === 0x78));
        total += piece.length;
      }
      assert.equal(total, 200 * 1024);

      const empty = await conn.get('/empty');
      assert.deepEqual([empty.status, empty.body, empty.headers['content-length']], [200, null, '0']);
      const none = await conn.get('/nocontent');
      assert.deepEqual([none.status, none.reason, none.body], [204, 'No Content', null]);

      const cookies = await conn.get('/cookies');
      assert.deepEqual(cookies.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(cookies.headers['x-multi'], 'x, y');
      assert.equal(cookies.headers['keep-alive'], undefined, 'hop-by-hop fields are left out of headers');
      assert.equal(cookies.fields.get('keep-alive'), 'timeout=5', 'and kept in fields');
      assert.equal(await cookies.body!.text(), 'c');

      const missing = await conn.get('/nope');
      assert.deepEqual([missing.status, missing.reason, await missing.body!.text()], [404, 'Not Found', 'no such kind']);
      conn.close();
      await server.close();
    });

    run('10 pipelined requests before any body is read; responses in order', async () => {
      let heads = 0;
      let enough: () => void = () => {};
      const arrived = new Promise<void>((resolve) => (enough = resolve));
      const app: App = Object.assign(
        (async (session, request) => {
          // The first answer waits until the pipeline is full on the wire: without pipelining this would time out.
          if (session.requests === 1) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await Promise.race([arrived, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
            clearTimeout(timer);
          }
          return { status: 200, body: `${request.uri} #${session.requests}` };
        }) as App,
        {
          onConnect: (_session: unknown, socket: Socket) => {
            socket.on('data', (chunk: Buffer) => {
              heads += chunk.toString('latin1').split(' HTTP/1.1\r\n').length - 1;
              if (heads >= 8) enough();
            });
          },
        },
      );
      const server = await serve(transport, app);
      const conn = await open(server);
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => conn.get(`/r${i}`)));
      assert.ok(Date.now() - started < 2500, 'the first response did not wait for a pipeline that never came');
      assert.ok(heads >= 8, `only ${heads} request heads reached the server before the first answer`);
      const bodies = await Promise.all(responses.map((r) => r.body!.text()));
      assert.deepEqual(bodies, Array.from({ length: 10 }, (_, i) => `/r${i} #${i + 1}`));
      assert.equal(server.connections, 1);
      conn.close();
      await server.close();
    });

    run('pipelined HEAD, GET and POST: HEAD is remembered, bodies read in any order', async () => {
      const server = await serve(transport, echo);
      const conn = await open(server);
      const [get1, head, post, get2] = await Promise.all([
        conn.get('/1'),
        conn.head('/2'),
        conn.post('/3', {}, 'three'),
        conn.get('/4'),
      ]);
      assert.equal(head!.body, null);
      assert.ok(Number(head!.headers['content-length']) > 0);
      assert.equal((await echoed(get2!))['uri'], '/4');
      assert.equal((await echoed(post!))['body'], 'three');
      assert.equal((await echoed(get1!))['uri'], '/1');
      conn.close();
      await server.close();
    });

    run('Host comes from a TCP address, is absent over Unix unless the host option is given', async () => {
      const server = await serve(transport, echo);
      const plain = await open(server);
      const { host } = await echoed(await plain.get('/'));
      if (transport.local) {
        assert.equal(host, null);
      } else if (typeof server.address === 'string') {
        // TLS over a Unix socket: the transport's client options give host, since the server requires one.
        assert.equal(host, transport.clientOptions().host);
      } else {
        const [name, port] = server.address as readonly [string, number];
        assert.equal(host, transport.name === 'ipv6' ? `[${name}]:${port}` : `${name}:${port}`);
      }
      const named = await open(server, { host: 'example.org' });
      assert.equal((await echoed(await named.get('/')))['host'], 'example.org');
      const given = await echoed(await plain.get('/', { Host: 'given.example' }));
      assert.equal(given['host'], 'given.example', 'a Host given with the request wins, and is not doubled');
      if (!transport.local) {
        const none = await open(server, { host: null });
        const response = await none.get('/');
        assert.equal(response.status, 400, 'host: null sends no Host, which a TCP server refuses');
        none.close();
      }
      plain.close();
      named.close();
      await server.close();
    });

    run('Expect: 100-continue: the server reads the body, the 100 comes, the body follows', async () => {
      const { app, received } = tap(echo);
      const server = await serve(transport, app);
      // With a long continueTimeout the body goes only when the 100 arrives.
      const conn = await open(server, { continueTimeout: 5000 });
      const started = Date.now();
      const out = await echoed(await conn.put('/up', { Expect: '100-continue' }, 'the body'));
      assert.ok(Date.now() - started < 2000, 'the body waited for continueTimeout instead of the 100');
      assert.deepEqual([out['expect'], out['length'], out['body']], ['100-continue', '8', 'the body']);
      const chunked = await echoed(await conn.post('/up', { expect: '100-continue' }, new ChunkedBodyIter([{ data: 'a' }, { data: 'b' }])));
      assert.deepEqual([chunked['coding'], chunked['body']], ['chunked', 'ab']);
      // With no body there is nothing to hold back: the request goes whole, and no 100 is awaited.
      const bodiless = await echoed(await conn.get('/none', { Expect: '100-continue' }));
      assert.deepEqual([bodiless['uri'], bodiless['body']], ['/none', null]);
      assert.ok(Date.now() - started < 2000, 'a request without a body waited for continueTimeout');
      // The connection goes on.
      assert.equal((await echoed(await conn.get('/next')))['uri'], '/next');
      assert.equal(received.length, 1);
      conn.close();
      await server.close();
    });

    for (const status of [417, 200]) {
      run(`Expect: 100-continue: a ${status} without reading the body; the body is not sent, the connection is not reused`, async () => {
        const { app, received } = tap(() => ({ status, body: status === 417 ? 'no thanks' : 'ok without it' }));
        const server = await serve(transport, app);
        const conn = await open(server, { continueTimeout: 5000 });
        const started = Date.now();
        const response = await conn.put('/up', { Expect: '100-continue' }, 'SECRET-BODY');
        assert.equal(response.status, status);
        assert.equal(await response.body!.text(), status === 417 ? 'no thanks' : 'ok without it');
        assert.ok(Date.now() - started < 2000);
        await assert.rejects(conn.get('/again'), (error: unknown) => {
          assert.ok(error instanceof RequestError);
          assert.equal(error.code, 'connection-closed');
          assert.equal(error.sent, false);
          return true;
        });
        await delay(50);
        assert.equal(received.length, 1);
        assert.match(received[0]!, /^PUT \/up HTTP\/1.1\r\n/);
        assert.doesNotMatch(received[0]!, /SECRET-BODY/, 'the body was sent after a final response');
        assert.doesNotMatch(received[0]!, /GET \/again/);
        conn.close();
        await server.close();
      });
    }

    run('connect() to an address where nothing listens: connect-failed, not sent', async () => {
      const address = await deadAddress(transport);
      await assert.rejects(new Client(address, { ...transport.clientOptions(), connectTimeout: 2000 }).connect(), (error: unknown) => {
        assert.ok(error instanceof RequestError, String(error));
        assert.equal(error.code, 'connect-failed');
        assert.equal(error.sent, false);
        assert.equal(error.responseStarted, false);
        return true;
      });
    });

    run('close() fails a request in flight with connection-closed, sent; later requests are not sent', async () => {
      const app: App = async () => {
        await delay(300);
        return { status: 200 };
      };
      const server = await serve(transport, app);
      const conn = await open(server);
      const pending = conn.get('/slow');
      await delay(20);
      conn.close();
      await assert.rejects(pending, (error: unknown) => error instanceof RequestError && error.code === 'connection-closed' && error.sent === true);
      await assert.rejects(conn.get('/later'), (error: unknown) => error instanceof RequestError && error.code === 'connection-closed' && error.sent === false);
      await server.close();
    });
  });
}
