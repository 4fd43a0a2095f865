// The warren client against servers it did not write: node:http (keep-alive, pipelining,
// chunked responses with trailers, 100-continue through 'checkContinue') and Python's
// http.server (HTTP/1.0 answers, each on its own connection, closed after it).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as httpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool, ChunkedBody, ChunkedBodyIter, BodyIter, RequestError, type Address } from '../src/index.js';
import { TRANSPORTS } from './lib/transports.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (out += chunk));
    request.on('end', () => resolve(out));
    request.on('error', reject);
  });
}

/** A node:http server; every socket's received bytes are kept, in order of connection. */
async function nodeServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>,
  at: Address = ['127.0.0.1', 0],
): Promise<{ server: HttpServer; address: Address; sockets: string[] }> {
  const server = httpServer({ keepAliveTimeout: 5000 }, (request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  const sockets: string[] = [];
  server.on('connection', (socket: Socket) => {
    const index = sockets.push('') - 1;
    socket.on('data', (chunk: Buffer) => (sockets[index] += chunk.toString('latin1')));
  });
  const address = await new Promise<Address>((resolve) => {
    if (typeof at === 'string') server.listen(at, () => resolve(at));
    else server.listen(at[1], at[0], () => resolve([at[0], (server.address() as { port: number }).port]));
  });
  return { server, address, sockets };
}

async function stop(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const echoHandler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
  const body = await readAll(request);
  response.setHeader('content-type', 'application/json');
  response.end(
    JSON.stringify({
      method: request.method,
      url: request.url,
      host: request.headers.host ?? null,
      length: request.headers['content-length'] ?? null,
      coding: request.headers['transfer-encoding'] ?? null,
      body,
      trailers: request.trailers,
    }),
  );
};

describe('client against node:http', () => {
  test('keep-alive: requests share one connection; Keep-Alive is in fields, not headers', async () => {
    const { server, address, sockets } = await nodeServer(echoHandler);
    const conn = await new Client(address).connect();
    for (let i = 0; i < 3; i++) {
      const response = await conn.get(`/k${i}`);
      assert.equal(response.status, 200);
      assert.equal(response.fields.get('keep-alive'), 'timeout=5');
      assert.equal(response.headers['keep-alive'], undefined);
      const out = (await response.body!.json()) as Record<string, unknown>;
      assert.deepEqual([out['method'], out['url'], out['host']], ['GET', `/k${i}`, `127.0.0.1:${(address as [string, number])[1]}`]);
    }
    assert.equal(sockets.length, 1);
    conn.close();
    await stop(server);
  });

  test('every request body form reaches node intact', async () => {
    const { server, address } = await nodeServer(echoHandler);
    const conn = await new Client(address).connect();
    const fixed = (await (await conn.post('/s', { 'content-type': 'text/plain' }, 'plain text')).body!.json()) as Record<string, unknown>;
    assert.deepEqual([fixed['length'], fixed['coding'], fixed['body']], ['10', null, 'plain text']);
    const stream = (await (await conn.put('/i', {}, new BodyIter(['a', 'b', 'c'], 3))).body!.json()) as Record<string, unknown>;
    assert.deepEqual([stream['length'], stream['body']], ['3', 'abc']);
    const chunked = (await (
      await conn.post('/c', {}, new ChunkedBodyIter([{ data: 'hello ', extensions: [['x', 'y']] }, { data: 'node' }, { trailers: { 'X-Trailer': 'yes' } }]))
    ).body!.json()) as Record<string, unknown>;
    assert.deepEqual([chunked['coding'], chunked['body'], chunked['trailers']], ['chunked', 'hello node', { 'x-trailer': 'yes' }]);
    conn.close();
    await stop(server);
  });

  test('a chunked response with res.addTrailers', async () => {
    const { server, address } = await nodeServer(async (_request, response) => {
      response.setHeader('Trailer', 'X-Sum, X-Note');
      response.write('first ');
      await delay(5);
      response.write('second');
      response.addTrailers({ 'X-Sum': '12', 'X-Note': 'done' });
      response.end();
    });
    const conn = await new Client(address).connect();
    for (let i = 0; i < 2; i++) {
      const response = await conn.get('/');
      assert.ok(response.body instanceof ChunkedBody);
      assert.equal(response.fields.get('transfer-encoding'), 'chunked');
      const chunks: string[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk.data).toString());
      assert.equal(chunks.join(''), 'first second');
      assert.equal(response.body.trailers?.get('x-sum'), '12');
      assert.equal(response.body.trailers?.get('x-note'), 'done');
    }
    conn.close();
    await stop(server);
  });

  test('pipelined requests are answered in order; HEAD then GET on one connection', async () => {
    const { server, address, sockets } = await nodeServer(async (request, response) => {
      if (request.url === '/slow') await delay(30);
      response.end(`answer to ${request.method} ${request.url}`);
    });
    const conn = await new Client(address).connect();
    const responses = await Promise.all([conn.get('/slow'), conn.head('/h'), conn.get('/a'), conn.delete('/d'), conn.get('/b')]);
    assert.equal(responses[1]!.body, null);
    const texts = await Promise.all(responses.map((r) => (r.body === null ? null : r.body.text())));
    assert.deepEqual(texts, ['answer to GET /slow', null, 'answer to GET /a', 'answer to DELETE /d', 'answer to GET /b']);
    assert.equal(sockets.length, 1);
    conn.close();
    await stop(server);
  });

  test('100-continue with checkContinue: writeContinue lets the body come', async () => {
    const { server, address } = await nodeServer(echoHandler);
    server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
      response.writeContinue();
      void echoHandler(request, response);
    });
    const conn = await new Client(address, { continueTimeout: 5000 }).connect();
    const started = Date.now();
    const response = await conn.put('/up', { Expect: '100-continue' }, 'after the 100');
    assert.ok(Date.now() - started < 2000, 'the body waited for continueTimeout, not for the 100');
    const out = (await response.body!.json()) as Record<string, unknown>;
    assert.equal(out['body'], 'after the 100');
    const again = await conn.get('/again');
    assert.equal(again.status, 200, 'the connection goes on after a 100-continue exchange');
    await again.body!.text();
    conn.close();
    await stop(server);
  });

  test('100-continue with checkContinue: a 417 instead; the body is never sent', async () => {
    const { server, address, sockets } = await nodeServer(echoHandler);
    server.on('checkContinue', (_request: IncomingMessage, response: ServerResponse) => {
      response.writeHead(417, { 'content-type': 'text/plain' });
      response.end('too big');
    });
    const conn = await new Client(address, { continueTimeout: 5000 }).connect();
    const response = await conn.put('/up', { Expect: '100-continue' }, 'NEVER-SENT');
    assert.equal(response.status, 417);
    assert.equal(await response.body!.text(), 'too big');
    await assert.rejects(conn.get('/'), (error: unknown) => error instanceof RequestError && error.code === 'connection-closed' && !error.sent);
    await delay(30);
    assert.doesNotMatch(sockets.join(''), /NEVER-SENT/);
    conn.close();
    await stop(server);
  });

  test('over a Unix socket, with the host option (node requires Host)', async () => {
    const { server, address } = await nodeServer(echoHandler, TRANSPORTS[0]!.address());
    const conn = await new Client(address, { host: 'localhost' }).connect();
    const out = (await (await conn.get('/unix')).body!.json()) as Record<string, unknown>;
    assert.deepEqual([out['url'], out['host']], ['/unix', 'localhost']);
    conn.close();
    await stop(server);
  });

  test('a Pool against node:http', async () => {
    let connections = 0;
    const { server, address } = await nodeServer(async (request, response) => {
      await delay(5);
      response.end(request.url);
    });
    server.on('connection', () => connections++);
    const pool = new Pool(address, { maxConnections: 2 });
    const out = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await pool.request('GET', `/${i}`)).body!.text()));
    assert.deepEqual(out, Array.from({ length: 10 }, (_, i) => `/${i}`));
    assert.ok(connections <= 2, `${connections} connections`);
    await pool.close();
    await stop(server);
  });
});

