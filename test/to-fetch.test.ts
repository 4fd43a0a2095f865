// toFetch(): warren apps called as fetch handlers, in-process: every OutgoingBody form
// back as a Response, request bodies streamed from the Request as the app reads, HEAD and
// 204 without bodies, a warren/app Router, failures as rejections, and a warren app
// mounted inside a Hono app.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { mount } from 'hono/mount';
import { BodyIter, ChunkedBodyIter, toFetch, fetchApp, type App } from '../src/index.js';
import { Router, json } from '../src/app/index.js';

const forms: App = async (_session, request) => {
  switch (request.path[0]) {
    case 'string':
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'a string' };
    case 'bytes':
      return { status: 200, body: Buffer.from([1, 2, 3]) };
    case 'iolist':
      return { status: 200, body: ['io', ['li', Buffer.from('st')]] };
    case 'iter':
      return { status: 200, body: new BodyIter(['ab', Buffer.from('cd')], 4) };
    case 'chunked':
      return { status: 200, body: new ChunkedBodyIter([{ data: 'x' }, { data: 'y', extensions: [['e', null]] }, { trailers: { t: '1' } }]) };
    case 'async':
      return { status: 200, body: (async function* () { yield 'p'; yield Buffer.from('q'); })() };
    case 'echo':
      return { status: 200, headers: { 'x-method': request.method, 'x-uri': request.uri, 'x-host': request.headers['host'] as string }, body: request.body };
    case 'none':
      return { status: 204, headers: { 'x-empty': 'yes' } };
    case 'reason':
      return { status: 299, reason: 'Fine Indeed', body: 'r' };
    case 'cookies':
      return { status: 200, headers: { 'set-cookie': ['a=1', 'b=2'] } };
    case 'throw':
      throw new Error('the app failed');
    default:
      return { status: 200, body: { not: 'a body' } as unknown as string };
  }
};

test('every OutgoingBody form comes back as the Response body, with the framing warren would give', async () => {
  const fetch = toFetch(forms);
  const get = (path: string, init?: RequestInit): Promise<Response> => fetch(new Request(`http://app.test${path}`, init));
  const text = async (path: string): Promise<[string, Response]> => {
    const response = await get(path);
    return [await response.text(), response];
  };
  const [s, string] = await text('/string');
  assert.equal(s, 'a string');
  assert.equal(string.headers.get('content-length'), '8');
  assert.equal(string.headers.get('content-type'), 'text/plain');
  assert.deepEqual([...new Uint8Array(await (await get('/bytes')).arrayBuffer())], [1, 2, 3]);
  assert.equal((await text('/iolist'))[0], 'iolist');
  const [i, iter] = await text('/iter');
  assert.equal(i, 'abcd');
  assert.equal(iter.headers.get('content-length'), '4');
  const [c, chunked] = await text('/chunked');
  assert.equal(c, 'xy');
  assert.equal(chunked.headers.get('transfer-encoding'), null, 'chunked is a wire form: not in the Response');
  assert.equal((await text('/async'))[0], 'pq');
  const none = await get('/none');
  assert.equal(none.status, 204);
  assert.equal(none.body, null);
  assert.equal(none.headers.get('x-empty'), 'yes');
  const reason = await get('/reason');
  assert.deepEqual([reason.status, reason.statusText], [299, 'Fine Indeed']);
  assert.deepEqual((await get('/cookies')).headers.getSetCookie(), ['a=1', 'b=2']);
  const head = await get('/string', { method: 'HEAD' });
  assert.equal(head.body, null);
  assert.equal(head.headers.get('content-length'), '8', 'HEAD keeps the length GET would have');
  await assert.rejects(get('/throw'), /the app failed/);
  await assert.rejects(get('/object'), { code: 'misuse' });
  await assert.rejects(() => toFetch(forms)({ url: 'http://x/' } as Request), { code: 'misuse' });
  assert.throws(() => toFetch('app' as unknown as App), { code: 'misuse' });
});

