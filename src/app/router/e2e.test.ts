// The router end to end: given as it is to a real warren Server, over a Unix socket with
// warren's Client (and a raw socket, to see that HEAD sends no body bytes), and over
// 127.0.0.1 with curl. Every wait is bounded.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Server, type App, type AppResponse, type Address } from '../../index.js';
import { HttpError } from '../errors.js';
import { json, text } from '../response.js';
import { Router } from './router.js';
import { bodyText } from './test-helpers.js';

const WAIT_MS = 10_000;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function appRouter(): Router {
  const admin = new Router().get('/', () => 'admin home').get('/users/:id', (_s, req) => text(`admin user ${req.params.id} at ${req.mount.join('/')}`));
  return new Router()
    .get('/', () => '<h1>home</h1>')
    .get('/tasks/:id', (_s, req) => json({ id: req.params.id }))
    .post('/tasks', () => ({ status: 201, headers: { location: '/tasks/1' }, body: null }))
    .get('/files/*rest', (_s, req) => text(req.params.rest))
    .get('/limit', () => {
      throw new HttpError(413, 'too-large', 'Over the limit.');
    })
    .get('/bug', () => {
      throw new Error('a bug on purpose');
    })
    .mount('/admin', admin);
}

/**
 * The server's writing of iolist bodies (the router's error pages are Html, an iolist) is
 * another part of this issue; until it is in, answers with array bodies are joined here.
 */
let joinArrays = false;
function served(app: App): App {
  if (!joinArrays) return app;
  return async (session, request, bodies) => {
    const response: AppResponse = await app(session, request, bodies);
    return Array.isArray(response.body) ? { ...response, body: bodyText(response.body) } : response;
  };
}

async function start(address: Address, app: App): Promise<Server> {
  const server = new Server(address, served(app), { onError: () => {} });
  await bounded(server.listen(), 'listen');
  return server;
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function socketPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-router-'));
  dirs.push(dir);
  return join(dir, 's.sock');
}

before(async () => {
  const probe = await start(socketPath(), () => ({ status: 200, body: ['io', 'list'] as never }));
  try {
    const conn = await bounded(new Client(probe.address).connect(), 'connect');
    const response = await bounded(conn.get('/'), 'probe');
    joinArrays = response.status !== 200;
    conn.close();
  } finally {
    await bounded(probe.close(), 'close');
  }
  if (joinArrays) console.log('# the server does not write iolist bodies yet (another part of issue 14): array bodies are joined for these tests');
});

/** All bytes a raw request gets back, until the server closes (the request says Connection: close). */
function rawExchange(address: string, bytes: string): Promise<string> {
  return bounded(
    new Promise((resolve, reject) => {
      const socket = connect(address);
      let got = '';
      socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
      socket.write(bytes);
    }),
    'raw exchange',
  );
}

