// Params typed from the pattern, checked by tsc: each `@ts-expect-error` line must be an
// error, or the build fails (an unused directive is itself an error). The runtime part
// checks that the same handlers get the values the types promise.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, type App } from '../../index.js';
import { text, type Handler } from '../response.js';
import type { Params } from './params.js';
import { Router } from './router.js';
import { bodyText, noBodies, request, session } from './test-helpers.js';

/** True only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(value: Equal<A, B>): Equal<A, B> => value;

same<Params<'/a/:id'>, { readonly id: string }>(true);
same<Params<'/tasks/:id/*rest'>, { readonly id: string; readonly rest: string }>(true);
same<Params<'/users/:uid/posts/:pid/'>, { readonly uid: string; readonly pid: string }>(true);
same<Params<'/static/page'>, {}>(true);
same<Params<'/'>, {}>(true);
same<Params<string>, Readonly<Record<string, string>>>(true);
// @ts-expect-error: Params<'/a/:id'> has no `rest`.
same<Params<'/a/:id'>, { readonly id: string; readonly rest: string }>(true);

const router = new Router()
  .get('/tasks/:id/*rest', (_s, req) => text(`${req.params.id} ${req.params.rest}`))
  .post('/tasks/:id', (_s, req) => {
    // @ts-expect-error: '/tasks/:id' has no param `nope`.
    const nope: string = req.params.nope;
    return text(`${req.params.id} ${String(nope)}`);
  })
  .get('/plain', (_s, req) => {
    // @ts-expect-error: a pattern without params gives no names.
    void req.params.id;
    return 'plain';
  })
  // @ts-expect-error: params are read-only.
  .get('/ro/:id', (_s, req) => ((req.params.id = 'x'), 'ro'));

// A mounted router names what its parent's prefix gives.
const repos = new Router<{ readonly org: string }>().get('/:repo', (_s, req) => text(`${req.params.org}/${req.params.repo}`));
router.mount('/orgs/:org', repos);

// A Router is a warren App, a handler, and goes to new Server() as it is.
const asApp: App = router;
const asHandler: Handler = router;
void asHandler;

test('the typed handlers get the values their types promise', async () => {
  const a = await asApp(session, request('GET', '/tasks/7/a/b'), noBodies);
  assert.equal(bodyText(a.body), '7 a/b');
  const b = await router(session, request('GET', '/orgs/warren/app'), noBodies);
  assert.equal(bodyText(b.body), 'warren/app');
  assert.doesNotThrow(() => new Server('/tmp/warren-router-types-never-listened.sock', router));
});