describe('client against python3 -m http.server', () => {
  let missing: string | null = null;
  let python: ChildProcess | null = null;
  let address: Address | null = null;
  let dir = '';
  const small = 'hello from a file\n';
  const large = Buffer.alloc(300 * 1024, 'abcdefghij');

  before(async () => {
    const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) {
      missing = `python3 is not installed (${probe.error?.message ?? probe.stderr.trim()}); .ci/run installs it`;
      console.log(`# skipping python interop: ${missing}`);
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'warren-py-'));
    writeFileSync(join(dir, 'small.txt'), small);
    writeFileSync(join(dir, 'large.bin'), large);
    python = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`python http.server did not start: ${JSON.stringify(out)}`)), 8000);
      const look = (chunk: Buffer): void => {
        out += chunk.toString();
        const match = /Serving HTTP on \S+ port (\d+)/.exec(out);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      python!.stdout!.on('data', look);
      python!.stderr!.on('data', look);
      python!.once('exit', (code) => reject(new Error(`python http.server exited with ${code}: ${out}`)));
    });
    address = ['127.0.0.1', port];
  });

  after(() => {
    python?.kill();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('GET a file: HTTP/1.0 with Content-Length, then the connection closes', async (t) => {
    if (missing !== null) return t.skip(missing);
    const conn = await new Client(address!).connect();
    const response = await conn.get('/small.txt');
    assert.equal(response.status, 200);
    assert.equal(response.version, '1.0');
    assert.equal(response.headers['content-length'], String(small.length));
    assert.equal(await response.body!.text(), small);
    await assert.rejects(conn.get('/small.txt'), (error: unknown) => error instanceof RequestError && error.code === 'connection-closed' && !error.sent);
    conn.close();
  });

  test('GET a large file, read in pieces', async (t) => {
    if (missing !== null) return t.skip(missing);
    const conn = await new Client(address!).connect();
    const response = await conn.get('/large.bin');
    const parts: Uint8Array[] = [];
    for (let part = await response.body!.read(10_000); part.length > 0; part = await response.body!.read(10_000)) parts.push(Buffer.from(part));
    assert.ok(Buffer.concat(parts).equals(large));
    conn.close();
  });

  test('HEAD, a 404, and a directory listing', async (t) => {
    if (missing !== null) return t.skip(missing);
    const head = await (await new Client(address!).connect()).head('/small.txt');
    assert.deepEqual([head.status, head.body, head.headers['content-length']], [200, null, String(small.length)]);
    const missingFile = await (await new Client(address!).connect()).get('/nope.txt');
    assert.equal(missingFile.status, 404);
    assert.match(await missingFile.body!.text(), /404/);
    const listing = await (await new Client(address!).connect()).get('/');
    assert.equal(listing.status, 200);
    assert.match(await listing.body!.text(), /small\.txt/);
  });

  test('a Pool opens a new connection for each HTTP/1.0 answer', async (t) => {
    if (missing !== null) return t.skip(missing);
    const pool = new Pool(address!, { maxConnections: 2 });
    const texts = await Promise.all(Array.from({ length: 5 }, async () => (await pool.request('GET', '/small.txt')).body!.text()));
    assert.deepEqual(texts, Array(5).fill(small));
    await pool.close();
  });
});
