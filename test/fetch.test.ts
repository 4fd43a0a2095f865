// createFetch over every transport (Unix, abstract, IPv4, IPv6, TLS over IPv4 and over Unix
// with client certificates): the Response's fields, request bodies of every BodyInit form,
// streaming both ways with backpressure, redirects in each mode, aborts before and during,
// network failures as undici reports them, and decoding of what compress() encoded.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Server, BodyIter, createFetch, compress, CONTENT_CODINGS, type App, type ServerOptions, type WarrenFetch, type Address } from '../src/index.js';
import { TRANSPORTS, ipv6Unavailable, type Transport } from './lib/transports.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Tells what the server received: method, target, Host, framing, type and the body. */
const echo: App = async (_session, request) => {
  const body = request.body === null ? null : await request.body.text();
  const out = {
    method: request.method,
    uri: request.uri,
    host: request.headers['host'] ?? null,
    length: request.headers['content-length'] ?? null,
    coding: request.fields.get('transfer-encoding'),
    type: request.headers['content-type'] ?? null,
    accept: request.headers['accept'] ?? null,
    acceptEncoding: request.headers['accept-encoding'] ?? null,
    x: request.headers['x-test'] ?? null,
    body,
  };
  return { status: 200, reason: 'Fine', headers: [['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Multi', 'x'], ['X-Multi', 'y']], body: JSON.stringify(out) };
};

async function serve(transport: Transport, app: App, options: ServerOptions = {}): Promise<Server> {
  const tls = transport.serverTls?.();
  const server = new Server(transport.address(), app, { onError: () => {}, ...(tls === undefined ? {} : { tls }), ...options });
  await server.listen();
  return server;
}

function fetchOver(transport: Transport, server: Server, options: Parameters<typeof createFetch>[1] = {}): { fetch: WarrenFetch; base: string } {
  const { tls } = transport.clientOptions();
  const fetch = createFetch(server.address, { ...(tls === undefined ? {} : { tls }), ...options });
  // The URL's host is only the Host field: the connection goes to the address.
  return { fetch, base: tls === undefined ? 'http://app.test' : 'https://localhost' };
}

let skipIpv6: string | null = null;
before(async () => {
  skipIpv6 = await ipv6Unavailable();
});

