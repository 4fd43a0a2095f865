// staticFiles() as a handler, over a real directory: traversal in every form against a
// secret beside the root, symlinks out and in, directories and redirects, validators and
// 304, ranges, HEAD, MIME/nosniff, listing escapes, options misuse, a file that changes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, appendFileSync, utimesSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BodyIter, Fields, ServerRequest, Session, bodies, type AppResponse } from '../../index.js';
import { toResponse, type Handler } from '../response.js';
import { staticFiles, type StaticOptions } from './serve.js';

let top: string;
let root: string;
const SECRET = 'the secret beside the root';
const CSS = 'body { color: red }\n';

before(() => {
  top = mkdtempSync(join(tmpdir(), 'warren-static-'));
  root = join(top, 'root');
  mkdirSync(root);
  writeFileSync(join(top, 'secret.txt'), SECRET);
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'app.css'), CSS);
  writeFileSync(join(root, 'app.js'), 'export {}');
  writeFileSync(join(root, 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'pic.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(root, 'noext'), 'x');
  writeFileSync(join(root, 'digits.txt'), '0123456789');
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'a b.txt'), 'space');
  writeFileSync(join(root, '€.txt'), 'euro');
  writeFileSync(join(root, '%2e%2e'), 'a file named %2e%2e');
  writeFileSync(join(root, '.env'), SECRET);
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, '.git', 'config'), SECRET);
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'a.txt'), 'a');
  writeFileSync(join(root, 'sub', '.hidden'), SECRET);
  writeFileSync(join(root, 'sub', `<b>&"x'.txt`), 'markup name');
  writeFileSync(join(root, 'sub', 'javascript:alert(1)'), 'a scheme-like name');
  mkdirSync(join(root, 'sub', 'deeper'));
  mkdirSync(join(root, 'withindex'));
  writeFileSync(join(root, 'withindex', 'index.html'), '<h1>inner</h1>');
  mkdirSync(join(root, 'badindex'));
  symlinkSync(join(top, 'secret.txt'), join(root, 'badindex', 'index.html'));
  symlinkSync(join(root, 'app.css'), join(root, 'inside.css'));
  symlinkSync('sub', join(root, 'subling'));
  symlinkSync(join(top, 'secret.txt'), join(root, 'out.txt'));
  symlinkSync('../secret.txt', join(root, 'out-relative.txt'));
  symlinkSync(join(top, 'outside'), join(root, 'outdir'));
  symlinkSync(join(root, 'loop'), join(root, 'loop'));
  execFileSync('mkfifo', [join(root, 'fifo.txt')]);
});

after(() => rmSync(top, { recursive: true, force: true }));

function request(uri: string, headers: Record<string, string> = {}, method = 'GET', mount: readonly string[] = []): ServerRequest {
  const r = new ServerRequest(method, uri, '1.1', new Fields(Object.entries(headers)), null);
  for (const segment of mount) {
    assert.equal(r.shiftPath(), segment);
  }
  return r;
}

async function call(handler: Handler, r: ServerRequest): Promise<AppResponse> {
  return toResponse(await handler(new Session(['127.0.0.1', 1]), r, bodies));
}

async function bodyText(body: AppResponse['body']): Promise<string> {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof BodyIter) {
    const parts: Buffer[] = [];
    for await (const piece of body.source) parts.push(Buffer.from(piece as Uint8Array));
    const all = Buffer.concat(parts);
    assert.equal(all.length, body.length, 'a BodyIter gives its length');
    return all.toString();
  }
  const flat = (list: unknown): string => (Array.isArray(list) ? list.map(flat).join('') : typeof list === 'string' ? list : Buffer.from(list as Uint8Array).toString());
  return flat(body);
}

const h = (response: AppResponse): Record<string, string> => response.headers as Record<string, string>;

async function get(uri: string, headers: Record<string, string> = {}, options: StaticOptions = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const response = await call(staticFiles(root, options), request(uri, headers, method));
  return { status: response.status, headers: h(response), text: await bodyText(response.body) };
}

