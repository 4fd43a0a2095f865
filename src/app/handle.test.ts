// asApp() in memory: results through toResponse(), HttpError pages, 500 pages in both
// modes, reporting (a failing reporter included), and the wrappers' types and hooks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fields } from '../protocol/index.js';
import { ServerRequest, Session, bodies, type App, type AppResponse } from '../index.js';
import { HttpError } from './errors.js';
import { asApp, failurePage } from './handle.js';
import { crossOriginProtection } from './origin.js';
import { hostAllowList } from './hosts.js';
import { raw } from './html.js';
import type { Handler } from './response.js';
import { serial } from './serial.js';

const request = (uri = '/'): ServerRequest => new ServerRequest('GET', uri, '1.1', new Fields(), null);
const session = new Session(['127.0.0.1', 1]);
const flat = (body: unknown): string => (Array.isArray(body) ? body.map(flat).join('') : String(body));
const text = (response: AppResponse): string => flat(response.body);

test('asApp: a bare body is a 200 page, an AppResponse stays as it is, sync or async', async () => {
  const page = raw('<b>hi</b>');
  assert.deepEqual(await asApp(() => page)(session, request(), bodies), { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page });
  const response = { status: 204 };
  assert.equal(await asApp(async () => response)(session, request(), bodies), response);
});

test('asApp: HttpError is its page and not reported; a bad result or a throw is a 500, reported once', async () => {
  const reported: unknown[] = [];
  const onError = (error: unknown) => void reported.push(error);
  const gone = (await asApp(() => {
    throw new HttpError(413, 'form-too-large', 'The form is over 1 MiB.');
  }, { onError })(session, request(), bodies)) as AppResponse;
  assert.equal(gone.status, 413);
  assert.match(text(gone), /The form is over 1 MiB\./);
  assert.equal(reported.length, 0);
  const bad = (await asApp((() => 42) as unknown as Handler, { onError, dev: true })(session, request(), bodies)) as AppResponse;
  assert.equal(bad.status, 500);
  assert.match(text(bad), /a handler returns \{ status, headers\?, body\? \}.*got the number 42/s);
  const thrown = (await asApp(() => Promise.reject('a string'), { onError, dev: true })(session, request('/p?<x>'), bodies)) as AppResponse;
  assert.match(text(thrown), /GET \/p\?&lt;x&gt;.*a thrown value that is not an Error: the string &#34;a string&#34;/s);
  assert.equal(reported.length, 2);
});

test('asApp: a reporter that throws still gives the 500 page; the causes of an error are shown in development', async () => {
  const failing = asApp(() => {
    throw new Error('outer', { cause: new Error('inner <cause>') });
  }, { dev: true, onError: () => { throw new Error('reporter broke'); } });
  const page = (await failing(session, request(), bodies)) as AppResponse;
  assert.equal(page.status, 500);
  assert.match(text(page), /Error: outer[\s\S]*caused by: Error: inner &lt;cause&gt;/);
  assert.doesNotMatch(text(failurePage(new Error('hidden'), request(), false)), /hidden/);
});

test('asApp: refuses a handler that is not a function, and a dev that is not a boolean', () => {
  assert.throws(() => asApp(null as unknown as Handler), /asApp\(\) takes a handler.*got null/);
  assert.throws(() => asApp(() => '', { dev: 'yes' as unknown as boolean }), /dev option is true or false; got the string "yes"/);
});

test('wrappers: an App wrapped is still an App (types), and its onConnect hook is kept', () => {
  const hook = () => true;
  const app: App = Object.assign(() => ({ status: 200 }), { onConnect: hook });
  const wrapped: App[] = [serial(app), hostAllowList(app, { port: 1 }), crossOriginProtection(app), asApp(app)];
  for (const w of wrapped) assert.equal(w.onConnect, hook);
  // A Handler that returns a bare body stays a Handler (not an App) through the wrappers.
  const handler: Handler<{ id: string }> = (_s, r) => r.params.id;
  const still: Handler<{ id: string }> = serial(hostAllowList(crossOriginProtection(handler)));
  assert.equal(typeof still, 'function');
});