for (const transport of TRANSPORTS) {
  describe(`createFetch over ${transport.name}`, () => {
    const run = (name: string, fn: () => Promise<void>): void => {
      test(name, async (t) => {
        if (transport.name === 'ipv6' && skipIpv6 !== null) return t.skip(skipIpv6);
        await fn();
      });
    };

    run('GET: status, statusText, real Headers (repeated fields, set-cookie), url, the URL host as Host', async () => {
      const server = await serve(transport, echo);
      const { fetch, base } = fetchOver(transport, server);
      const response = await fetch(`${base}/a/b?c=d#frag`, { headers: { 'X-Test': 'yes' } });
      assert.ok(response instanceof Response);
      assert.equal(response.status, 200);
      assert.equal(response.statusText, 'Fine');
      assert.equal(response.ok, true);
      assert.ok(response.headers instanceof Headers);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('x-multi'), 'x, y');
      assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
      assert.equal(response.url, `${base}/a/b?c=d`, 'the url without its fragment');
      assert.equal(response.redirected, false);
      assert.equal(response.clone().url, response.url, 'a clone keeps the url');
      assert.ok(response.body instanceof ReadableStream);
      const got = (await response.json()) as Record<string, unknown>;
      assert.deepEqual([got['method'], got['uri'], got['host'], got['x'], got['accept'], got['body']], ['GET', '/a/b?c=d', new URL(base).host, 'yes', '*/*', null]);
      assert.match(String(got['acceptEncoding']), /^gzip, deflate, br/);
      // A URL object and a Request work too; HEAD has no body.
      const viaUrl = await fetch(new URL(`${base}/u`));
      assert.equal(((await viaUrl.json()) as Record<string, unknown>)['uri'], '/u');
      const viaRequest = await fetch(new Request(`${base}/r`, { method: 'DELETE', headers: { 'x-test': 'r' } }));
      const r = (await viaRequest.json()) as Record<string, unknown>;
      assert.deepEqual([r['method'], r['uri'], r['x']], ['DELETE', '/r', 'r']);
      const head = await fetch(`${base}/h`, { method: 'head' });
      assert.equal(head.status, 200);
      assert.equal(head.body, null);
      assert.equal(fetch.pool.connections, 1, 'one connection served them all');
      await fetch.close();
      await server.close();
    });

    run('request bodies: string, bytes, ArrayBuffer, URLSearchParams, Blob, FormData, ReadableStream', async () => {
      const server = await serve(transport, echo);
      const { fetch, base } = fetchOver(transport, server);
      const post = async (body: unknown, extra: RequestInit = {}): Promise<Record<string, unknown>> => {
        const response = await fetch(`${base}/p`, { method: 'POST', body: body as RequestInit['body'], ...extra });
        return (await response.json()) as Record<string, unknown>;
      };
      const text = await post('héllo');
      assert.deepEqual([text['length'], text['coding'], text['type'], text['body']], ['6', null, 'text/plain;charset=UTF-8', 'héllo']);
      const bytes = await post(new Uint8Array([0x61, 0x62, 0x63]));
      assert.deepEqual([bytes['length'], bytes['type'], bytes['body']], ['3', null, 'abc']);
      const buffer = await post(new TextEncoder().encode('buf').buffer);
      assert.deepEqual([buffer['length'], buffer['body']], ['3', 'buf']);
      const form = await post(new URLSearchParams({ a: '1', b: 'x y' }));
      assert.deepEqual([form['type'], form['body']], ['application/x-www-form-urlencoded;charset=UTF-8', 'a=1&b=x+y']);
      const blob = await post(new Blob(['bl', 'ob'], { type: 'text/x-blob' }));
      assert.deepEqual([blob['length'], blob['coding'], blob['type'], blob['body']], ['4', null, 'text/x-blob', 'blob'], 'a Blob has a known length');
      const data = new FormData();
      data.set('field', 'value');
      const multi = await post(data);
      assert.match(String(multi['type']), /^multipart\/form-data; boundary=/);
      assert.match(String(multi['body']), /name="field"\r\n\r\nvalue\r\n/);
      const stream = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(new TextEncoder().encode('str'));
          await delay(5);
          c.enqueue(new TextEncoder().encode('eam'));
          c.close();
        },
      });
      const streamed = await post(stream, { duplex: 'half' } as RequestInit);
      assert.deepEqual([streamed['length'], streamed['coding'], streamed['body']], [null, 'chunked', 'stream']);
      await assert.rejects(fetch(`${base}/p`, { method: 'POST', body: new ReadableStream() }), /duplex: 'half'/);
      await assert.rejects(fetch(`${base}/p`, { method: 'GET', body: 'x' }), /GET request cannot have a body/);
      await fetch.close();
      await server.close();
    });

    run('a response body streams: the first piece is read before the server writes the second', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const server = await serve(transport, () => ({
        status: 200,
        body: (async function* () {
          yield 'first;';
          await released;
          yield 'second';
        })(),
      }));
      const { fetch, base } = fetchOver(transport, server);
      const response = await fetch(`${base}/s`);
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.equal(new TextDecoder().decode(first.value), 'first;');
      release();
      const second = await reader.read();
      assert.equal(new TextDecoder().decode(second.value), 'second');
      assert.equal((await reader.read()).done, true);
      await fetch.close();
      await server.close();
    });

    run('backpressure: an unread body stops the server well before its end', async () => {
      const piece = Buffer.alloc(64 * 1024, 0x61);
      const total = 64 * 1024 * 1024;
      let produced = 0;
      const server = await serve(transport, () => ({
        status: 200,
        body: new BodyIter((async function* () {
          for (let sent = 0; sent < total; sent += piece.length) {
            produced += piece.length;
            yield piece;
          }
        })(), total),
      }));
      const { fetch, base } = fetchOver(transport, server);
      const response = await fetch(`${base}/big`);
      const reader = response.body!.getReader();
      await reader.read();
      await delay(300);
      const stalled = produced;
      await delay(200);
      assert.ok(produced < total / 4, `the server produced ${produced} of ${total} bytes while nobody read`);
      assert.equal(produced, stalled, 'production stopped');
      await reader.cancel();
      await fetch.close();
      await server.close();
    });

    run('redirects: follow (303 and POST 301/302 become GET, 307 keeps the body), manual, error, the limit, another origin', async () => {
      let hits = 0;
      const server = await serve(transport, async (_session, request) => {
        hits++;
        const [kind, n] = request.path;
        const to = (location: string, status: number) => ({ status, headers: { location }, body: 'moved' });
        switch (kind) {
          case 's303': return to('/final', 303);
          case 's301': return to('/final', 301);
          case 's302': return to('final', 302); // relative: against /s302 it is /final
          case 's307': return to('/final', 307);
          case 'long': return { status: 302, headers: { location: '/final' }, body: Buffer.alloc(512 * 1024, 0x6d) };
          case 'loop': return to(`/loop/${Number(n ?? 0) + 1}`, 302);
          case 'chain': return Number(n) < 20 ? to(`/chain/${Number(n) + 1}`, 307) : echo(_session, request, undefined as never);
          case 'away': return to('http://elsewhere.test:8080/final', 302);
          case 'final': return echo(_session, request, undefined as never);
          default: return { status: 404, body: 'no' };
        }
      });
      const { fetch, base } = fetchOver(transport, server);
      const json = async (r: Response): Promise<Record<string, unknown>> => (await r.json()) as Record<string, unknown>;
      const r303 = await fetch(`${base}/s303`, { method: 'PUT', body: 'data' });
      assert.equal(r303.redirected, true);
      assert.equal(r303.url, `${base}/final`);
      const g303 = await json(r303);
      assert.deepEqual([g303['method'], g303['body'], g303['type'], g303['length']], ['GET', null, null, null], '303 -> GET, body and its fields dropped');
      const g301 = await json(await fetch(`${base}/s301`, { method: 'POST', body: 'data' }));
      assert.deepEqual([g301['method'], g301['body']], ['GET', null]);
      const g302 = await json(await fetch(`${base}/s302`, { method: 'POST', body: 'data' }));
      assert.deepEqual([g302['method'], g302['uri']], ['GET', '/final']);
      const g307 = await json(await fetch(`${base}/s307`, { method: 'POST', body: 'data' }));
      assert.deepEqual([g307['method'], g307['body'], g307['type']], ['POST', 'data', 'text/plain;charset=UTF-8'], '307 keeps method and body');
      const stream = new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([1])), c.close()) });
      const unreplayable = await fetch(`${base}/s307`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit).catch((e: unknown) => e);
      assert.ok(unreplayable instanceof TypeError);
      assert.equal((unreplayable.cause as { code: string }).code, 'redirect-unreplayable');

      // A redirect body too long to read away ends its connection; the redirect is followed on another.
      const long = await json(await fetch(`${base}/long`));
      assert.equal(long['uri'], '/final');

      const manual = await fetch(`${base}/s303`, { redirect: 'manual' });
      assert.deepEqual([manual.status, manual.headers.get('location'), manual.redirected, await manual.text()], [303, '/final', false, 'moved']);
      const refused = await fetch(`${base}/s303`, { redirect: 'error' }).catch((e: unknown) => e);
      assert.ok(refused instanceof TypeError && refused.message === 'fetch failed');
      assert.equal((refused.cause as { code: string }).code, 'redirect-refused');

      hits = 0;
      const loop = await fetch(`${base}/loop/0`).catch((e: unknown) => e);
      assert.ok(loop instanceof TypeError);
      assert.equal((loop.cause as { code: string }).code, 'too-many-redirects');
      assert.equal(hits, 21, 'the first request and 20 redirects');
      const chain = await fetch(`${base}/chain/0`);
      assert.deepEqual([chain.status, chain.redirected, chain.url], [200, true, `${base}/chain/20`], 'exactly 20 redirects are followed');
      assert.equal(((await chain.json()) as Record<string, unknown>)['uri'], '/chain/20');

      const away = await fetch(`${base}/away`).catch((e: unknown) => e);
      assert.ok(away instanceof TypeError);
      const cause = away.cause as { code: string; message: string };
      assert.equal(cause.code, 'redirect-cross-origin');
      assert.match(cause.message, /another origin.*redirect: 'manual'/);
      await fetch.close();
      await server.close();
    });

    run('abort: before sending, while waiting for the head, while reading the body; cancel frees the pool', async () => {
      let gate!: () => void;
      let stopDrips!: () => void;
      const dripsStopped = new Promise<void>((resolve) => (stopDrips = resolve));
      const server = await serve(transport, async (_session, request) => {
        if (request.path[0] === 'slow') await new Promise<void>((resolve) => (gate = resolve));
        if (request.path[0] === 'drip') {
          return { status: 200, body: (async function* () { yield 'a'; await dripsStopped; yield 'b'; })() };
        }
        return { status: 200, body: 'fast' };
      });
      const { fetch, base } = fetchOver(transport, server, { maxConnections: 1 });
      const early = AbortSignal.abort();
      await assert.rejects(fetch(`${base}/x`, { signal: early }), (e: unknown) => e === early.reason);

      const during = new AbortController();
      const pending = fetch(`${base}/slow`, { signal: during.signal });
      await delay(50);
      during.abort();
      await assert.rejects(pending, (e: unknown) => e instanceof DOMException && e.name === 'AbortError');
      gate?.();

      const body = new AbortController();
      const dripping = await fetch(`${base}/drip`, { signal: body.signal });
      const reader = dripping.body!.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), 'a');
      const next = reader.read();
      body.abort();
      await assert.rejects(next, (e: unknown) => e instanceof DOMException && e.name === 'AbortError');

      // A cancelled body ends its connection: the one connection of the pool serves again.
      const cancelled = await fetch(`${base}/drip`);
      await cancelled.body!.cancel();
      const after = await Promise.race([fetch(`${base}/fast`).then((r) => r.text()), delay(3000).then(() => 'stuck')]);
      assert.equal(after, 'fast');
      stopDrips();
      await fetch.close();
      await server.close();
    });

    run('network failure: TypeError("fetch failed") with the RequestError as cause; scheme and TLS must agree', async () => {
      const server = await serve(transport, echo);
      const address = server.address;
      await server.close();
      const { fetch, base } = fetchOver(transport, { address } as Server, { connectTimeout: 2000 });
      const failed = await fetch(`${base}/`).catch((e: unknown) => e);
      assert.ok(failed instanceof TypeError);
      assert.equal(failed.message, 'fetch failed');
      assert.equal((failed.cause as { name: string }).name, 'RequestError');
      assert.match((failed.cause as { code: string }).code, /^connect-/);
      const wrong = base.startsWith('https:') ? 'http://localhost/' : 'https://localhost/';
      await assert.rejects(fetch(wrong), /URL .* but this fetch/);
      await assert.rejects(fetch('/relative'), /not an absolute URL/);
      await assert.rejects(fetch('ftp://localhost/'), /http: and https: only/);
      await assert.rejects(fetch(`${base.replace('//', '//user:pw@')}/`), /credentials/);
      await fetch.close();
    });

    run('compress() and decompression: each coding round trips, streamed and whole', async () => {
      const text = 'warren '.repeat(2000);
      const server = await serve(transport, compress((_session, request) => {
        const streamed = request.path[0] === 'stream';
        return {
          status: 200,
          headers: { 'content-type': 'text/plain; charset=utf-8', etag: '"v1"' },
          body: streamed ? (async function* () { yield text.slice(0, 5000); await delay(5); yield text.slice(5000); })() : text,
        };
      }));
      const { fetch, base } = fetchOver(transport, server);
      for (const coding of CONTENT_CODINGS) {
        for (const kind of ['whole', 'stream']) {
          const response = await fetch(`${base}/${kind}`, { headers: { 'accept-encoding': coding } });
          assert.equal(response.headers.get('content-encoding'), coding, `${kind} ${coding}`);
          assert.equal(response.headers.get('vary'), 'Accept-Encoding');
          assert.equal(response.headers.get('etag'), 'W/"v1"');
          assert.equal(await response.text(), text, `${kind} ${coding} decodes to the text`);
        }
      }
      const plain = await fetch(`${base}/whole`, { headers: { 'accept-encoding': 'identity' } });
      assert.deepEqual([plain.headers.get('content-encoding'), plain.headers.get('content-length'), plain.headers.get('etag')], [null, String(text.length), '"v1"']);
      assert.equal(await plain.text(), text);
      await fetch.close();
      await server.close();
    });
  });
}

describe('createFetch over an IPv6 address with a zone', () => {
  test('[::1, port, 0, "lo"] reaches a server on ::1', async (t) => {
    const why = (await ipv6Unavailable()) ?? null;
    if (why !== null) return t.skip(why);
    const server = new Server(['::1', 0], echo, { onError: () => {} });
    await server.listen();
    const port = (server.address as readonly [string, number])[1];
    const scoped: Address = ['::1', port, 0, 'lo'];
    const fetch = createFetch(scoped);
    try {
      const response = await fetch('http://[::1]/zoned').catch((e: unknown) => e);
      if (response instanceof TypeError) {
        // The kernel decides whether loopback takes a scope: say so rather than pass quietly.
        return t.skip(`the kernel refuses ::1 scoped to lo: ${String((response.cause as Error).message)}`);
      }
      const got = (await (response as Response).json()) as Record<string, unknown>;
      assert.deepEqual([got['uri'], got['host']], ['/zoned', '[::1]']);
    } finally {
      await fetch.close();
      await server.close();
    }
  });
});
