// form(): urlencoded and multipart bodies read from warren Bodies, files streamed to 0o600
// temp files with random names or to sinks, and nothing left on disk after any failure
// (malformed 400, over a limit 413, unclosed stream, random bodies); then over a real
// warren Server, with warren's Client and with curl -F.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { Body, ChunkedBody, Client, Server, BodyIter, type App, type ServerRequest } from '../../index.js';
import { HttpError } from '../errors.js';
import { form, type FormOptions } from './read.js';
import { withTimeout } from '../../../bench/lib/timeout.js';

const TIMEOUT = 20_000;

/** A request with `body` given in `pieces` (of known length, or chunked). */
function request(contentType: string | undefined, pieces: readonly (string | Uint8Array)[], chunked = false): Pick<ServerRequest, 'headers' | 'body'> {
  const data = pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
  let i = 0;
  const source = {
    next: () => (i < data.length ? { type: 'data' as const, data: data[i++]!, extensions: null, chunkEnd: chunked } : { type: 'end-of-message' as const, extensions: null, trailers: null }),
  };
  const length = data.reduce((n, d) => n + d.length, 0);
  const body = chunked ? new ChunkedBody(source) : new Body(source, length);
  const headers = (contentType === undefined ? {} : { 'content-type': contentType }) as ServerRequest['headers'];
  return { headers, body };
}

const MP = 'multipart/form-data; boundary=XyZ';
const part = (disposition: string, data: string, type?: string): string => `--XyZ\r\nContent-Disposition: form-data; ${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n${data}\r\n`;
const multipart = (...parts: string[]): string => `${parts.join('')}--XyZ--\r\n`;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warren-form-test-'));
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return { status: error.status, code: error.code };
  }
  assert.fail('no error');
}

test('urlencoded bodies, whole or chunked; no body and no type is an empty form', async () => {
  const f = await form(request('application/x-www-form-urlencoded; charset=UTF-8', ['a=1&b=x', '+y&a=2']));
  assert.deepEqual([...f.fields], [['a', '1'], ['b', 'x y'], ['a', '2']]);
  assert.equal(f.files.size, 0);
  await f.cleanup();
  const c = await form(request('application/x-www-form-urlencoded', ['q=%E2%82', '%AC'], true));
  assert.equal(c.fields.get('q'), '€');
  const none = await form({ headers: {} as ServerRequest['headers'], body: null });
  assert.equal(none.fields.size, 0);
});

test('other content types are a 415 with a sentence; Content-Length over maxBytes is a 413 before reading', async () => {
  for (const type of [undefined, 'text/plain', 'application/json', 'multipart/mixed; boundary=x', 'nonsense']) {
    await assert.rejects(form(request(type, ['x'])), (e: unknown) => e instanceof HttpError && e.status === 415 && e.code === 'unsupported-form-type' && /a form is application\/x-www-form-urlencoded or multipart\/form-data/.test(e.message));
  }
  let pulled = false;
  const req = { headers: { 'content-type': MP } as ServerRequest['headers'], body: new Body({ next: () => ((pulled = true), { type: 'end-of-message', extensions: null, trailers: null }) }, 2000) };
  assert.deepEqual(await failure(form(req, { maxBytes: 1000 })), { status: 413, code: 'form-too-large' });
  assert.equal(pulled, false, 'the body was left unread');
  assert.deepEqual(await failure(form(request('application/x-www-form-urlencoded', ['a=1&'.repeat(100)], true), { maxBytes: 100 })), { status: 413, code: 'form-too-large' });
});

