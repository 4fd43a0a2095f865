// fetchApp() over every transport, with Hono from npm as the fetch-style app users bring:
// routing, JSON, streaming that arrives before its end, a 64 MiB upload held in pieces,
// Hono's onError, request.signal aborted when the client goes away, the lazy Request, and
// the same Hono app behind warren/app's serve() keeping its Host and origin checks.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Hono } from 'hono';
import { streamText } from 'hono/streaming';
import { gunzipSync } from 'node:zlib';
import { Server, Client, compress, fetchApp, type Address, type FetchHandler, type ServerOptions } from '../src/index.js';
import { serve } from '../src/app/index.js';
import type { LazyRequest } from '../src/server/fetch-request.js';
import { RawClient, header } from './lib/raw.js';
import { TRANSPORTS, ipv6Unavailable, type Transport } from './lib/transports.js';
import { within } from './lib/leaks.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function honoApp(events: { release?: () => void; aborted?: (reason: unknown) => void; streamAborted?: () => void } = {}): Hono {
  const app = new Hono();
  app.get('/', (c) => c.text('hello from hono'));
  app.get('/url', (c) => c.text(c.req.url));
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null, agent: c.req.header('x-agent') ?? null }));
  app.post('/echo', async (c) => c.json({ got: await c.req.json<unknown>() }, 201));
  app.post('/form', async (c) => {
    const form = await c.req.parseBody();
    const file = form['file'];
    return c.json({ name: form['name'], file: file instanceof File ? [file.name, await file.text()] : null });
  });
  app.get('/stream', (c) =>
    streamText(c, async (stream) => {
      stream.onAbort(() => events.streamAborted?.());
      await stream.write('one;');
      await new Promise<void>((resolve) => (events.release = resolve));
      await stream.write('two;');
      await stream.write('three');
    }),
  );
  app.post('/upload', async (c) => {
    const reader = c.req.raw.body!.getReader();
    const hash = createHash('sha256');
    let bytes = 0;
    let peak = 0;
    let next = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      bytes += value.length;
      if (bytes >= next) {
        // What the process holds now, garbage collected: a body held whole would show here.
        gc();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        next += 4 * 1024 * 1024;
      }
    }
    return c.json({ bytes, sha256: hash.digest('hex'), peak });
  });
  app.get('/wait', async (c) => {
    const signal = c.req.raw.signal;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => (events.aborted?.(signal.reason), resolve()), { once: true }));
    return c.text('never seen');
  });
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  app.onError((error, c) => c.json({ caught: error.message }, 418));
  return app;
}

async function listen(transport: Transport, handler: FetchHandler, options: ServerOptions & { onError?: (error: unknown) => void } = {}): Promise<Server> {
  const tls = transport.serverTls?.();
  const server = new Server(transport.address(), fetchApp(handler), { onError: () => {}, ...(tls === undefined ? {} : { tls }), ...options });
  await server.listen();
  return server;
}

/** The URL a Request shows for `path` on `server` with `client`'s Host (none on a plain Unix socket). */
function expectedUrl(transport: Transport, address: Address, client: Client, path: string): string {
  const scheme = transport.serverTls === undefined ? 'http' : 'https';
  if (client.host === null) return `${scheme}+unix://${encodeURIComponent(address as string)}${path}`;
  return new URL(path, `${scheme}://${client.host}`).href;
}

let skipIpv6: string | null = null;
before(async () => {
  skipIpv6 = await ipv6Unavailable();
});