test('a file: 200 with its type, validators, nosniff, Accept-Ranges and no-cache', async () => {
  const r = await get('/app.css');
  assert.equal(r.status, 200);
  assert.equal(r.text, CSS);
  assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.match(r.headers['etag']!, /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
  assert.match(r.headers['last-modified']!, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.equal((await get('/app.css', {}, { cacheControl: 'max-age=60' })).headers['cache-control'], 'max-age=60');
  assert.equal((await get('/app.css', {}, { cacheControl: null })).headers['cache-control'], undefined);
});

test('types by extension: js, svg, png, no extension, an option', async () => {
  assert.equal((await get('/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await get('/logo.svg')).headers['content-type'], 'image/svg+xml; charset=utf-8');
  assert.equal((await get('/pic.png')).headers['content-type'], 'image/png');
  assert.equal((await get('/noext')).headers['content-type'], 'application/octet-stream');
  assert.equal((await get('/noext')).headers['x-content-type-options'], 'nosniff');
  assert.equal((await get('/digits.txt', {}, { types: { txt: 'text/x-digits' } })).headers['content-type'], 'text/x-digits; charset=utf-8');
  assert.equal((await get('/digits.txt', {}, { types: { TXT: 'text/x-digits' } })).headers['content-type'], 'text/x-digits; charset=utf-8');
});

test('encoded names are decoded once', async () => {
  assert.equal((await get('/a%20b.txt')).text, 'space');
  assert.equal((await get('/%E2%82%AC.txt')).text, 'euro');
  assert.equal((await get('/%252e%252e')).text, 'a file named %2e%2e');
});

const TRAVERSALS = [
  '/../secret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E/secret.txt',
  '/.%2e/secret.txt',
  '/%2e./secret.txt',
  '/..%2fsecret.txt',
  '/%2e%2e%2fsecret.txt',
  '/sub/..%2f..%2fsecret.txt',
  '/sub/%2e%2e/%2e%2e/secret.txt',
  '/..%5csecret.txt',
  '/sub%5c..%5c..%5csecret.txt',
  '/app.css%00.png',
  '/%00',
  '//secret.txt',
  '/sub//a.txt',
  '/./app.css',
  '/.env',
  '/%2eenv',
  '/.git/config',
  '/%2egit/config',
  '/sub/.hidden',
  '/subling/.hidden',
];

for (const uri of TRAVERSALS) {
  test(`refused before the file system: ${uri}`, async () => {
    const r = await get(uri);
    assert.equal(r.status, 403);
    assert.ok(!r.text.includes(SECRET));
    assert.ok(!r.text.includes('%'), 'the page does not echo the raw path');
  });
}

test('malformed escapes are 400', async () => {
  for (const uri of ['/%zz', '/%', '/app.css%', '/%ff', '/%c0%ae%c0%ae/secret.txt']) assert.equal((await get(uri)).status, 400, uri);
});

test('symlinks out of the root are 404, as if absent; symlinks inside are followed', async () => {
  for (const uri of ['/out.txt', '/out-relative.txt', '/outdir/secret.txt', '/outdir/', '/outdir', '/badindex/', '/loop']) {
    const r = await get(uri, {}, { listing: true });
    assert.equal(r.status, uri === '/badindex/' ? 200 : 404, uri);
    assert.ok(!r.text.includes(SECRET), uri);
  }
  // An index.html leading out is never served: without a listing the directory is 404.
  assert.equal((await get('/badindex/')).status, 404);
  const inside = await get('/inside.css');
  assert.equal(inside.status, 200);
  assert.equal(inside.text, CSS);
  assert.equal(inside.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await get('/subling/a.txt')).text, 'a');
});

test('what is not a file or directory is 404 (a FIFO is never opened), as is a file asked for with /', async () => {
  assert.equal((await get('/fifo.txt')).status, 404);
  assert.equal((await get('/app.css/')).status, 404);
  assert.equal((await get('/missing.txt')).status, 404);
  assert.equal((await get('/missing/deeper.txt')).status, 404);
  assert.equal((await get('/app.css/deeper.txt')).status, 404);
});

test('directories: index.html, 404 without one, a 308 to the slash form (relative, re-encoded, query kept)', async () => {
  assert.equal((await get('/')).text, '<h1>home</h1>');
  assert.equal((await get('/')).headers['content-type'], 'text/html; charset=utf-8');
  assert.equal((await get('/withindex/')).text, '<h1>inner</h1>');
  assert.equal((await get('/sub/')).status, 404);
  assert.equal((await get('/', {}, { index: false })).status, 404);
  const moved = await get('/sub?x=1');
  assert.equal(moved.status, 308);
  assert.equal(moved.headers['location'], './sub/?x=1');
  assert.equal(moved.text, '');
  assert.equal((await get('/sub/deeper')).headers['location'], './deeper/');
  // The mount point itself: /assets goes to /assets/.
  const mounted = await call(staticFiles(root), request('/assets', {}, 'GET', ['assets']));
  assert.deepEqual([mounted.status, h(mounted)['location']], [308, './assets/']);
  const inMount = await call(staticFiles(root), request('/assets/sub/a.txt', {}, 'GET', ['assets']));
  assert.equal(await bodyText(inMount.body), 'a');
  const weird = await call(staticFiles(root), request('/java%73cript:x', {}, 'GET', ['java%73cript:x']));
  assert.equal(h(weird)['location'], './javascript%3Ax/');
});

test('listing: only when asked, names escaped and links encoded, dotfiles left out', async () => {
  const r = await get('/sub/', {}, { listing: true });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(r.text, /<a href="\.\/a\.txt">a\.txt<\/a>/);
  assert.match(r.text, /<a href="\.\/deeper\/">deeper\/<\/a>/);
  assert.ok(r.text.includes('<a href="./%3Cb%3E%26%22x%27.txt">&lt;b&gt;&amp;&#34;x&#39;.txt</a>'), r.text);
  assert.ok(!r.text.includes('.hidden'));
  assert.ok(r.text.includes('<a href="./javascript%3Aalert%281%29">javascript:alert(1)</a>'), 'a scheme-like name links as a relative path');
  assert.equal((await get('/sub/javascript%3Aalert%281%29')).text, 'a scheme-like name');
  assert.ok(r.text.indexOf('deeper') < r.text.indexOf('a.txt'), 'directories first');
  const top = await get('/', {}, { listing: true, index: false });
  assert.match(top.text, /<a href="\.\/subling\/">subling\/<\/a>/, 'a symlink to a directory is listed as one');
  assert.match(top.text, /<a href="\.\/loop">loop<\/a>/);
  assert.ok(!top.text.includes('.env') && !top.text.includes('.git'));
});

test('methods other than GET and HEAD: 405 with Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const r = await get('/app.css', {}, {}, method);
    assert.equal(r.status, 405);
    assert.equal(r.headers['allow'], 'GET, HEAD');
  }
});

test('HEAD: the GET headers with Content-Length, no body, Range ignored', async () => {
  const response = await call(staticFiles(root), request('/digits.txt', { range: 'bytes=0-1' }, 'HEAD'));
  assert.equal(response.status, 200);
  assert.equal(response.body, null);
  assert.equal(h(response)['content-length'], '10');
  assert.equal(h(response)['content-type'], 'text/plain; charset=utf-8');
  assert.ok(h(response)['etag']);
  const index = await call(staticFiles(root), request('/withindex/', {}, 'HEAD'));
  assert.deepEqual([index.status, index.body, h(index)['content-length'], h(index)['content-type']], [200, null, '14', 'text/html; charset=utf-8']);
});

test('304 from If-None-Match and from If-Modified-Since; If-None-Match takes precedence', async () => {
  const first = await get('/app.css');
  const etag = first.headers['etag']!;
  const lastModified = first.headers['last-modified']!;
  const byTag = await get('/app.css', { 'if-none-match': etag });
  assert.equal(byTag.status, 304);
  assert.equal(byTag.text, '');
  assert.deepEqual([byTag.headers['etag'], byTag.headers['last-modified'], byTag.headers['cache-control']], [etag, lastModified, 'no-cache']);
  assert.equal((await get('/app.css', { 'if-none-match': `W/${etag}` })).status, 304);
  assert.equal((await get('/app.css', { 'if-modified-since': lastModified })).status, 304);
  assert.equal((await get('/app.css', { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).status, 200);
  assert.equal((await get('/app.css', { 'if-none-match': etag }, {}, 'HEAD')).status, 304);
  assert.equal((await get('/app.css', { 'if-match': '"stale"' })).status, 412);
});

test('a changed file has a new ETag, so the old one no longer gives 304', async () => {
  const path = join(root, 'changing.txt');
  writeFileSync(path, 'one');
  utimesSync(path, 1_600_000_000, 1_600_000_000);
  const etag = (await get('/changing.txt')).headers['etag']!;
  // Same size, rewritten in place (same inode): the mtime alone tells.
  writeFileSync(path, 'two');
  utimesSync(path, 1_600_000_001, 1_600_000_001);
  const again = await get('/changing.txt', { 'if-none-match': etag });
  assert.equal(again.status, 200);
  assert.equal(again.text, 'two');
});

test('ranges: 206 with Content-Range, suffix and open; 416 with bytes */size; multi-range is 200 whole', async () => {
  const part = await get('/digits.txt', { range: 'bytes=2-4' });
  assert.deepEqual([part.status, part.text, part.headers['content-range']], [206, '234', 'bytes 2-4/10']);
  assert.equal(part.headers['content-type'], 'text/plain; charset=utf-8');
  assert.deepEqual([(await get('/digits.txt', { range: 'bytes=-3' })).text, (await get('/digits.txt', { range: 'bytes=7-' })).text], ['789', '789']);
  assert.equal((await get('/digits.txt', { range: 'bytes=8-100' })).headers['content-range'], 'bytes 8-9/10');
  const none = await get('/digits.txt', { range: 'bytes=10-' });
  assert.deepEqual([none.status, none.headers['content-range']], [416, 'bytes */10']);
  assert.equal((await get('/empty.txt', { range: 'bytes=0-' })).status, 416);
  const multi = await get('/digits.txt', { range: 'bytes=0-1,4-5' });
  assert.deepEqual([multi.status, multi.text, multi.headers['content-range']], [200, '0123456789', undefined]);
  assert.deepEqual([(await get('/digits.txt', { range: 'lines=1-2' })).status, (await get('/empty.txt')).status], [200, 200]);
});

test('If-Range: a matching ETag or date keeps the range; a mismatch sends the whole file', async () => {
  const path = join(root, 'digits-old.txt');
  writeFileSync(path, '0123456789');
  utimesSync(path, 1_600_000_000, 1_600_000_000);
  const { etag, 'last-modified': lastModified } = (await get('/digits-old.txt')).headers;
  assert.equal((await get('/digits-old.txt', { range: 'bytes=0-0', 'if-range': etag! })).status, 206);
  assert.equal((await get('/digits-old.txt', { range: 'bytes=0-0', 'if-range': lastModified! })).status, 206);
  const stale = await get('/digits-old.txt', { range: 'bytes=0-0', 'if-range': '"stale"' });
  assert.deepEqual([stale.status, stale.text], [200, '0123456789']);
  assert.equal((await get('/digits-old.txt', { range: 'bytes=0-0', 'if-range': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status, 200);
});

test('a file changed between its check and its reading fails the body instead of sending other bytes', async () => {
  const path = join(root, 'grows.txt');
  writeFileSync(path, 'short');
  const response = await call(staticFiles(root), request('/grows.txt'));
  appendFileSync(path, ' and longer');
  await assert.rejects(bodyText(response.body), /changed between its check and its reading/);
});

test('misuse fails with a sentence naming what was given', () => {
  assert.throws(() => staticFiles(join(top, 'nope')), /existing directory; ".*nope" is not one/);
  assert.throws(() => staticFiles(join(root, 'app.css')), /existing directory/);
  assert.throws(() => staticFiles(42 as unknown as string), /path of a directory; got the number 42/);
  assert.throws(() => staticFiles(root, { index: '../x' }), /index is a file name .* got the string "\.\.\/x"/);
  assert.throws(() => staticFiles(root, { listing: 'yes' as unknown as boolean }), /listing is true or false; got the string "yes"/);
  assert.throws(() => staticFiles(root, { cacheControl: '' }), /cacheControl/);
  assert.throws(() => staticFiles(root, { types: { md: 3 as unknown as string } }), /\.md maps to the number 3/);
});

test('fast-check: random paths never throw, and a 200 is always a file under the root', async () => {
  const handler = staticFiles(root, { listing: true });
  const piece = fc.oneof(
    fc.constantFrom('..', '.', '', '%2e%2e', '%2E%2e', '.%2e', '%2f', '%5c', '%00', '..%2f', 'sub', 'a.txt', 'out.txt', 'outdir', 'subling', 'secret.txt', '%252e', 'app.css', '.env', '%2eenv', 'loop', 'fifo.txt'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 5 }).map(encodeURIComponent),
    fc.string({ unit: 'grapheme', maxLength: 3 }).map(encodeURIComponent),
  );
  const segment = fc.array(piece, { maxLength: 3 }).map((parts) => parts.join(''));
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { maxLength: 5 }), async (segments) => {
      const response = await call(handler, request(`/${segments.join('/')}`));
      assert.ok([200, 206, 308, 400, 403, 404].includes(response.status), `${segments.join('/')}: ${response.status}`);
      const text = await bodyText(response.body);
      assert.ok(!text.includes(SECRET), `${segments.join('/')} leaked the secret`);
    }),
    { numRuns: 400 },
  );
});
