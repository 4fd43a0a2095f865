// The router's behaviour, table by table: precedence, conflicts refused with both patterns,
// 404, 405 with Allow, HEAD, OPTIONS, canonical redirects (query kept, never to another
// origin), percent-decoding of params, HttpError, bare bodies, and mount().

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { App, AppResponse } from '../../index.js';
import { HttpError } from '../errors.js';
import { text } from '../response.js';
import { Router, RouteConflictError } from './router.js';
import { RoutePatternError } from './pattern.js';
import { bodyText, header, noBodies, request, session } from './test-helpers.js';

/** Every route answers its pattern and params, as text. */
function echoRouter(patterns: readonly string[], method = 'GET'): Router {
  const router = new Router();
  for (const pattern of patterns) router.route(method, pattern, (_s, req) => text(`${pattern} ${JSON.stringify(req.params)}`));
  return router;
}

async function answer(app: App, method: string, uri: string): Promise<AppResponse> {
  return await app(session, request(method, uri), noBodies);
}

describe('precedence: literal, then param, then rest; the most specific route wins', () => {
  const router = echoRouter([
    '/',
    '/tasks',
    '/tasks/new',
    '/tasks/:id',
    '/tasks/:id/edit',
    '/files/readme',
    '/files/*rest',
    '/users/:uid/posts/:pid',
    '/a/:x/c',
    '/a/b/c',
    '/dir/',
  ]);
  const cases: [string, string][] = [
    ['/', '/ {}'],
    ['/tasks', '/tasks {}'],
    ['/tasks/new', '/tasks/new {}'],
    ['/tasks/7', '/tasks/:id {"id":"7"}'],
    ['/tasks/new/edit', '/tasks/:id/edit {"id":"new"}'],
    ['/files/readme', '/files/readme {}'],
    ['/files/readme/more', '/files/*rest {"rest":"readme/more"}'],
    ['/files/a', '/files/*rest {"rest":"a"}'],
    ['/files/a/b/c/', '/files/*rest {"rest":"a/b/c/"}'],
    ['/users/u1/posts/p2', '/users/:uid/posts/:pid {"uid":"u1","pid":"p2"}'],
    ['/a/z/c', '/a/:x/c {"x":"z"}'],
    ['/a/b/c', '/a/b/c {}'],
    ['/dir/', '/dir/ {}'],
    ['/tasks?x=1', '/tasks {}'],
  ];
  for (const [uri, expected] of cases) {
    test(`GET ${uri}`, async () => {
      const response = await answer(router, 'GET', uri);
      assert.equal(response.status, 200, bodyText(response.body));
      assert.equal(bodyText(response.body), expected);
    });
  }
  test('a path no route matches is a 404 page', async () => {
    for (const uri of ['/nope', '/tasks/7/edit/more', '/files', '/users/u1/posts']) {
      const response = await answer(router, 'GET', uri);
      assert.equal(response.status, 404, uri);
      assert.match(bodyText(response.body), /Nothing is served/);
    }
  });
});

