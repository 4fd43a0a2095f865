// createFetch against a peer it did not grow up with: a node:http server, over a Unix
// socket and over TCP (keep-alive, chunked and gzip responses, a streamed request body, a
// redirect), and fetch's own handling of a decompression bomb and of a Pool given to it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { Pool, createFetch, type Address } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-fetch-'));
const servers: HttpServer[] = [];
after(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const BOMB = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
// Some 280 KiB on the wire: still arriving when decoding passes the limit.
const BIG_BOMB = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 1 });
const TEXT = 'node says hello; '.repeat(500);

async function read(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

function nodeServer(): HttpServer {
  return createServer(async (request, response) => {
    const url = request.url ?? '/';
    if (url === '/json') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ host: request.headers.host, accept: request.headers.accept, encoding: request.headers['accept-encoding'] }));
    } else if (url === '/echo') {
      const body = await read(request);
      response.end(JSON.stringify({ method: request.method, chunked: request.headers['transfer-encoding'] ?? null, body }));
    } else if (url === '/chunked') {
      response.write('one,');
      setTimeout(() => response.end('two'), 10);
    } else if (url === '/gzip') {
      response.setHeader('content-encoding', 'gzip');
      response.end(zlib.gzipSync(TEXT));
    } else if (url === '/bomb') {
      response.setHeader('content-encoding', 'gzip');
      response.end(BOMB);
    } else if (url === '/big-bomb') {
      response.setHeader('content-encoding', 'gzip');
      response.end(BIG_BOMB);
    } else if (url === '/moved') {
      response.statusCode = 302;
      response.setHeader('location', '/json');
      response.end();
    } else {
      response.statusCode = 404;
      response.end('no');
    }
  });
}

async function listen(address: Address): Promise<Address> {
  const server = nodeServer();
  servers.push(server);
  if (typeof address === 'string') {
    await new Promise<void>((resolve) => server.listen(address, resolve));
    return address;
  }
  await new Promise<void>((resolve) => server.listen({ host: address[0], port: 0 }, resolve));
  return [address[0], (server.address() as { port: number }).port];
}

for (const [name, requested] of [['unix', join(dir, 'node.sock')], ['ipv4', ['127.0.0.1', 0]]] as const) {
  test(`createFetch against node:http over ${name}`, async () => {
    const address = await listen(requested as Address);
    const fetch = createFetch(address);
    const json = (await (await fetch('http://node.test:8080/json')).json()) as Record<string, unknown>;
    assert.deepEqual([json['host'], json['accept']], ['node.test:8080', '*/*']);
    assert.match(String(json['encoding']), /^gzip, deflate, br/);
    const stream = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode('up')), c.enqueue(new TextEncoder().encode('load')), c.close()) });
    const echo = (await (await fetch('http://node.test/echo', { method: 'POST', body: stream, duplex: 'half' } as RequestInit)).json()) as Record<string, unknown>;
    assert.deepEqual(echo, { method: 'POST', chunked: 'chunked', body: 'upload' });
    assert.equal(await (await fetch('http://node.test/chunked')).text(), 'one,two');
    const gzip = await fetch('http://node.test/gzip');
    assert.equal(gzip.headers.get('content-encoding'), 'gzip', 'headers as received, as undici keeps them');
    assert.equal(await gzip.text(), TEXT);
    const moved = await fetch('http://node.test/moved');
    assert.deepEqual([moved.status, moved.redirected, moved.url], [200, true, 'http://node.test/json']);
    await moved.arrayBuffer();
    assert.equal((await fetch('http://node.test/nothing')).status, 404);
    assert.equal(fetch.pool.connections, 1, 'keep-alive: one connection for all');
    await fetch.close();
  });
}

test('createFetch: a decompression bomb errors the body stream past maxDecodedBytes; decompress: false hands it over raw', async () => {
  const address = await listen(join(dir, 'bomb.sock'));
  const fetch = createFetch(address, { maxDecodedBytes: 1024 * 1024, maxConnections: 1 });
  const response = await fetch('http://node.test/bomb');
  const failure = await response.arrayBuffer().catch((e: unknown) => e);
  assert.ok(failure instanceof TypeError, 'the body fails as undici fails a body: TypeError');
  assert.equal((failure.cause as { code: string }).code, 'decoded-too-large');
  // The pool's one connection serves again.
  assert.equal(await (await fetch('http://node.test/gzip')).text(), TEXT);
  // A bomb still on the wire: its connection closes, and the pool opens another.
  const big = await (await fetch('http://node.test/big-bomb')).arrayBuffer().catch((e: unknown) => e);
  assert.equal(((big as TypeError).cause as { code: string }).code, 'decoded-too-large');
  assert.equal(await (await fetch('http://node.test/gzip')).text(), TEXT);
  await fetch.close();
  const raw = createFetch(address, { decompress: false });
  const rawResponse = await raw('http://node.test/bomb');
  assert.equal((await rawResponse.arrayBuffer()).byteLength, BOMB.length);
  await raw.close();
});

test('createFetch(pool): shares a Pool made elsewhere, and refuses Pool options given to it', async () => {
  const address = await listen(join(dir, 'pool.sock'));
  const pool = new Pool(address, { maxConnections: 2 });
  const fetch = createFetch(pool);
  assert.equal(fetch.pool, pool);
  assert.equal(await (await fetch('http://node.test/gzip')).text(), TEXT);
  assert.throws(() => createFetch(pool, { maxConnections: 3 }), /give maxConnections to the Pool/);
  await pool.close();
});
