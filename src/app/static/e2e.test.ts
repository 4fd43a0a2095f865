// staticFiles() end to end: mounted under /assets in a real warren Server on loopback,
// read with warren's Client and with curl. A 32 MiB file arrives in pieces with memory
// held far below its size while the reader pauses, and its handle is closed when the
// peer goes away mid-body.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync, readlinkSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Server, type App, type AppResponse, type Body } from '../../index.js';
import { staticFiles, toResponse } from '../index.js';
import { withTimeout } from '../../../bench/lib/timeout.js';

let top: string;
let root: string;
let big: string;
let bigHash: string;
let server: Server;
let port: number;
const BIG_BYTES = 32 * 1024 * 1024;
const WAIT_MS = 20_000;

before(async () => {
  top = mkdtempSync(join(tmpdir(), 'warren-static-e2e-'));
  root = join(top, 'public');
  mkdirSync(root);
  writeFileSync(join(top, 'secret.txt'), 'secret');
  writeFileSync(join(root, 'app.css'), 'body { margin: 0 }\n');
  writeFileSync(join(root, 'digits.txt'), '0123456789');
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'index.html'), '<p>sub</p>');
  const data = randomBytes(BIG_BYTES);
  writeFileSync(join(root, 'big.bin'), data);
  // As /proc/self/fd shows it, should the temp directory sit behind a symlink.
  big = realpathSync(join(root, 'big.bin'));
  bigHash = createHash('sha256').update(data).digest('hex');
  const assets = staticFiles(root);
  const app: App = async (session, request, bodies) => {
    if (request.path[0] !== 'assets') return { status: 404, body: 'not here' };
    request.shiftPath();
    return joined(toResponse(await assets(session, request, bodies)));
  };
  server = await new Server(['127.0.0.1', 0], app, { onError: () => {} }).listen();
  port = (server.address as readonly [string, number])[1];
});

/**
 * The response with an iolist body (error pages are Html) joined into one string: the
 * server writes iolists itself once the \`serve\` part lands; until then it refuses arrays.
 */
function joined(response: AppResponse): AppResponse {
  if (!Array.isArray(response.body)) return response;
  const flat = (list: unknown): string => (Array.isArray(list) ? list.map(flat).join('') : typeof list === 'string' ? list : Buffer.from(list as Uint8Array).toString());
  return { ...response, body: flat(response.body) };
}

after(async () => {
  await withTimeout(server.close(), WAIT_MS, 'server.close()');
  rmSync(top, { recursive: true, force: true });
});

async function connect() {
  return withTimeout(new Client(['127.0.0.1', port]).connect(), WAIT_MS, 'connect');
}

test('warren Client: a file, 304, a range, HEAD, a redirect, a traversal, on one connection', async () => {
  const conn = await connect();
  try {
    const css = await withTimeout(conn.get('/assets/app.css'), WAIT_MS, 'GET app.css');
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(css.headers['x-content-type-options'], 'nosniff');
    assert.equal(await css.body!.text(), 'body { margin: 0 }\n');
    const etag = css.headers['etag']!;
    const cached = await withTimeout(conn.get('/assets/app.css', { 'if-none-match': etag }), WAIT_MS, 'GET 304');
    assert.equal(cached.status, 304);
    assert.equal(cached.body, null);
    const part = await withTimeout(conn.get('/assets/digits.txt', { range: 'bytes=3-5' }), WAIT_MS, 'GET range');
    assert.deepEqual([part.status, part.headers['content-range'], await part.body!.text()], [206, 'bytes 3-5/10', '345']);
    const head = await withTimeout(conn.head('/assets/big.bin'), WAIT_MS, 'HEAD');
    assert.deepEqual([head.status, head.headers['content-length'], head.body], [200, String(BIG_BYTES), null]);
    const moved = await withTimeout(conn.get('/assets/sub'), WAIT_MS, 'GET dir');
    assert.deepEqual([moved.status, moved.headers['location']], [308, './sub/']);
    const mount = await withTimeout(conn.get('/assets'), WAIT_MS, 'GET mount');
    assert.deepEqual([mount.status, mount.headers['location']], [308, './assets/']);
    assert.equal(await (await withTimeout(conn.get('/assets/sub/'), WAIT_MS, 'GET index')).body!.text(), '<p>sub</p>');
    const out = await withTimeout(conn.get('/assets/%2e%2e/secret.txt'), WAIT_MS, 'GET traversal');
    assert.equal(out.status, 403);
    assert.ok(!(await out.body!.text()).includes('secret'));
  } finally {
    conn.close();
  }
});