for (const transport of TRANSPORTS) {
  describe(`fetchApp with Hono over ${transport.name}`, () => {
    const run = (name: string, fn: () => Promise<void>): void => {
      test(name, async (t) => {
        if (transport.name === 'ipv6' && skipIpv6 !== null) return t.skip(skipIpv6);
        await fn();
      });
    };
    const client = (server: Server): Client => new Client(server.address, transport.clientOptions());

    run('routes, params, query, headers, JSON both ways and the URL', async () => {
      const server = await listen(transport, honoApp().fetch);
      const c = client(server);
      const conn = await c.connect();
      const hello = await conn.get('/');
      assert.equal(hello.status, 200);
      assert.equal(await hello.body!.text(), 'hello from hono');
      assert.equal(hello.headers['content-length'], '15', 'a string body goes out whole, with its length');
      assert.match(String(hello.headers['content-type']), /^text\/plain; ?charset=UTF-8$/);
      const user = await conn.get('/users/42?q=x%20y', { 'X-Agent': 'test' });
      assert.deepEqual(await user.body!.json(), { id: '42', q: 'x y', agent: 'test' });
      const echo = await conn.post('/echo', { 'Content-Type': 'application/json' }, JSON.stringify({ a: [1, 2] }));
      assert.equal(echo.status, 201);
      assert.deepEqual(await echo.body!.json(), { got: { a: [1, 2] } });
      const urlencoded = await conn.post('/form', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'name=ada+l');
      assert.deepEqual(await urlencoded.body!.json(), { name: 'ada l', file: null });
      const data = new FormData();
      data.set('name', 'grace');
      data.set('file', new File(['file text'], 'notes.txt'));
      const encoded = new Response(data);
      const multipart = await conn.post('/form', { 'Content-Type': encoded.headers.get('content-type')! }, new Uint8Array(await encoded.arrayBuffer()));
      assert.deepEqual(await multipart.body!.json(), { name: 'grace', file: ['notes.txt', 'file text'] }, "Hono's parseBody() through the real Request's formData()");
      const url = await conn.get('/url?x=1');
      assert.equal(await url.body!.text(), expectedUrl(transport, server.address, c, '/url?x=1'));
      const missing = await conn.get('/nope');
      assert.equal(missing.status, 404);
      await missing.body?.text();
      conn.close();
      await server.close();
    });

    run('streamText: the first chunk arrives before the handler writes the next', async () => {
      const events: { release?: () => void } = {};
      const server = await listen(transport, honoApp(events).fetch);
      const conn = await client(server).connect();
      const response = await conn.get('/stream');
      assert.equal(response.status, 200);
      assert.equal(response.body?.chunked, true, 'a stream goes out chunked');
      const chunks = (response.body as AsyncIterable<{ data: Uint8Array }>)[Symbol.asyncIterator]();
      const first = await within(chunks.next(), 3000, 'the first chunk');
      assert.equal(Buffer.from(first.value!.data).toString(), 'one;');
      assert.notEqual(events.release, undefined, 'the handler waits: the stream has not ended');
      events.release!();
      let rest = '';
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) rest += Buffer.from(next.value.data).toString();
      assert.equal(rest, 'two;three');
      conn.close();
      await server.close();
    });

    run("Hono's onError answers a throw; a throw past it and a non-Response are the server's 500", async () => {
      const failures: unknown[] = [];
      const server = await listen(transport, honoApp().fetch, { onError: (error) => failures.push(error) });
      const conn = await client(server).connect();
      const caught = await conn.get('/boom');
      assert.equal(caught.status, 418);
      assert.deepEqual(await caught.body!.json(), { caught: 'kaboom' });
      conn.close();
      await server.close();
      assert.equal(failures.length, 0);

      const bare = await listen(transport, (request) => {
        if (new URL(request.url).pathname === '/throw') throw new Error('bare throw');
        return { status: 200, body: 'a warren response' } as unknown as Response;
      }, { onError: (error) => failures.push(error) });
      for (const path of ['/throw', '/object']) {
        const conn2 = await client(bare).connect();
        const res = await conn2.get(path);
        assert.equal(res.status, 500);
        await res.body?.text();
        conn2.close();
      }
      await bare.close();
      assert.equal((failures[0] as Error).message, 'bare throw');
      assert.equal((failures[1] as { code?: string }).code, 'invalid-response');
      assert.match((failures[1] as Error).message, /returned a plain object, not a Response.*new Response\(body, \{ status \}\)/);
    });

    run('request.signal aborts when the client goes away, and a cut stream is aborted', async () => {
      let aborted!: (reason: unknown) => void;
      const gone = new Promise<unknown>((resolve) => (aborted = resolve));
      let streamAborted!: () => void;
      const cut = new Promise<void>((resolve) => (streamAborted = resolve));
      const server = await listen(transport, honoApp({ aborted, streamAborted }).fetch);
      const raw = await RawClient.connect(server.address, transport.clientTls?.());
      raw.write('GET /wait HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      raw.close();
      const reason = await within(gone, 3000, 'the abort of request.signal');
      assert.equal((reason as { code?: string }).code, 'connection-closed');
      const raw2 = await RawClient.connect(server.address, transport.clientTls?.());
      raw2.write('GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await raw2.until(() => raw2.text.includes('one;'));
      raw2.close();
      await within(cut, 3000, "the stream's onAbort when the client went away mid-stream");
      await server.close({ timeout: 1000 });
    });

    run('HEAD, redirects, 204, a stream with its own Content-Length, and a stream that breaks', async () => {
      const failures: unknown[] = [];
      const app = new Hono();
      app.get('/page', (c) => c.text('a page'));
      app.get('/moved', (c) => c.redirect('/page', 301));
      app.delete('/gone', (c) => c.body(null, 204));
      app.get('/sized', () => {
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            controller.enqueue(Buffer.from('abc'));
            if ((controller.desiredSize ?? 0) <= 0) controller.close();
          },
        }, { highWaterMark: 0 });
        return new Response(stream, { headers: { 'content-length': '3' } });
      });
      app.get('/broken', () => {
        let sent = false;
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            if (sent) controller.error(new Error('the source broke'));
            else controller.enqueue(Buffer.from('partial'));
            sent = true;
          },
        }, { highWaterMark: 0 });
        return new Response(stream);
      });
      const server = await listen(transport, app.fetch, { onError: (error) => failures.push(error) });
      const conn = await client(server).connect();
      const head = await conn.head('/page');
      assert.equal(head.status, 200);
      assert.equal(head.body, null);
      const moved = await conn.get('/moved');
      assert.deepEqual([moved.status, moved.headers['location']], [301, '/page']);
      await moved.body?.text();
      const gone = await conn.delete('/gone');
      assert.equal(gone.status, 204);
      assert.equal(gone.body, null);
      const sized = await conn.get('/sized');
      assert.equal(sized.headers['content-length'], '3', 'a stream with a Content-Length goes out with it, not chunked');
      assert.equal(sized.body?.chunked, false);
      assert.equal(await sized.body!.text(), 'abc');
      const broken = await conn.get('/broken');
      assert.equal(broken.status, 200, 'the head was out before the source broke');
      await assert.rejects(broken.body!.text(), 'the body is cut, not ended as if whole');
      conn.close();
      await server.close();
      assert.match(String(failures[0]), /the source broke/, 'onError hears why the body was cut');
    });

    run('a handler that reads only method and url builds no Request and no body stream', async () => {
      const seen: LazyRequest[] = [];
      const handler: FetchHandler = (request) => {
        seen.push(request as unknown as LazyRequest);
        const what = `${request.method} ${new URL(request.url).pathname}`;
        if (request.headers.get('x-touch') === 'body') void request.body;
        return new Response(what);
      };
      const server = await listen(transport, handler);
      const conn = await client(server).connect();
      const plain = await conn.post('/lazy', {}, 'an unread body');
      assert.equal(await plain.body!.text(), 'POST /lazy');
      const touched = await conn.post('/lazy', { 'X-Touch': 'body' }, 'a body');
      assert.equal(await touched.body!.text(), 'POST /lazy');
      conn.close();
      await server.close();
      assert.equal(seen.length, 2);
      assert.ok(seen[0] instanceof Request, 'the lazy Request is a Request');
      assert.equal(seen[0]!.materialized, false, 'method, url and headers built no Request');
      assert.equal(seen[1]!.materialized, true, 'touching body does');
    });
  });
}

