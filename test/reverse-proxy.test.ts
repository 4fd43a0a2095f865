// The reverse proxy of examples/reverse-proxy.ts, end to end: a warren Client talks to the
// proxy on the IPv6 loopback, which forwards over a Unix socket to a backend. Chunked
// bodies cross both hops unchanged and as they stream (chunks, their extensions, the last
// chunk's extensions, trailers), each way; a 4 MiB body of known length keeps its length
// and bytes both ways; HEAD and 404 pass through. And the proxy stays under 20 lines.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../bench/lib/timeout.js';
import { proxyApp } from '../examples/reverse-proxy.js';
import { echoApp, type EchoReport } from '../src/cli/echo.js';
import { ChunkedBody, ChunkedBodyIter, Client, Server, type App, type AppResponse, type ClientConnection, type OutgoingChunk, type LastChunk } from '../src/index.js';
import { fromRoot } from './lib/paths.js';
import { ipv6Unavailable } from './lib/transports.js';

const TIMEOUT = 20_000;
const BIG = 4 * 1024 * 1024;

const noIpv6 = await ipv6Unavailable();
if (noIpv6 !== null) console.log(`skipping the reverse-proxy end-to-end tests: ${noIpv6}`);

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A promise with its resolve function, to make one side wait for the other. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('reverse proxy: client -> proxy on [::1] -> backend on a Unix socket', { skip: noIpv6 ?? false, timeout: TIMEOUT }, () => {
  const bigResponse = randomBytes(BIG);
  /** Opened by the test when the client has read the first response chunk. */
  let clientGotFirst = gate();
  /** Opened by the backend when it has read the first request chunk. */
  let backendGotFirst = gate();

  const backendApp: App = async (session, request, bodies): Promise<AppResponse> => {
    const route = request.path[0];
    if (route === 'echo') return echoApp(session, request, bodies);
    if (route === 'chunked-out') {
      // The second chunk waits for the client to hold the first: it passes only if the proxy streams.
      async function* chunks(): AsyncGenerator<OutgoingChunk | LastChunk> {
        yield { data: 'first', extensions: [['n', '1'], ['note', 'a "quoted" value']] };
        await clientGotFirst.promise;
        yield { data: 'second' };
        yield { data: 'third', extensions: [['flag', null]] };
        yield { extensions: [['done', 'yes'], ['bare', null]], trailers: [['X-Checksum', 'abc123'], ['X-Count', '3']] };
      }
      return { status: 200, headers: { 'Content-Type': 'text/plain', 'X-Backend': 'chunked' }, body: new ChunkedBodyIter(chunks()) };
    }
    if (route === 'chunked-in') {
      // Reports each chunk as it comes; the client sends its second only once the first got here.
      const body = request.body as ChunkedBody;
      const seen: [string, unknown][] = [];
      for await (const { data, extensions } of body) {
        seen.push([Buffer.from(data).toString('utf8'), extensions]);
        backendGotFirst.open();
      }
      return { status: 200, body: JSON.stringify({ seen, last: body.lastExtensions, trailers: body.trailers?.raw() }) };
    }
    if (route === 'big') {
      const hash = createHash('sha256');
      let length = 0;
      const body = request.body!;
      const pieces = body instanceof ChunkedBody ? (async function* () { for await (const chunk of body) yield chunk.data; })() : body;
      for await (const piece of pieces) {
        hash.update(piece);
        length += piece.length;
      }
      const framing = request.body instanceof ChunkedBody ? 'chunked' : `length ${request.headers['content-length']}`;
      return {
        status: 200,
        headers: { 'X-Request-Length': String(length), 'X-Request-Sha256': hash.digest('hex'), 'X-Request-Framing': framing },
        body: bigResponse,
      };
    }
    return { status: 404, reason: 'Not Found', headers: { 'Content-Type': 'text/plain' }, body: `no ${request.uri} here\n` };
  };

  let dir: string;
  let backend: Server;
  let proxy: Server;
  const conns: ClientConnection[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warren-proxy-test-'));
    backend = await new Server(join(dir, 'backend.sock'), backendApp).listen();
    proxy = await new Server(['::1', 0], proxyApp(backend.address)).listen();
  });

  after(async () => {
    for (const conn of conns) conn.close();
    try {
      // A connection the server never learns is closed would make close() wait forever: fail instead.
      if (proxy !== undefined) await withTimeout(proxy.close(), 5000, () => `proxy.close() (${proxy.connections} connections left)`);
      if (backend !== undefined) await withTimeout(backend.close(), 5000, () => `backend.close() (${backend.connections} connections left)`);
    } finally {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  });

  async function connect(): Promise<ClientConnection> {
    const conn = await new Client(proxy.address).connect();
    conns.push(conn);
    return conn;
  }

  it('(a) a chunked request body reaches the backend with its chunks, extensions, last-chunk extensions and trailers', async () => {
    const conn = await connect();
    const body = new ChunkedBodyIter([
      { data: 'hello', extensions: [['a', '1'], ['q', 'x y']] },
      { data: 'world' },
      { trailers: [['X-Sum', '10']], extensions: [['end', null]] },
    ]);
    const response = await conn.post('/echo/some/path?x=1&y=2', { 'Content-Type': 'text/plain' }, body);
    assert.equal(response.status, 200);
    const report = (await response.body!.json()) as EchoReport;
    assert.equal(report.method, 'POST');
    assert.equal(report.target, '/echo/some/path?x=1&y=2');
    assert.equal(Buffer.from(report.body, 'base64').toString('utf8'), 'helloworld');
    assert.deepEqual(report.chunks, [
      { size: 5, extensions: [['a', '1'], ['q', 'x y']] },
      { size: 5, extensions: [] },
      { size: 0, extensions: [['end', null]] },
    ]);
    assert.deepEqual(report.trailers, [['X-Sum', '10']]);
    const names = report.headers.map(([name]) => name.toLowerCase());
    assert.ok(names.includes('transfer-encoding'), `the backend got ${JSON.stringify(report.headers)}`);
    assert.ok(!names.includes('content-length'));
  });

  it('(a) the request body streams: the backend reads the first chunk before the client sends the second', async () => {
    backendGotFirst = gate();
    const conn = await connect();
    async function* chunks(): AsyncGenerator<OutgoingChunk | LastChunk> {
      yield { data: 'one', extensions: [['i', '1']] };
      await backendGotFirst.promise;
      yield { data: 'two', extensions: [['i', '2'], ['why', 'because, "why not"']] };
      yield { extensions: [['last', null]], trailers: { 'X-End': 'ok' } };
    }
    const response = await conn.put('/chunked-in', {}, new ChunkedBodyIter(chunks()));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.body!.json(), {
      seen: [
        ['one', [['i', '1']]],
        ['two', [['i', '2'], ['why', 'because, "why not"']]],
      ],
      last: [['last', null]],
      trailers: [['X-End', 'ok']],
    });
  });

  it('(b) a chunked response body reaches the client with its chunks, extensions, lastExtensions and trailers, as it streams', async () => {
    clientGotFirst = gate();
    const conn = await connect();
    const response = await conn.get('/chunked-out');
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-backend'], 'chunked');
    assert.equal(response.fields.get('transfer-encoding'), 'chunked');
    assert.equal(response.headers['content-length'], undefined);
    const body = response.body;
    assert.ok(body instanceof ChunkedBody, `the body is ${body?.constructor.name}`);
    const got: [string, unknown][] = [];
    for await (const { data, extensions } of body) {
      got.push([Buffer.from(data).toString('utf8'), extensions]);
      clientGotFirst.open();
    }
    assert.deepEqual(got, [
      ['first', [['n', '1'], ['note', 'a "quoted" value']]],
      ['second', []],
      ['third', [['flag', null]]],
    ]);
    assert.deepEqual(body.lastExtensions, [['done', 'yes'], ['bare', null]]);
    assert.deepEqual(body.trailers?.raw(), [['X-Checksum', 'abc123'], ['X-Count', '3']]);
  });

  it('(c) a 4 MiB body of known length keeps its length and bytes both ways', async () => {
    const conn = await connect();
    const upload = randomBytes(BIG);
    const response = await conn.put('/big', { 'Content-Type': 'application/octet-stream' }, upload);
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-request-framing'], `length ${BIG}`);
    assert.equal(response.headers['x-request-length'], String(BIG));
    assert.equal(response.headers['x-request-sha256'], sha256(upload));
    assert.equal(response.headers['content-length'], String(BIG));
    assert.equal(response.body?.chunked, false);
    assert.equal(response.body?.length, BIG);
    const hash = createHash('sha256');
    let length = 0;
    for await (const piece of response.body as AsyncIterable<Uint8Array>) {
      hash.update(piece);
      length += piece.length;
    }
    assert.equal(length, BIG);
    assert.equal(hash.digest('hex'), sha256(bigResponse));
  });

  it('(c) a 4 MiB chunked body (64 KiB chunks) keeps its bytes', async () => {
    const conn = await connect();
    const upload = randomBytes(BIG);
    const chunks = function* (): Generator<OutgoingChunk> {
      for (let at = 0; at < BIG; at += 65536) yield { data: upload.subarray(at, at + 65536) };
    };
    const response = await conn.post('/big', {}, new ChunkedBodyIter(chunks()));
    assert.equal(response.headers['x-request-framing'], 'chunked');
    assert.equal(response.headers['x-request-length'], String(BIG));
    assert.equal(response.headers['x-request-sha256'], sha256(upload));
    assert.equal(sha256(await response.body!.bytes()), sha256(bigResponse));
  });

  it('(d) HEAD passes through: the same status and Content-Length as a GET, and no body', async () => {
    const conn = await connect();
    const get = await conn.get('/echo/thing');
    const text = await get.body!.text();
    assert.equal(get.headers['content-length'], String(Buffer.byteLength(text)));
    const head = await conn.head('/echo/thing');
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
    assert.equal(head.headers['content-type'], 'application/json');
    // The echo describes the request, HEAD instead of GET: one byte more in the JSON.
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(text) + 1));
    // The connection goes on after the bodiless HEAD response.
    const again = await conn.get('/echo/after-head');
    assert.equal(((await again.body!.json()) as EchoReport).target, '/echo/after-head');
  });

  it('(d) 404 passes through with its reason and body', async () => {
    const conn = await connect();
    const response = await conn.get('/missing/thing?q=1');
    assert.equal(response.status, 404);
    assert.equal(response.reason, 'Not Found');
    assert.equal(await response.body!.text(), 'no /missing/thing?q=1 here\n');
    const posted = await conn.post('/missing', {}, 'a small body the backend never reads');
    assert.equal(posted.status, 404);
    assert.equal(await posted.body!.text(), 'no /missing here\n');
  });

  it('requests on one client connection share one backend connection', async () => {
    const conn = await connect();
    const before = backend.connections;
    for (let i = 0; i < 3; i++) await (await conn.get(`/echo/${i}`)).body!.text();
    assert.equal(backend.connections, before + 1);
  });
});