test('multipart: fields decoded as UTF-8, files in 0o600 temp files with random names, removed by cleanup()', async () => {
  const dir = tempDir();
  try {
    const body = multipart(part('name="title"', 'Résumé'), part('name="doc"; filename="C:\\\\x\\\\a.bin"', 'file \r\n--XY bytes', 'application/pdf'), part('name="title"', ''), part('name="doc"; filename="b.txt"', 'two'));
    const bytes = Buffer.from(body, 'utf8');
    // In pieces of 1, 3 and all: the same form.
    for (const size of [1, 3, bytes.length]) {
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
      const f = await form(request(MP, pieces), { tmpDir: dir });
      assert.deepEqual(f.fields.getAll('title'), ['Résumé', '']);
      const docs = f.files.getAll('doc');
      assert.deepEqual(docs.map((d) => [d.name, d.filename, d.contentType, d.size]), [
        ['doc', 'a.bin', 'application/pdf', 17],
        ['doc', 'b.txt', 'application/octet-stream', 3],
      ]);
      assert.equal(readFileSync(docs[0]!.path!, 'latin1'), 'file \r\n--XY bytes');
      assert.equal(readFileSync(docs[1]!.path!, 'latin1'), 'two');
      for (const d of docs) {
        assert.equal(statSync(d.path!).mode & 0o777, 0o600);
        assert.match(d.path!, /warren-form-[0-9a-f-]{36}$/);
      }
      assert.equal(readdirSync(dir).length, 2);
      await f.cleanup();
      await f.cleanup();
      assert.deepEqual(readdirSync(dir), []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty file input (filename="" and no bytes) is no file; a field that is not UTF-8 is a 400', async () => {
  const dir = tempDir();
  try {
    const f = await form(request(MP, [multipart(part('name="up"; filename=""', '', 'application/octet-stream'), part('name="a"', 'b'))]), { tmpDir: dir });
    assert.equal(f.files.has('up'), false);
    assert.equal(f.fields.get('a'), 'b');
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(await failure(form(request(MP, [Buffer.from('--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n'), Uint8Array.of(0xff), Buffer.from('\r\n--XyZ--')]), { tmpDir: dir })), { status: 400, code: 'bad-utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('failures leave nothing on disk: malformed (400), over a limit (413), unclosed stream, after files were written', async () => {
  const dir = tempDir();
  const file = part('name="f"; filename="a.txt"', 'x'.repeat(5000));
  const cases: [string, string, FormOptions, number, string][] = [
    ['a malformed part after a file', multipart(file, '--XyZ\r\nContent-Disposition form-data\r\n\r\nx\r\n'), {}, 400, 'header-without-colon'],
    ['an unclosed stream (CVE-2025-47935)', file + part('name="g"; filename="b.txt"', 'half'), {}, 400, 'unexpected-end'],
    ['unclosed inside a file', `${file}--XyZ\r\nContent-Disposition: form-data; name="g"; filename="b.txt"\r\n\r\nhalf a file`, {}, 400, 'unexpected-end'],
    ['an empty field name (CVE-2025-48997)', multipart(file, part('name=""', 'x')), {}, 400, 'empty-name'],
    ['a part without a name (multer 2.0.1 crashed)', multipart(file, '--XyZ\r\nContent-Disposition: form-data; filename="x"\r\n\r\nx\r\n'), {}, 400, 'missing-name'],
    ['a part after the close', `${multipart(file)}${part('name="late"', 'x')}--XyZ--`, {}, 400, 'part-after-close'],
    ['too many files', multipart(file, file, file), { maxFiles: 2 }, 413, 'too-many-files'],
    ['a file too large', multipart(file, part('name="g"; filename="b"', 'y'.repeat(6000))), { maxFileBytes: 5500 }, 413, 'file-too-large'],
    ['the form too large', multipart(file, file, file), { maxBytes: 12000 }, 413, 'form-too-large'],
  ];
  try {
    for (const [what, body, options, status, code] of cases) {
      const bytes = Buffer.from(body);
      for (const chunked of [false, true]) {
        const pieces = [bytes.subarray(0, 4000), bytes.subarray(4000, 9000), bytes.subarray(9000)];
        assert.deepEqual(await failure(form(request(MP, pieces, chunked), { ...options, tmpDir: dir })), { status, code }, what);
        assert.deepEqual(readdirSync(dir), [], `${what}: nothing left on disk`);
      }
    }
    // A sink is aborted when the form fails while its file is open.
    const events: string[] = [];
    const onFile: FormOptions['onFile'] = (p) => ({ write: (b) => void events.push(`write ${p.filename} ${b.length}`), close: () => void events.push('close'), abort: () => void events.push('abort') });
    await failure(form(request(MP, [file + part('name="g"; filename="b.txt"', 'half')]), { onFile }));
    assert.deepEqual(events, ['write a.txt 5000', 'close', 'write b.txt 4', 'abort']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('onFile may be a function of the bytes; a wrong return is a misuse with a sentence; form() reads a body once', async () => {
  let got = '';
  const f = await form(request(MP, [multipart(part('name="a"; filename="x.txt"', 'abc'))]), { onFile: () => async (b) => void (got += Buffer.from(b).toString()) });
  assert.equal(got, 'abc');
  assert.equal(f.files.get('a')?.size, 3);
  await assert.rejects(form(request(MP, [multipart(part('name="a"; filename="x.txt"', 'abc'))]), { onFile: () => 42 as never }), /onFile\(part\) returns a FileSink .*; got the number 42/);
  const req = request('application/x-www-form-urlencoded', ['a=1']);
  await form(req);
  await assert.rejects(form(req), /this one was already read: call form\(\) once/);
});

test('onFile takes files instead of temp files: a FileSink or a WritableStream', async () => {
  const got: string[] = [];
  const stream = new WritableStream<Uint8Array>({ write: (b) => void got.push(Buffer.from(b).toString()) });
  const f = await form(request(MP, [multipart(part('name="a"; filename="x.txt"', 'hello'), part('name="b"', 'field'))]), { onFile: () => stream });
  assert.deepEqual(got, ['hello']);
  assert.deepEqual(f.files.get('a'), { name: 'a', filename: 'x.txt', contentType: 'application/octet-stream', size: 5, path: null });
  assert.equal(f.fields.get('b'), 'field');
});

test('random bodies through form() fail only with a 400 or 413 and never leave temp files (fast-check)', async () => {
  const dir = tempDir();
  const token = fc.oneof(
    fc.constantFrom('--XyZ', '\r\n', '\r', '--XyZ--', 'Content-Disposition: form-data; name=a', 'Content-Disposition: form-data; name=f; filename=x', '\r\n\r\n', 'data', ';', '"'),
    fc.string({ maxLength: 3 }),
  );
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 25 }), fc.nat(), async (tokens, cut) => {
        const all = Buffer.from(tokens.join(''));
        const at = cut % (all.length + 1);
        try {
          const f = await form(request(MP, [all.subarray(0, at), all.subarray(at)]), { tmpDir: dir, maxHeaderBytes: 80 });
          await f.cleanup();
        } catch (error) {
          assert.ok(error instanceof HttpError && (error.status === 400 || error.status === 413), String(error));
        }
        assert.deepEqual(readdirSync(dir), []);
      }),
      { numRuns: 400 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A server whose app reads a form and answers what it got as JSON (an HttpError as its status). */
async function formServer(dir: string, options: FormOptions = {}): Promise<Server> {
  const app: App = async (_session, req) => {
    let f;
    try {
      f = await form(req, { tmpDir: dir, ...options });
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, headers: { 'content-type': 'text/plain' }, body: `${error.code}: ${error.message}` };
      throw error;
    }
    try {
      const files = [...f.files].map(([name, file]) => ({ name, filename: file.filename, contentType: file.contentType, size: file.size, text: readFileSync(file.path!, 'latin1') }));
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: [...f.fields], files }) };
    } finally {
      await f.cleanup();
    }
  };
  const server = new Server(['127.0.0.1', 0], app, { onError: () => {} });
  await server.listen();
  return server;
}

test("over a real warren Server with warren's Client: a form with files, then a malformed one answered 400, the connection kept", async () => {
  const dir = tempDir();
  const server = await formServer(dir);
  try {
    const client = new Client(server.address);
    const conn = await withTimeout(client.connect(), TIMEOUT, 'connect');
    const body = Buffer.from(multipart(part('name="t"', 'hi there'), part('name="f"; filename="a.txt"', 'contents\r\n', 'text/plain')));
    const res = await withTimeout(conn.post('/', { 'content-type': MP }, new BodyIter([body.subarray(0, 50), body.subarray(50)], body.length)), TIMEOUT, 'post');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(await res.body!.text()), { fields: [['t', 'hi there']], files: [{ name: 'f', filename: 'a.txt', contentType: 'text/plain', size: 10, text: 'contents\r\n' }] });
    const bad = await withTimeout(conn.post('/', { 'content-type': MP }, multipart(part('name="f"; filename="a.txt"', 'x'), part('name=""', 'y'))), TIMEOUT, 'post');
    assert.equal(bad.status, 400);
    assert.match(await bad.body!.text(), /^empty-name: /);
    const unclosed = await withTimeout(conn.post('/', { 'content-type': MP }, part('name="f"; filename="a.txt"', 'x')), TIMEOUT, 'post');
    assert.equal(unclosed.status, 400);
    assert.match(await unclosed.body!.text(), /^unexpected-end: /);
    const again = await withTimeout(conn.post('/', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'), TIMEOUT, 'post');
    assert.equal(again.status, 200, 'the connection still works');
    assert.deepEqual(JSON.parse(await again.body!.text()).fields, [['a', '1']]);
    conn.close();
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs curl; resolves with its stdout, or null when curl is not installed. */
function curl(args: string[]): Promise<string | null> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? resolve(null) : reject(e)));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}: ${err}`))));
    }),
    TIMEOUT,
    'curl',
  );
}

test('over a real warren Server with curl -F: fields, a file with a UTF-8 name, an oversized file answered 413', async (t) => {
  const dir = tempDir();
  const server = await formServer(dir, { maxFileBytes: 100_000 });
  try {
    const upload = join(dir, 'résumé.txt');
    const data = Buffer.alloc(70_000, 'ab\r\n--');
    writeFileSync(upload, data);
    const [host, port] = server.address as readonly [string, number];
    const url = `http://${host}:${port}/`;
    const out = await curl(['-sS', '-F', 'name=Ada Lovelace', '-F', `cv=@${upload};type=text/plain`, '-F', 'name=', url]);
    if (out === null) return t.skip('curl is not installed');
    const got = JSON.parse(out);
    assert.deepEqual(got.fields, [['name', 'Ada Lovelace'], ['name', '']]);
    assert.equal(got.files.length, 1);
    assert.deepEqual({ ...got.files[0], text: undefined }, { name: 'cv', filename: 'résumé.txt', contentType: 'text/plain', size: 70_000, text: undefined });
    assert.equal(got.files[0].text, data.toString('latin1'));
    writeFileSync(upload, Buffer.alloc(200_000, 'x'));
    const big = await curl(['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-F', `cv=@${upload}`, url]);
    assert.equal(big, '413');
    assert.deepEqual(readdirSync(dir), ['résumé.txt'], 'no temp file left');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