describe('conflicts are refused when added, naming both patterns and a path both match', () => {
  const refused: [string, string, string][] = [
    ['/a/:x', '/:y/b', '/a/b'],
    ['/tasks/:id', '/tasks/:name', '/tasks/x'],
    ['/tasks', '/tasks', '/tasks'],
    ['/:a/x', '/x/*rest', '/x/x'],
    ['/files/*rest', '/files/*path', '/files/x'],
    ['/a/:x/c', '/a/b/*rest', '/a/b/c'],
  ];
  for (const [first, second, example] of refused) {
    test(`${first} then ${second}`, () => {
      const router = new Router().get(first, () => 'one');
      assert.throws(
        () => router.get(second, () => 'two'),
        (e: unknown) => {
          assert.ok(e instanceof RouteConflictError);
          assert.equal(e.code, 'route-conflict');
          assert.equal(e.example, example);
          assert.ok(e.message.includes(`GET ${second}`) && e.message.includes(`GET ${first}`), e.message);
          assert.ok(e.message.includes(example), e.message);
          // Where each was added: this test file.
          assert.ok(e.message.includes('router.test.js'), e.message);
          return true;
        },
      );
    });
  }
  const accepted: [string, string][] = [
    ['/tasks/:id', '/tasks/new'],
    ['/files/*rest', '/files/:name'],
    ['/files/*rest', '/*rest'],
    ['/:a/*rest', '/x/:b/c'],
    ['/tasks', '/tasks/'],
    ['/tasks/', '/tasks/:id'],
    ['/a/:x', '/a/:x/b'],
  ];
  for (const [first, second] of accepted) {
    test(`${first} and ${second} live together`, () => {
      new Router().get(first, () => 'one').get(second, () => 'two');
      new Router().get(second, () => 'two').get(first, () => 'one');
    });
  }
  test('the same pattern for two methods is one path with two methods', () => {
    new Router().get('/t/:id', () => 'get').post('/t/:name', () => 'post');
  });
  test('mount() conflicts with a mount at the same prefix, not with routes under it', () => {
    const router = new Router().mount('/admin', () => 'admin').get('/admin/x', () => 'x').get('/admin', () => 'root');
    assert.throws(() => router.mount('/admin', () => 'again'), /mount \/admin .*conflicts with mount \/admin/);
    assert.throws(() => router.get('/:x/*rest', () => 'rest'), /GET \/:x\/\*rest .*conflicts with mount \/admin.*both match \/admin\/x/);
    // More general everywhere: the more specific mount keeps its paths.
    router.mount('/:section', () => 'section');
  });
  test('a refused route() adds none of its methods', async () => {
    const router = new Router().post('/t/:id', () => 'post');
    assert.throws(() => router.route(['GET', 'POST'], '/t/:x', () => 'both'), RouteConflictError);
    assert.equal((await answer(router, 'GET', '/t/1')).status, 405);
  });
});

describe('invalid patterns are refused with a sentence and the offset', () => {
  const cases: [string, number, RegExp][] = [
    ['tasks', 0, /starts with '\/'/],
    ['', 0, /starts with '\/'/],
    ['/a//b', 3, /empty segment/],
    ['/a/:', 3, /needs a name/],
    ['/a/*', 3, /needs a name/],
    ['/a/:1d', 4, /starts with a letter/],
    ['/a/:i-d', 5, /letters, digits and '_'/],
    ['/a/:id/:id', 7, /used twice/],
    ['/a/:id/*id', 7, /used twice/],
    ['/a/*rest/b', 8, /last segment/],
    ['/a/*rest/', 8, /last segment/],
    ['/a/../b', 3, /never matches/],
    ['/a/./b', 3, /never matches/],
    ['/a/%2E%2E', 3, /dot segment/],
    ['/%2E', 1, /dot segment/],
    ['/caf\u00e9', 4, /percent-encode/],
    ['/a b', 2, /percent-encode/],
    ['/a?b', 2, /percent-encode/],
    ['/a/%zz', 3, /two upper-case hex/],
    ['/a/%2f', 3, /two upper-case hex/],
    ['/a/%2', 3, /two upper-case hex/],
  ];
  for (const [pattern, offset, message] of cases) {
    test(JSON.stringify(pattern), () => {
      assert.throws(
        () => new Router().get(pattern, () => ''),
        (e: unknown) => {
          assert.ok(e instanceof RoutePatternError, String(e));
          assert.equal(e.offset, offset, e.message);
          assert.match(e.message, message);
          assert.ok(e.message.includes(`at offset ${offset}`), e.message);
          return true;
        },
      );
    });
  }
  test('mount prefixes have no rest and no trailing slash', () => {
    assert.throws(() => new Router().mount('/a/*rest', () => ''), /no rest wildcard/);
    assert.throws(() => new Router().mount('/admin/', () => ''), /write "\/admin"/);
  });
  test('misuse says what was given', () => {
    assert.throws(() => new Router().get('/a', 'hello' as never), /takes a handler function .* got the string "hello"/);
    assert.throws(() => new Router().route('get', '/a', () => ''), /case-sensitive.*write "GET"/);
    assert.throws(() => new Router().route([], '/a', () => ''), /non-empty array/);
    assert.throws(() => new Router().route('G T', '/a', () => ''), /tokens/);
    assert.throws(() => new Router().mount('/a', {} as never), /got a plain object/);
    assert.throws(() => new Router().get(42 as never, () => ''), /a route pattern is a string .* got the number 42/);
  });
});