describe('reverse proxy: the example', () => {
  it('run directly, it sends a chunked request through the proxy, prints what the backend saw and exits 0', () => {
    const file = fileURLToPath(new URL('../examples/reverse-proxy.js', import.meta.url));
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: TIMEOUT });
    assert.equal(run.status, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    assert.match(run.stdout, /-> 200 OK\n/);
    assert.match(run.stdout, /^ {2}chunk 5 \[\["a","1"\],\["q","x y"\]\]$/m);
    assert.match(run.stdout, /^ {2}chunk 0 \[\["end",null\]\]$/m);
    assert.match(run.stdout, /^ {2}trailer X-Sum: 10$/m);
  });

  it('proxyApp is under 20 lines of code', () => {
    const source = readFileSync(fromRoot('examples/reverse-proxy.ts'), 'utf8');
    const begin = source.indexOf('// proxy:begin');
    const end = source.indexOf('// proxy:end');
    assert.ok(begin !== -1 && end > begin, 'examples/reverse-proxy.ts marks the proxy with // proxy:begin and // proxy:end');
    const code = source
      .slice(begin, end)
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('//'));
    assert.ok(code.some((line) => line.includes('function proxyApp(')), 'the marked region holds proxyApp');
    assert.ok(code.length < 20, `the proxy is ${code.length} lines:\n${code.join('\n')}`);
    const stated = /is (\d+) lines of code/.exec(source);
    assert.equal(Number(stated?.[1]), code.length, 'the comment at the top states the line count');
  });
});