describe('a Router given to new Server() over a Unix socket', () => {
  let server: Server;
  let address: string;
  before(async () => {
    address = socketPath();
    server = await start(address, appRouter());
  });
  after(async () => {
    await bounded(server.close(), 'close');
  });

  test('routes, params, 404, 405 with Allow, 308, HttpError and a 500 from the server, on one connection', async () => {
    const conn = await bounded(new Client(address).connect(), 'connect');
    try {
      const home = await bounded(conn.get('/'), 'GET /');
      assert.equal(home.status, 200);
      assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(await home.body!.text(), '<h1>home</h1>');

      const task = await bounded(conn.get('/tasks/a%20b'), 'GET /tasks/a%20b');
      assert.equal(task.status, 200);
      assert.deepEqual(JSON.parse(await task.body!.text()), { id: 'a b' });

      const created = await bounded(conn.post('/tasks', {}, 'title=x'), 'POST /tasks');
      assert.equal(created.status, 201);

      const missing = await bounded(conn.get('/nope'), 'GET /nope');
      assert.equal(missing.status, 404);
      assert.match(await missing.body!.text(), /Nothing is served/);

      const wrong = await bounded(conn.delete('/tasks/1'), 'DELETE /tasks/1');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers['allow'], 'GET, HEAD, OPTIONS');
      await wrong.body?.text();

      const options = await bounded(conn.request('OPTIONS', '/tasks'), 'OPTIONS /tasks');
      assert.equal(options.status, 204);
      assert.equal(options.headers['allow'], 'OPTIONS, POST');

      const moved = await bounded(conn.get('/x/../tasks/7/?q=1'), 'GET unclean');
      assert.equal(moved.status, 308);
      assert.equal(moved.headers['location'], '/tasks/7?q=1');
      await moved.body?.text();

      const malformed = await bounded(conn.get('/tasks/%zz'), 'GET /tasks/%zz');
      assert.equal(malformed.status, 400);
      await malformed.body?.text();

      const limit = await bounded(conn.get('/limit'), 'GET /limit');
      assert.equal(limit.status, 413);
      assert.match(await limit.body!.text(), /Over the limit/);

      const admin = await bounded(conn.get('/admin/users/3'), 'GET /admin/users/3');
      assert.equal(await admin.body!.text(), 'admin user 3 at admin');
    } finally {
      conn.close();
    }
    const bug = await bounded(new Client(address).connect(), 'connect').then(async (c) => {
      try {
        const response = await bounded(c.get('/bug'), 'GET /bug');
        await response.body?.text();
        return response.status;
      } finally {
        c.close();
      }
    });
    assert.equal(bug, 500);
  });

  test('HEAD is answered by the GET handler and no body bytes go out', async () => {
    const get = await rawExchange(address, 'GET /files/a/b HTTP/1.1\r\nConnection: close\r\n\r\n');
    const head = await rawExchange(address, 'HEAD /files/a/b HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.match(get, /^HTTP\/1\.1 200 /);
    assert.ok(get.endsWith('\r\n\r\na/b'), JSON.stringify(get));
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.match(head, /\r\nContent-Length: 3\r\n/i);
    assert.ok(head.endsWith('\r\n\r\n'), `nothing after the head: ${JSON.stringify(head)}`);
  });
});

describe('a Router over 127.0.0.1, with curl', () => {
  let server: Server;
  let base: string;
  let skip: string | null = null;
  before(async () => {
    skip = await new Promise<string | null>((resolve) => {
      execFile('curl', ['--version'], { timeout: WAIT_MS }, (error) => resolve(error === null ? null : `curl is not available (${error.message})`));
    });
    server = await start(['127.0.0.1', 0], appRouter());
    const [host, port] = server.address as readonly [string, number];
    base = `http://${host}:${port}`;
  });
  after(async () => {
    await bounded(server.close(), 'close');
  });

  /** curl's answer: the head lines and the body, with -i. */
  function curl(...args: string[]): Promise<{ status: number; head: string; body: string }> {
    return bounded(
      new Promise((resolve, reject) => {
        execFile('curl', ['-sS', '-i', '--max-time', '10', ...args], { timeout: WAIT_MS }, (error, stdout, stderr) => {
          if (error !== null) return reject(new Error(`curl ${args.join(' ')}: ${error.message} ${stderr}`));
          const split = stdout.indexOf('\r\n\r\n');
          const head = split === -1 ? stdout : stdout.slice(0, split);
          resolve({ status: Number(head.slice(9, 12)), head, body: split === -1 ? '' : stdout.slice(split + 4) });
        });
      }),
      `curl ${args.join(' ')}`,
    );
  }

  test('GET, HEAD, 405 with Allow, and a 308 for a path curl sends as it is', async (t) => {
    if (skip !== null) {
      console.log(`# skipped: ${skip}`);
      return t.skip(skip);
    }
    const task = await curl(`${base}/tasks/caf%C3%A9`);
    assert.equal(task.status, 200);
    assert.deepEqual(JSON.parse(task.body), { id: 'café' });

    const head = await curl('-I', `${base}/tasks/7`);
    assert.equal(head.status, 200);
    assert.equal(head.body, '');

    const wrong = await curl('-X', 'PUT', `${base}/tasks/7`);
    assert.equal(wrong.status, 405);
    assert.match(wrong.head, /\r\nallow: GET, HEAD, OPTIONS/i);

    const moved = await curl('--path-as-is', `${base}/files/../tasks/7?x=1`);
    assert.equal(moved.status, 308);
    assert.match(moved.head, /\r\nlocation: \/tasks\/7\?x=1/i);

    const followed = await curl('-L', '--path-as-is', `${base}/admin/users/9/`);
    assert.ok(followed.body.endsWith('admin user 9 at admin'), followed.body);
  });
});