// The upload moves 64 MiB each way through a socket: over the two plain transports only (TLS adds minutes of CPU on a shared machine, not coverage).
for (const transport of TRANSPORTS.filter((t) => t.name === 'unix' || t.name === 'ipv4')) {
  test(`a 64 MiB upload over ${transport.name} streams through request.body in bounded memory`, async () => {
    const server = await listen(transport, honoApp().fetch, { maxBodyBytes: 128 * 1024 * 1024 });
    const conn = await new Client(server.address, transport.clientOptions()).connect();
    const piece = Buffer.alloc(64 * 1024, 7);
    const pieces = 1024;
    const expected = createHash('sha256');
    for (let i = 0; i < pieces; i++) expected.update(piece);
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const source = (async function* () {
      for (let i = 0; i < pieces; i++) yield piece;
    })();
    const response = await conn.post('/upload', {}, source);
    const result = (await response.body!.json()) as { bytes: number; sha256: string; peak: number };
    conn.close();
    await server.close();
    assert.equal(result.bytes, pieces * piece.length);
    assert.equal(result.sha256, expected.digest('hex'));
    const growth = result.peak - before;
    assert.ok(growth < 16 * 1024 * 1024, `memory held while 64 MiB went through: ${(growth / 1048576).toFixed(1)} MiB, not the body whole`);
  });
}