test('a 32 MiB file streams in pieces; a paused reader holds memory far below its size', async () => {
  const conn = await connect();
  try {
    const response = await withTimeout(conn.get('/assets/big.bin'), WAIT_MS, 'GET big');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String(BIG_BYTES));
    const body = response.body as Body;
    const hash = createHash('sha256');
    let received = 0;
    let pieces = 0;
    let largest = 0;
    const take = (piece: Uint8Array): void => {
      hash.update(piece);
      received += piece.length;
      pieces++;
      largest = Math.max(largest, piece.length);
    };
    const it = body[Symbol.asyncIterator]();
    while (received < 1024 * 1024) {
      const next = await withTimeout(it.next(), WAIT_MS, 'the first MiB');
      assert.ok(!next.done);
      take(next.value);
    }
    // The reader pauses: the server may fill the socket's buffers, but must read no further ahead.
    const before = process.memoryUsage().arrayBuffers;
    await sleep(300);
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 8 * 1024 * 1024, `a paused reader let ${grown} bytes gather (the file is ${BIG_BYTES})`);
    for (;;) {
      const next = await withTimeout(it.next(), WAIT_MS, 'the rest of the body');
      if (next.done) break;
      take(next.value);
    }
    assert.equal(received, BIG_BYTES);
    assert.equal(hash.digest('hex'), bigHash);
    assert.ok(pieces >= 32, `${pieces} pieces`);
    assert.ok(largest <= 1024 * 1024, `the largest piece was ${largest} bytes`);
  } finally {
    conn.close();
  }
});

/** The descriptors of this process open on `path` (Linux's /proc), or null where there is no /proc. */
function openOn(path: string): number | null {
  if (!existsSync('/proc/self/fd')) return null;
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // Closed while we looked.
    }
  }
  return count;
}

test('the file handle is closed when the peer goes away mid-body', async (t) => {
  if (openOn(big) === null) return t.skip('no /proc/self/fd on this system to count open descriptors');
  assert.equal(openOn(big), 0);
  const conn = await connect();
  const response = await withTimeout(conn.get('/assets/big.bin'), WAIT_MS, 'GET big');
  const it = (response.body as Body)[Symbol.asyncIterator]();
  await withTimeout(it.next(), WAIT_MS, 'the first piece');
  assert.equal(openOn(big), 1, 'the handle is open while the body is sent');
  conn.close();
  const deadline = Date.now() + WAIT_MS;
  while (openOn(big) !== 0) {
    assert.ok(Date.now() < deadline, 'the handle was still open after the peer went away');
    await sleep(20);
  }
});

function curl(args: string[]): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '--max-time', '20', '-D', '-', ...args], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      const split = stdout.indexOf('\r\n\r\n');
      const head = stdout.slice(0, split);
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: stdout.slice(split + 4) });
    });
  });
}

test('curl: a file, a range, HEAD, 304, traversals with --path-as-is', async (t) => {
  const found = await new Promise<boolean>((resolve) => execFile('curl', ['--version'], (err) => resolve(err === null)));
  if (!found) return t.skip('curl is not installed');
  const base = `http://127.0.0.1:${port}/assets`;
  const css = await curl([`${base}/app.css`]);
  assert.equal(css.status, 200);
  assert.match(css.head, /content-type: text\/css; charset=utf-8/);
  assert.equal(css.body, 'body { margin: 0 }\n');
  const etag = /etag: (".*")/.exec(css.head)![1]!;
  assert.equal((await curl(['-H', `If-None-Match: ${etag}`, `${base}/app.css`])).status, 304);
  const part = await curl(['-r', '0-3', `${base}/digits.txt`]);
  assert.deepEqual([part.status, part.body], [206, '0123']);
  assert.match(part.head, /content-range: bytes 0-3\/10/);
  assert.equal((await curl(['-r', '20-', `${base}/digits.txt`])).status, 416);
  const head = await curl(['-I', `${base}/big.bin`]);
  assert.match(head.head, new RegExp(`content-length: ${BIG_BYTES}`));
  const whole = await curl([`${base}/big.bin`]);
  assert.equal(createHash('sha256').update(Buffer.from(whole.body, 'latin1')).digest('hex'), bigHash);
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/sub/%2E%2E/%2E%2E/secret.txt', '//secret.txt']) {
    const r = await curl(['--path-as-is', `${base}${path}`]);
    assert.equal(r.status, 403, path);
    assert.ok(!r.body.includes('secret'), path);
  }
});
