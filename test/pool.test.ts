// Pool: connection limits, the queue and its timeout, idle closes (the pool's own timeout
// and the server's Keep-Alive hint), maxRequestsPerConnection, the one transparent retry
// on a reused connection the server closed, and aborts while queued. Warren servers count
// connections with app.onConnect; raw servers script the closes byte by byte.

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, Pool, BodyIter, RequestError, type App, type Address, type PoolOptions } from '../src/index.js';
import { boundAddress, listenOptions } from '../src/transport/address.js';
import { TRANSPORTS } from './lib/transports.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Connections seen by a warren server: how many at once, how many in all, when each ended. */
interface Census {
  open: number;
  most: number;
  total: number;
  ends: number[];
}

async function serve(app: App, address: Address = ['127.0.0.1', 0]): Promise<{ server: Server; census: Census }> {
  const census: Census = { open: 0, most: 0, total: 0, ends: [] };
  const counted = Object.assign(((...args: Parameters<App>) => app(...args)) as App, {
    onConnect: (_session: unknown, socket: Socket) => {
      census.open++;
      census.total++;
      census.most = Math.max(census.most, census.open);
      socket.once('end', () => census.ends.push(Date.now()));
      socket.once('close', () => census.open--);
    },
  });
  const server = new Server(address, counted, { onError: () => {} });
  await server.listen();
  return { server, census };
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

async function text(pool: Pool, uri = '/', options: { signal?: AbortSignal } = {}): Promise<string> {
  const response = await pool.request('GET', uri, {}, null, options);
  return response.body === null ? '' : response.body.text();
}

async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

function isRequestError(code: string | string[], sent: boolean): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RequestError, String(error));
    assert.ok(([] as string[]).concat(code).includes(error.code), `code ${error.code} (${error.message}), wanted ${String(code)}`);
    assert.equal(error.sent, sent, `sent of ${error.code}: ${error.message}`);
    return true;
  };
}

// --- a raw server, for closes the warren server would never do

class Peer {
  text = '';
  ended = false;
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.text += chunk.toString('latin1')));
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  get heads(): number {
    return this.text.split('\r\n\r\n').length - 1;
  }
}