describe('answers without handler code', () => {
  const router = new Router()
    .get('/t', (_s, req) => text(`get ${req.method}`))
    .post('/t', () => text('post'))
    .delete('/t/:id', () => text('delete'))
    .route('OPTIONS', '/custom', () => text('my options'))
    .get('/custom', () => 'custom');
  test('405 with Allow when the path matches and the method does not; HEAD wherever GET is, and OPTIONS', async () => {
    const response = await answer(router, 'PUT', '/t');
    assert.equal(response.status, 405);
    assert.equal(header(response, 'allow'), 'GET, HEAD, OPTIONS, POST');
    assert.match(bodyText(response.body), /answers GET, HEAD, OPTIONS, POST, not PUT/);
    const other = await answer(router, 'GET', '/t/1');
    assert.equal(other.status, 405);
    assert.equal(header(other, 'allow'), 'DELETE, OPTIONS');
  });
  test('HEAD goes to the GET handler (the server drops the body)', async () => {
    const response = await answer(router, 'HEAD', '/t');
    assert.equal(response.status, 200);
    assert.equal(bodyText(response.body), 'get HEAD');
  });
  test('a route for HEAD itself is looked for before any GET route', async () => {
    const own = new Router().get('/about', () => 'get').route('HEAD', '/:page', () => 'head');
    assert.equal(bodyText((await answer(own, 'HEAD', '/about')).body), 'head');
    assert.equal(bodyText((await answer(own, 'GET', '/about')).body), 'get');
  });
  test('OPTIONS is 204 with Allow, unless a route takes OPTIONS', async () => {
    const response = await answer(router, 'OPTIONS', '/t');
    assert.equal(response.status, 204);
    assert.equal(header(response, 'allow'), 'GET, HEAD, OPTIONS, POST');
    assert.equal(bodyText((await answer(router, 'OPTIONS', '/custom')).body), 'my options');
    const star = await answer(router, 'OPTIONS', '*');
    assert.equal(star.status, 204);
    assert.equal(header(star, 'allow'), 'DELETE, GET, HEAD, OPTIONS, POST');
    assert.equal((await answer(router, 'OPTIONS', '/nothing')).status, 404);
  });
  test('never 200 for an unknown method (kali answered 200 "501")', async () => {
    assert.equal((await answer(router, 'BREW', '/t')).status, 405);
  });
});