describe('a Hono app behind serve() of warren/app', () => {
  test('keeps the Host allow-list and cross-origin protection, and serves what passes', async () => {
    const served = await serve(fetchApp(honoApp().fetch), { quiet: true, onError: () => {} });
    const conn = await new Client(served.address).connect();
    const ok = await conn.get('/');
    assert.equal(ok.status, 200);
    assert.equal(await ok.body!.text(), 'hello from hono');
    const foreign = await conn.get('/', { Host: 'evil.example' });
    assert.equal(foreign.status, 421, 'a foreign Host (DNS rebinding) is refused');
    await foreign.body?.text();
    const conn2 = await new Client(served.address).connect();
    const crossSite = await conn2.post('/echo', { 'Content-Type': 'application/json', Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' }, '{}');
    assert.equal(crossSite.status, 403, 'a cross-site POST is refused');
    await crossSite.body?.text();
    const sameSite = await conn2.post('/echo', { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' }, '{"n":1}');
    assert.equal(sameSite.status, 201);
    assert.deepEqual(await sameSite.body!.json(), { got: { n: 1 } });
    conn.close();
    conn2.close();
    await served.close();
  });
});

test('a raw peer: HTTP/1.0 without Host gets the server address as origin; a bad Host is 400', async () => {
  const server = new Server(['127.0.0.1', 0], fetchApp((request) => new Response(request.url)), { onError: () => {}, requireHost: false });
  await server.listen();
  const [, port] = server.address as [string, number];
  const raw = await RawClient.connect(server.address);
  raw.write('GET /x?y HTTP/1.0\r\n\r\n');
  const [old] = await raw.responses(['GET']);
  assert.equal(old!.body, `http://127.0.0.1:${port}/x?y`);
  const raw2 = await RawClient.connect(server.address);
  raw2.write('GET /x HTTP/1.1\r\nHost: a@evil.example\r\n\r\n');
  const [bad] = await raw2.responses(['GET']);
  assert.equal(bad!.status, 400);
  assert.equal(header(bad!, 'connection'), 'close');
  raw.close();
  raw2.close();
  await server.close();
  // Hono reads request.url before its own error handling: the 400 is the server's still.
  const hono = await listen(TRANSPORTS.find((t) => t.name === 'ipv4')!, honoApp().fetch);
  const raw3 = await RawClient.connect(hono.address);
  raw3.write('GET / HTTP/1.1\r\nHost: x/y\r\n\r\n');
  const [refused] = await raw3.responses(['GET']);
  assert.equal(refused!.status, 400);
  assert.match(refused!.body, /invalid-host/);
  raw3.close();
  await hono.close();
});

test("compress() over fetchApp(): Hono's JSON gzipped, and request.signal still aborts through it (onConnect kept)", async () => {
  const app = new Hono();
  const items = Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i}` }));
  app.get('/items', (c) => c.json(items));
  let aborted!: () => void;
  const gone = new Promise<void>((resolve) => (aborted = resolve));
  app.get('/wait', async (c) => {
    await new Promise<void>((resolve) => c.req.raw.signal.addEventListener('abort', () => (aborted(), resolve()), { once: true }));
    return c.text('never seen');
  });
  const server = new Server(['127.0.0.1', 0], compress(fetchApp(app.fetch)), { onError: () => {} });
  await server.listen();
  const conn = await new Client(server.address).connect();
  const res = await conn.get('/items', { 'Accept-Encoding': 'gzip' });
  assert.equal(res.headers['content-encoding'], 'gzip');
  assert.deepEqual(JSON.parse(gunzipSync(await res.body!.bytes()).toString()), items);
  conn.close();
  const raw2 = await RawClient.connect(server.address);
  raw2.write('GET /wait HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  raw2.close();
  await within(gone, 3000, 'the abort through compress()');
  await server.close({ timeout: 1000 });
});