const raws: NetServer[] = [];
after(async () => {
  await Promise.all(raws.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Calls `answer(peer, index, n)` for the n-th request head on connection `index`. */
async function rawServer(answer: (peer: Peer, index: number, n: number) => void | Promise<void>): Promise<{ address: Address; peers: Peer[]; close: () => Promise<void> }> {
  const peers: Peer[] = [];
  const server = createServer({ allowHalfOpen: true }, async (socket) => {
    const peer = new Peer(socket);
    const index = peers.push(peer) - 1;
    for (let n = 0; !peer.closed && !peer.ended; n++) {
      while (peer.heads <= n && !peer.closed && !peer.ended) await delay(2);
      if (peer.heads <= n) return;
      await answer(peer, index, n);
    }
  });
  raws.push(server);
  const at: Address = ['127.0.0.1', 0];
  await new Promise<void>((resolve) => server.listen(listenOptions(at), resolve));
  return {
    address: boundAddress(server, at),
    peers,
    close: async () => {
      for (const peer of peers) peer.socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

describe('Pool', () => {
  test('maxConnections: 20 concurrent requests never open more than 3 connections', async () => {
    const { server, census } = await serve(async (session) => {
      await delay(10);
      return { status: 200, body: String(session.requests) };
    });
    const pool = new Pool(server.address, { maxConnections: 3 });
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const out = await text(pool);
        most = Math.max(most, pool.connections);
        return out;
      }),
    );
    assert.equal(results.length, 20);
    assert.ok(census.most <= 3, `the server saw ${census.most} connections at once`);
    assert.equal(census.total, 3, 'the connections were reused');
    assert.ok(most <= 3, `pool.connections reached ${most}`);
    await pool.close();
    await server.close();
  });

  test('sequential requests share one connection', async () => {
    const { server, census } = await serve((session) => ({ status: 200, body: String(session.requests) }));
    const pool = new Pool(server.address);
    for (let i = 1; i <= 5; i++) assert.equal(await text(pool), String(i));
    assert.equal(census.total, 1);
    assert.equal(pool.connections, 1);
    await pool.close();
    await server.close();
  });

  test('the shorthands a connection has: get, head, put, post, delete', async () => {
    const { server } = await serve(async (_s, request) => ({ status: 200, body: `${request.method} ${request.uri} ${request.body === null ? '-' : await request.body.text()}` }));
    const pool = new Pool(server.address);
    const read = async (response: Promise<{ body: { text(): Promise<string> } | null }>): Promise<string> => (await (await response).body?.text()) ?? '(no body)';
    assert.equal(await read(pool.get('/a')), 'GET /a -');
    assert.equal(await read(pool.head('/b')), '(no body)');
    assert.equal(await read(pool.put('/c', {}, 'put')), 'PUT /c put');
    assert.equal(await read(pool.post('/d', { 'content-type': 'text/plain' }, 'post')), 'POST /d post');
    assert.equal(await read(pool.delete('/e')), 'DELETE /e -');
    assert.equal(pool.connections, 1);
    await pool.close();
    await server.close();
  });

  test('a pool over a Unix socket', async () => {
    const { server, census } = await serve((_s, request) => ({ status: 200, body: request.headers['host'] ?? 'no host' }), TRANSPORTS[0]!.address());
    const pool = new Pool(server.address, { maxConnections: 2 });
    const out = await Promise.all(Array.from({ length: 6 }, () => text(pool)));
    assert.deepEqual(out, Array(6).fill('no host'));
    assert.ok(census.most <= 2);
    await pool.close();
    await server.close();
  });

  test('queueTimeout: a request that waits too long for a busy connection fails with queue-timeout, not sent', async () => {
    const slow = gate();
    const { server } = await serve(async () => {
      await slow.wait;
      return { status: 200, body: 'slow' };
    });
    const pool = new Pool(server.address, { maxConnections: 1, queueTimeout: 100 });
    const first = text(pool);
    await delay(10);
    const started = Date.now();
    await assert.rejects(text(pool), isRequestError('queue-timeout', false));
    const took = Date.now() - started;
    assert.ok(took >= 90 && took < 1000, `took ${took} ms`);
    slow.open();
    assert.equal(await first, 'slow');
    assert.equal(await text(pool), 'slow', 'the pool still works');
    await pool.close();
    await server.close();
  });

  test('a queued request gets the connection when the one before it is read', async () => {
    const { server, census } = await serve(async (session) => {
      await delay(20);
      return { status: 200, body: String(session.requests) };
    });
    const pool = new Pool(server.address, { maxConnections: 1, queueTimeout: 2000 });
    assert.deepEqual(await Promise.all([text(pool), text(pool), text(pool)]), ['1', '2', '3']);
    assert.equal(census.total, 1);
    await pool.close();
    await server.close();
  });

  test('an AbortSignal while waiting in the queue: aborted, not sent; the queue goes on', async () => {
    const slow = gate();
    const { server } = await serve(async (_s, request) => {
      if (request.uri === '/slow') await slow.wait;
      return { status: 200, body: request.uri };
    });
    const pool = new Pool(server.address, { maxConnections: 1, queueTimeout: 5000 });
    const first = text(pool, '/slow');
    const controller = new AbortController();
    const queued = text(pool, '/queued', { signal: controller.signal });
    const behind = text(pool, '/behind');
    await delay(20);
    const started = Date.now();
    controller.abort();
    await assert.rejects(queued, isRequestError('aborted', false));
    assert.ok(Date.now() - started < 200, 'the abort was not immediate');
    slow.open();
    assert.equal(await first, '/slow');
    assert.equal(await behind, '/behind');
    await pool.close();
    await server.close();
  });

  test('idleTimeout: an idle connection is closed by the pool', async () => {
    const { server, census } = await serve(() => ({ status: 200, body: 'x' }));
    const pool = new Pool(server.address, { idleTimeout: 150 });
    assert.equal(await text(pool), 'x');
    const idleSince = Date.now();
    await until(() => census.ends.length === 1, 2000, 'the server to see the close');
    const took = census.ends[0]! - idleSince;
    assert.ok(took >= 140 && took < 1000, `closed after ${took} ms`);
    await until(() => pool.connections === 0, 1000, 'the pool to forget the connection');
    assert.equal(await text(pool), 'x', 'a new connection after the idle one closed');
    assert.equal(census.total, 2);
    await pool.close();
    await server.close();
  });

  test('the server\'s Keep-Alive: timeout=1 hint closes the idle connection well before 1 s', async () => {
    const raw = await rawServer((peer) => void peer.socket.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok'));
    const pool = new Pool(raw.address, { idleTimeout: 4000 });
    assert.equal(await text(pool), 'ok');
    const idleSince = Date.now();
    await until(() => raw.peers[0]!.ended, 1500, 'the pool to close the connection');
    const took = Date.now() - idleSince;
    assert.ok(took < 950, `closed after ${took} ms: not before the server's 1 s`);
    assert.ok(took >= 200, `closed after ${took} ms: too soon`);
    await pool.close();
    await raw.close();
  });

  test('maxRequestsPerConnection: a new connection after every 2 requests', async () => {
    const { server, census } = await serve((session) => ({ status: 200, body: String(session.requests) }));
    const pool = new Pool(server.address, { maxRequestsPerConnection: 2 });
    const out: string[] = [];
    for (let i = 0; i < 5; i++) out.push(await text(pool));
    assert.deepEqual(out, ['1', '2', '1', '2', '1']);
    assert.equal(census.total, 3);
    await pool.close();
    await server.close();
  });

  test('a server that answers Connection: close: each request on a new connection, all succeed', async () => {
    const raw = await rawServer((peer) => {
      peer.socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
      peer.socket.end();
    });
    const pool = new Pool(raw.address, { maxConnections: 2 });
    const out = await Promise.all(Array.from({ length: 6 }, () => text(pool)));
    assert.deepEqual(out, Array(6).fill('ok'));
    assert.equal(raw.peers.length, 6);
    assert.ok(raw.peers.every((peer) => peer.heads === 1));
    await pool.close();
    await raw.close();
  });

  test('a reused idle connection the server closed first is not used', async () => {
    const raw = await rawServer((peer) => {
      peer.socket.write(OK);
      peer.socket.end();
    });
    const pool = new Pool(raw.address);
    assert.equal(await text(pool), 'ok');
    await until(() => pool.connections === 0, 1000, 'the pool to see the close');
    assert.equal(await text(pool), 'ok');
    assert.equal(raw.peers.length, 2);
    await pool.close();
    await raw.close();
  });

  test('retry: a reused connection the server resets as the next request arrives; the GET succeeds on a fresh one', async () => {
    const raw = await rawServer((peer, index, n) => {
      if (index === 0 && n === 1) return peer.socket.resetAndDestroy() as unknown as void;
      peer.socket.write(OK);
    });
    const pool = new Pool(raw.address);
    assert.equal(await text(pool, '/1'), 'ok');
    assert.equal(await text(pool, '/2'), 'ok');
    assert.equal(raw.peers.length, 2);
    assert.match(raw.peers[1]!.text, /^GET \/2 HTTP\/1.1\r\n/);
    await pool.close();
    await raw.close();
  });

  test(
    'retry: a reused connection the server closes (FIN) without answering the next request; the GET succeeds on a fresh one',
    async () => {
      const raw = await rawServer((peer, index, n) => {
        if (index === 0 && n === 1) return void peer.socket.end();
        peer.socket.write(OK);
      });
      const pool = new Pool(raw.address);
      try {
        assert.equal(await text(pool, '/1'), 'ok');
        assert.equal(await text(pool, '/2'), 'ok');
        assert.equal(raw.peers.length, 2);
      } finally {
        await pool.close();
        await raw.close();
      }
    },
  );

  test('no retry: a POST with a stream body on a reused connection the server drops fails with sent true', async () => {
    for (const drop of ['reset', 'fin'] as const) {
      const raw = await rawServer((peer, index, n) => {
        if (index === 0 && n === 1) {
          if (drop === 'reset') peer.socket.resetAndDestroy();
          else peer.socket.end();
          return;
        }
        peer.socket.write(OK);
      });
      const pool = new Pool(raw.address);
      assert.equal(await text(pool), 'ok');
      const body = new BodyIter((async function* () { yield 'once'; })(), 4);
      await assert.rejects(pool.request('POST', '/upload', {}, body), isRequestError(['connection-closed', 'incomplete-message'], true));
      await delay(20);
      assert.equal(raw.peers.length, 1, `${drop}: the POST was sent again`);
      await pool.close();
      await raw.close();
    }
  });

  test('no retry on a fresh connection, even for a GET', async () => {
    const raw = await rawServer((peer) => peer.socket.resetAndDestroy() as unknown as void);
    const pool = new Pool(raw.address);
    await assert.rejects(text(pool), isRequestError('connection-closed', true));
    await delay(20);
    assert.equal(raw.peers.length, 1);
    await pool.close();
    await raw.close();
  });

  test('a PUT with a string body is retried once on a reset reused connection, never twice', async () => {
    const raw = await rawServer((peer, index, n) => {
      if ((index === 0 && n === 1) || index === 1) return peer.socket.resetAndDestroy() as unknown as void;
      peer.socket.write(OK);
    });
    const pool = new Pool(raw.address);
    assert.equal(await text(pool), 'ok');
    await assert.rejects(pool.request('PUT', '/x', {}, 'data'), isRequestError('connection-closed', true));
    assert.equal(raw.peers.length, 2, 'one retry');
    assert.match(raw.peers[1]!.text, /^PUT \/x HTTP\/1.1\r\n[^]*\r\n\r\ndata$/);
    await pool.close();
    await raw.close();
  });

  test(
    'a request refused before it is sent (aborted signal) does not leak its idle connection',
    async () => {
      const { server } = await serve(() => ({ status: 200, body: 'x' }));
      const pool = new Pool(server.address, { maxConnections: 1, queueTimeout: 300 });
      try {
        assert.equal(await text(pool), 'x');
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(text(pool, '/', { signal: controller.signal }), isRequestError('aborted', false));
        assert.equal(await text(pool), 'x');
      } finally {
        await pool.close();
        await server.close();
      }
    },
  );

  test(
    'a request refused before it is sent (framing conflict) does not leak its connection',
    async () => {
      const { server } = await serve(() => ({ status: 200, body: 'x' }));
      const pool = new Pool(server.address, { maxConnections: 1, queueTimeout: 300 });
      try {
        await assert.rejects(pool.request('PUT', '/', { 'content-length': '5' }, 'abc'), isRequestError('framing-conflict', false));
        assert.equal(await text(pool), 'x');
      } finally {
        await pool.close();
        await server.close();
      }
    },
  );

  test('close(): waiting requests fail, connections close, later requests are refused', async () => {
    const slow = gate();
    const { server, census } = await serve(async () => {
      await slow.wait;
      return { status: 200, body: 'x' };
    });
    const pool = new Pool(server.address, { maxConnections: 1 });
    const busy = text(pool);
    const waiting = text(pool);
    await delay(20);
    await pool.close();
    await assert.rejects(waiting, isRequestError('connection-closed', false));
    await assert.rejects(busy, isRequestError('connection-closed', true));
    await assert.rejects(text(pool), isRequestError('connection-closed', false));
    slow.open();
    await until(() => census.open === 0, 1000, 'the server to see the close');
    await server.close();
  });

  test('connect failures: connect-failed, not sent; options are checked', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const pool = new Pool(['127.0.0.1', port]);
    await assert.rejects(text(pool), isRequestError('connect-failed', false));
    assert.equal(pool.connections, 0);
    await pool.close();
    assert.throws(() => new Pool(['127.0.0.1', 1], { maxConnections: 0 }), TypeError);
    assert.throws(() => new Pool(['127.0.0.1', 1], { queueTimeout: -1 }), TypeError);
    assert.throws(() => new Pool(['127.0.0.1', 1], { bogus: 1 } as PoolOptions), TypeError);
  });
});