describe('canonical paths: one name per page, redirected with 308, query kept', () => {
  const router = new Router()
    .get('/', () => 'root')
    .get('/a/b', () => 'ab')
    .get('/tasks', () => 'tasks')
    .get('/dir/', () => 'dir')
    .get('/both', () => 'both')
    .get('/both/', () => 'both/')
    .post('/form', () => 'posted')
    .get('/files/*rest', () => 'files');
  const redirects: [string, string, string][] = [
    ['GET', '/a/./b', '/a/b'],
    ['GET', '/a/x/../b', '/a/b'],
    ['GET', '/x/../a/b?q=1&r', '/a/b?q=1&r'],
    ['GET', '//a//b', '/a/b'],
    ['GET', '/a/b/', '/a/b'],
    ['GET', '/tasks/?page=2', '/tasks?page=2'],
    ['GET', '/dir', '/dir/'],
    ['GET', '/dir?x', '/dir/?x'],
    ['GET', '/%2e%2e/a/b', '/a/b'],
    ['GET', '/a/%2E/b', '/a/b'],
    ['GET', '/a/.%2e/a/b', '/a/b'],
    ['GET', '/..', '/'],
    ['GET', '//', '/'],
    ['GET', '/dir/.', '/dir/'],
    ['GET', '/dir/x/..', '/dir/'],
    ['POST', '/form/', '/form'],
    ['GET', '/..//evil.example', '/evil.example'],
    ['GET', '/files/a//b', '/files/a/b'],
    // One redirect, not two: cleaned, then to the slash form that is routed.
    ['GET', '/x/../tasks/', '/tasks'],
    ['GET', '/x/../dir', '/dir/'],
    ['GET', '//dir?q', '/dir/?q'],
  ];
  for (const [method, uri, location] of redirects) {
    test(`${method} ${uri} -> ${location}`, async () => {
      const response = await answer(router, method, uri);
      assert.equal(response.status, 308);
      assert.equal(header(response, 'location'), location);
    });
  }
  test('both forms served when both are registered', async () => {
    assert.equal(bodyText((await answer(router, 'GET', '/both')).body), 'both');
    assert.equal(bodyText((await answer(router, 'GET', '/both/')).body), 'both/');
  });
  test('a path that would become another origin is never a Location', async () => {
    // '/\evil.example' is '//evil.example' to a browser.
    const response = await answer(router, 'GET', '/x/..//\\evil.example');
    assert.equal(response.status, 400);
    // A mount that kept an empty segment (a plain app shifted it): '//x' would be protocol-relative.
    const shifted: App = (s, req, b) => {
      req.shiftPath();
      return router(s, req, b);
    };
    const shiftedResponse = await answer(shifted, 'GET', '//a/./b');
    assert.equal(shiftedResponse.status, 400);
  });
  test('a well-formed path under no route is not redirected', async () => {
    assert.equal((await answer(router, 'GET', '/nope/')).status, 404);
  });
});

test('a path of 100,000 segments is answered, not a stack overflow: a lookup goes no deeper than the longest pattern', async () => {
  const router = echoRouter(['/files/*rest', '/a/:b/c']);
  const long = 'x/'.repeat(100_000);
  assert.equal((await answer(router, 'GET', `/files/${long}`)).status, 200);
  assert.equal((await answer(router, 'GET', `/a/${long}`)).status, 404);
  assert.equal((await answer(router, 'GET', `/a/${'../'.repeat(100_000)}`)).status, 308);
});

describe('params are percent-decoded once', () => {
  const router = echoRouter(['/tasks/:id', '/files/*rest']);
  const cases: [string, number, string][] = [
    ['/tasks/a%20b', 200, '/tasks/:id {"id":"a b"}'],
    ['/tasks/a%2Fb', 200, '/tasks/:id {"id":"a/b"}'],
    ['/tasks/%25', 200, '/tasks/:id {"id":"%"}'],
    ['/tasks/caf%C3%A9', 200, '/tasks/:id {"id":"café"}'],
    ['/tasks/%252F', 200, '/tasks/:id {"id":"%2F"}'],
    ['/files/a/b%20c', 200, '/files/*rest {"rest":"a/b c"}'],
    ['/tasks/%zz', 400, 'malformed'],
    ['/tasks/%C3', 400, 'malformed'],
    ['/tasks/%', 400, 'malformed'],
    ['/files/a/%zz', 400, 'malformed'],
    ['/files/a%2Fb', 400, 'encoded'],
  ];
  for (const [uri, status, expected] of cases) {
    test(uri, async () => {
      const response = await answer(router, 'GET', uri);
      assert.equal(response.status, status);
      assert.ok(bodyText(response.body).includes(expected), bodyText(response.body));
    });
  }
});