test('a request body streams from the Request as the app reads it, pull by pull', async () => {
  let pulled = 0;
  const parts = ['alpha', 'beta', 'gamma'];
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = parts[pulled++];
        if (next === undefined) controller.close();
        else controller.enqueue(Buffer.from(next));
      },
    },
    { highWaterMark: 0 },
  );
  const seen: number[] = [];
  const app: App = async (_session, request) => {
    const chunks: string[] = [];
    seen.push(pulled);
    for await (const chunk of request.body as AsyncIterable<{ data: Uint8Array }>) {
      chunks.push(Buffer.from(chunk.data).toString());
      seen.push(pulled);
    }
    return { status: 200, body: JSON.stringify({ chunked: request.body?.chunked, chunks, te: request.headers['transfer-encoding'] ?? null }) };
  };
  const response = await toFetch(app)(new Request('http://app.test/up', { method: 'POST', body: stream, duplex: 'half' } as RequestInit));
  assert.deepEqual(await response.json(), { chunked: true, chunks: parts, te: null });
  assert.equal(seen[0], 0, 'nothing is pulled before the app reads');
  assert.deepEqual(seen.slice(1), [1, 2, 3], 'one pull per piece read');

  const echoed = await toFetch(forms)(new Request('http://app.test/echo?x=1', { method: 'PUT', body: 'sent along', headers: { 'content-length': '10' } }));
  assert.equal(await echoed.text(), 'sent along');
  assert.deepEqual([echoed.headers.get('x-method'), echoed.headers.get('x-uri'), echoed.headers.get('x-host')], ['PUT', '/echo?x=1', 'app.test']);
});

test('a response stream is pulled only as the Response body is read', async () => {
  let made = 0;
  const app: App = () => ({
    status: 200,
    body: (async function* () {
      for (let i = 0; i < 100; i++) {
        made++;
        yield `${i};`;
      }
    })(),
  });
  const response = await toFetch(app)(new Request('http://app.test/'));
  const reader = response.body!.getReader();
  await reader.read();
  await reader.read();
  assert.ok(made <= 3, `pieces made for two reads: ${made}`);
  await reader.cancel();
});

test('a warren/app Router as a fetch handler, and mounted in a Hono app', async () => {
  const router = new Router()
    .get('/tasks/:id', (_session, request) => json({ id: request.params.id }))
    .post('/tasks', async (_session, request) => json({ posted: await request.body?.json() }, 201));
  const fetch = toFetch(router);
  const task = await fetch(new Request('http://app.test/tasks/7'));
  assert.equal(task.status, 200);
  assert.deepEqual(await task.json(), { id: '7' });
  const posted = await fetch(new Request('http://app.test/tasks', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', 'content-length': '7' } }));
  assert.equal(posted.status, 201);
  assert.deepEqual(await posted.json(), { posted: { a: 1 } });
  const wrong = await fetch(new Request('http://app.test/tasks/7', { method: 'DELETE' }));
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow') ?? '', /GET/);

  const hono = new Hono();
  hono.get('/', (c) => c.text('hono root'));
  hono.all('/legacy/*', mount(fetch));
  assert.equal(await (await hono.request('/')).text(), 'hono root');
  const mounted = await hono.request('/legacy/tasks/9');
  assert.deepEqual(await mounted.json(), { id: '9' }, "Hono's mount() strips its prefix; the router sees /tasks/9");

  // A fetchApp() mounted in a Router sees only the rest of the path, as any mounted App does.
  const outer = new Router().get('/', () => 'outer').mount('/hono', fetchApp(hono.fetch));
  const inner = await toFetch(outer)(new Request('http://app.test/hono/legacy/tasks/5?x=1'));
  assert.deepEqual(await inner.json(), { id: '5' });
  const urlSeen = new Hono().get('/where', (c) => c.text(c.req.url));
  const seen = await toFetch(new Router().mount('/deep', fetchApp(urlSeen.fetch)))(new Request('http://app.test/deep/where?q=%20'));
  assert.equal(await seen.text(), 'http://app.test/where?q=%20');

  // And round trip: the Hono app through fetchApp() and back through toFetch(), with no socket.
  const round = await toFetch(fetchApp(hono.fetch))(new Request('http://app.test/legacy/tasks/3'));
  assert.deepEqual(await round.json(), { id: '3' });
});
