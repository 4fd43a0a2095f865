// The pieces of fetchApp() without a socket: the URL a Request shows (checked against what
// `new Request(url).url` serializes), the lazy Request's members, and how a Response is
// read into an AppResponse (whole when its stream ends without waiting, else streamed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fields } from '../protocol/index.js';
import { Body, type BodySource } from '../transport/body.js';
import type { DataEvent, EndOfMessageEvent } from '../protocol/index.js';
import { originOf, requestUrl, unixOrigin } from './fetch-url.js';
import { LazyRequest } from './fetch-request.js';
import { toAppResponse, type Tracker } from './fetch-response.js';

test('origins: host[:port] normalized as URL does; userinfo, paths and bad ports refused', () => {
  assert.equal(originOf('http', 'example.com'), 'http://example.com');
  assert.equal(originOf('http', 'EXAMPLE.com:80'), 'http://example.com');
  assert.equal(originOf('https', 'example.com:443'), 'https://example.com');
  assert.equal(originOf('https', 'localhost:8443'), 'https://localhost:8443');
  assert.equal(originOf('http', '[::1]:8080'), 'http://[::1]:8080');
  for (const bad of ['a@evil.example', 'a/b', 'a?b', 'a#b', 'a:99999', 'a b', '', 'x:y@z']) assert.equal(originOf('http', bad), null, bad);
  assert.equal(unixOrigin('http', '/tmp/w s.sock'), 'http+unix://%2Ftmp%2Fw%20s.sock');
});

test('request URLs equal what a real Request serializes, fast path or not', () => {
  const origin = 'http://example.com';
  const targets = ['/', '/a/b?c=d&e', '/a/./b', '/a/../b', '/%7Euser', '/caf%C3%A9', '/a\\b', '/Ab-C_d.e~!$&\'()*+,;=:@', '//x/y', '/?q=%20', '/a#b'];
  for (const target of targets) {
    const url = requestUrl(origin, target);
    assert.equal(url, new Request(origin + target).url, target);
  }
  assert.equal(requestUrl(origin, 'http://other.example/x'), 'http://other.example/x', 'absolute-form is the URL itself');
  assert.equal(requestUrl(origin, 'HTTPS://Other.example:443/x'), 'https://other.example/x');
  assert.equal(requestUrl(origin, '*'), null);
  assert.equal(requestUrl(origin, 'example.com:443'), null);
  assert.equal(requestUrl(origin, 'ftp://x/y'), null);
  const unix = unixOrigin('http', '/run/app.sock');
  assert.equal(new URL(requestUrl(unix, '/a?b')!).pathname, '/a');
});

type Piece = DataEvent | EndOfMessageEvent;
function bodyOf(pieces: string[]): { body: Body; pulls: () => number } {
  let pulls = 0;
  const queue: Piece[] = pieces.map((p) => ({ type: 'data', data: Buffer.from(p), extensions: null, chunkEnd: false }) as DataEvent);
  queue.push({ type: 'end-of-message', extensions: null, trailers: null });
  const source: BodySource = { next: () => (pulls++, Promise.resolve(queue.shift()!)) };
  return { body: new Body(source, pieces.join('').length), pulls: () => pulls };
}

function lazy(method: string, body: Body | null, lines: [string, string][] = [['Host', 'example.com']]): LazyRequest {
  return new LazyRequest({ method, fields: new Fields(lines), body, url: () => 'http://example.com/p', controller: () => new AbortController() });
}

test('a LazyRequest: a Request to instanceof and to fetch, built only when needed', async () => {
  const { body, pulls } = bodyOf(['ab', 'cd']);
  const request = lazy('post', body, [['Host', 'example.com'], ['X-A', '1'], ['x-a', '2'], ['Cookie', 'a=1']]);
  assert.ok(request instanceof Request);
  assert.equal(request.method, 'POST', 'DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased, as fetch does');
  assert.equal(lazy('patch', null).method, 'patch');
  const bodiless = lazy('GET', null);
  assert.equal(bodiless.body, null);
  assert.equal(bodiless.materialized, false, 'a request without a body has no stream to build');
  assert.equal(request.url, 'http://example.com/p');
  assert.equal(request.headers.get('x-a'), '1, 2');
  assert.equal(request.materialized, false);
  assert.equal(pulls(), 0, 'nothing read yet');
  assert.equal(await request.text(), 'abcd');
  assert.equal(request.bodyUsed, true);
  assert.equal(request.materialized, false, 'text() read the warren body directly');
  await assert.rejects(request.text(), /Body is unusable/);
  // Any other member builds the real Request, which then answers for all.
  assert.equal((request as unknown as Request).cache, 'default');
  assert.equal(request.materialized, true);
  assert.equal(request.headers.get('cookie'), 'a=1');
});

test('a LazyRequest body stream pulls one piece per read, and clone() works', async () => {
  const { body, pulls } = bodyOf(['one', 'two', 'three']);
  const request = lazy('PUT', body);
  const reader = request.body!.getReader();
  assert.equal(pulls(), 0, 'making the stream reads nothing ahead');
  const first = await reader.read();
  assert.equal(Buffer.from(first.value!).toString(), 'one');
  assert.equal(pulls(), 1);
  let rest = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
  assert.equal(rest, 'twothree');
  const { body: body2 } = bodyOf(['x']);
  const cloned = (lazy('POST', body2) as unknown as Request).clone();
  assert.equal(await cloned.text(), 'x');
});

function tracker(): Tracker & { log: string[] } {
  const log: string[] = [];
  return { log, finished: (cut) => void log.push(cut ? 'cut' : 'done'), streaming: () => void log.push('streaming') };
}

test('a Response whose body ends without waiting goes out whole; one that waits streams', async () => {
  const t1 = tracker();
  const whole = await toAppResponse(new Response('hello', { status: 201, headers: { 'X-A': '1', 'Transfer-Encoding': 'chunked' } }), 'GET', t1);
  assert.equal(whole.status, 201);
  assert.equal(Buffer.from(whole.body as Uint8Array).toString(), 'hello');
  assert.deepEqual(whole.headers, [['content-type', 'text/plain;charset=UTF-8'], ['x-a', '1']], 'Transfer-Encoding is warren\'s to set');
  assert.deepEqual(t1.log, ['done']);

  const t2 = tracker();
  const none = await toAppResponse(new Response(null, { status: 204 }), 'GET', t2);
  assert.equal(none.body, undefined);
  const head = await toAppResponse(new Response('not sent', { headers: { 'content-length': '8' } }), 'HEAD', t2);
  assert.equal(head.body, undefined, 'HEAD sends no body; its length stays');

  let release!: () => void;
  const later = new Promise<void>((resolve) => (release = resolve));
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(Buffer.from('a'));
      await later;
      controller.enqueue(Buffer.from('b'));
      controller.close();
    },
  });
  const t3 = tracker();
  const streamed = await toAppResponse(new Response(stream), 'GET', t3);
  assert.deepEqual(t3.log, ['streaming'], 'the head goes out before the stream ends');
  const out: string[] = [];
  const iterator = (streamed.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  out.push(Buffer.from((await iterator.next()).value as Uint8Array).toString());
  release();
  for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) out.push(Buffer.from(r.value).toString());
  assert.deepEqual(out, ['a', 'b']);
  assert.deepEqual(t3.log, ['streaming', 'done']);

  await assert.rejects(toAppResponse({ status: 200 }, 'GET', tracker()), { code: 'invalid-response' });
  await assert.rejects(toAppResponse(Response.error(), 'GET', tracker()), /network error/);
});