describe('handlers: bare bodies, HttpError, other throws', () => {
  const router = new Router()
    .get('/bare', () => '<p>hi</p>')
    .get('/bytes', () => new TextEncoder().encode('bytes'))
    .get('/async', async () => 'later')
    .get('/too-big', () => {
      throw new HttpError(413, 'form-too-large', 'The form is over <its> limit.');
    })
    .get('/too-big-later', async () => {
      throw new HttpError(422, 'invalid', 'No.');
    })
    .get('/bug', () => {
      throw new Error('a bug');
    })
    .get('/bug-later', async () => {
      throw new Error('a later bug');
    });
  test('a bare body is a 200 text/html page', async () => {
    for (const [uri, body] of [['/bare', '<p>hi</p>'], ['/bytes', 'bytes'], ['/async', 'later']] as const) {
      const response = await answer(router, 'GET', uri);
      assert.equal(response.status, 200);
      assert.equal(header(response, 'content-type'), 'text/html; charset=utf-8');
      assert.equal(bodyText(response.body), body);
    }
  });
  test('a thrown HttpError is its status and escaped message', async () => {
    const response = await answer(router, 'GET', '/too-big');
    assert.equal(response.status, 413);
    assert.ok(bodyText(response.body).includes('The form is over &lt;its&gt; limit.'));
    assert.equal((await answer(router, 'GET', '/too-big-later')).status, 422);
  });
  test('other throws go to the server, which answers 500', async () => {
    assert.throws(() => router(session, request('GET', '/bug'), noBodies), /a bug/);
    await assert.rejects(async () => router(session, request('GET', '/bug-later'), noBodies), /a later bug/);
  });
  test('a router is a function, and its answers are synchronous when its handler is', () => {
    assert.equal(typeof router, 'function');
    assert.ok(router instanceof Router);
    const response = router(session, request('GET', '/bare'), noBodies);
    assert.ok(!(response instanceof Promise));
    assert.equal(typeof router.call, 'function');
  });
});

describe('mount(): the mounted app sees only its part of the path', () => {
  const seen: string[] = [];
  const plain: App = (_s, req) => {
    seen.push(`${req.mount.join('/')} | ${JSON.stringify(req.path)} | ${JSON.stringify(req.params)}`);
    return { status: 200, body: 'plain' };
  };
  const repos = new Router<{ readonly org: string }>()
    .get('/', (_s, req) => text(`repos of ${req.params.org}`))
    .get('/:repo', (_s, req) => text(`${JSON.stringify(req.params)} mount=${req.mount.join('/')} path=${req.path.join('/')}`));
  const admin = new Router().get('/users/:id', (_s, req) => text(`admin user ${req.params.id}`)).get('/dir/', () => 'admin dir');
  const router = new Router()
    .mount('/admin', admin)
    .mount('/orgs/:org/repos', repos)
    .mount('/plain', plain)
    .get('/admin/exact', () => 'parent wins');
  const cases: [string, number, string][] = [
    ['/admin/users/7', 200, 'admin user 7'],
    ['/admin/exact', 200, 'parent wins'],
    ['/orgs/warren/repos', 200, 'repos of warren'],
    ['/orgs/warren/repos/app', 200, '{"org":"warren","repo":"app"} mount=orgs/warren/repos path=app'],
    ['/orgs/a%20b/repos/c', 200, '{"org":"a b","repo":"c"}'],
    ['/admin/nope', 404, 'Nothing'],
  ];
  for (const [uri, status, expected] of cases) {
    test(uri, async () => {
      const response = await answer(router, 'GET', uri);
      assert.equal(response.status, status);
      assert.ok(bodyText(response.body).includes(expected), bodyText(response.body));
    });
  }
  test('a mounted router redirects under its mount', async () => {
    const cases: [string, string][] = [
      ['/admin/users/7/', '/admin/users/7'],
      ['/admin/dir?x=1', '/admin/dir/?x=1'],
      ['/orgs/warren/repos/', '/orgs/warren/repos'],
      ['/admin/users/./7', '/admin/users/7'],
    ];
    for (const [uri, location] of cases) {
      const response = await answer(router, 'GET', uri);
      assert.equal(response.status, 308, uri);
      assert.equal(header(response, 'location'), location, uri);
    }
  });
  test('a plain app gets every method and the rest of the path', async () => {
    seen.length = 0;
    await answer(router, 'DELETE', '/plain/a/b?q');
    await answer(router, 'GET', '/plain');
    await answer(router, 'GET', '/plain/');
    assert.deepEqual(seen, ['plain | ["a","b"] | {}', 'plain | [] | {}', 'plain | [""] | {}']);
  });
});
