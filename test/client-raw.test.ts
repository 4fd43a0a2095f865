// The client against raw servers scripted byte by byte: responses cut at every byte,
// pipelined responses in one write, bodies to the close, 1xx, trailers, malformed
// responses, closes at every stage, timeouts and aborts. Each failure must be a
// RequestError with a stable code, never a hang or a crash.

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { withTimeout } from '../bench/lib/timeout.js';
import { Client, Body, BodyIter, ChunkedBody, RequestError, type Address, type ClientConnection, type ClientOptions } from '../src/index.js';
import { boundAddress, listenOptions } from '../src/transport/address.js';

/** One accepted connection, as the script sees it. */
class Peer {
  readonly socket: Socket;
  text = '';
  ended = false;
  closed = false;
  #waiters: (() => void)[] = [];

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.#wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Request heads received so far (the client's requests here have no bodies unless a test says so). */
  get heads(): number {
    return this.text.split('\r\n\r\n').length - 1;
  }

  async until(ready: () => boolean, ms = 3000, what = 'the expected bytes'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.text.slice(0, 300))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Writes `data` in pieces of `sizes()` bytes, one piece per turn of the event loop. */
  async trickle(data: string, sizes: () => number = () => 1): Promise<void> {
    const bytes = Buffer.from(data, 'latin1');
    for (let at = 0; at < bytes.length; ) {
      const end = Math.min(bytes.length, at + Math.max(1, sizes()));
      this.write(bytes.subarray(at, end));
      at = end;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** A raw TCP server on loopback; `script` runs for each connection. */
class RawServer {
  readonly net: NetServer;
  readonly peers: Peer[] = [];
  address: Address = ['127.0.0.1', 0];

  constructor(script: (peer: Peer, index: number) => void | Promise<void>) {
    this.net = createServer({ allowHalfOpen: true }, (socket) => {
      socket.setNoDelay(true);
      const peer = new Peer(socket);
      const index = this.peers.push(peer) - 1;
      Promise.resolve()
        .then(() => script(peer, index))
        .catch((error: unknown) => {
          console.error('raw server script failed:', error);
          socket.destroy();
        });
    });
  }

  static async start(script: (peer: Peer, index: number) => void | Promise<void>, at: Address = ['127.0.0.1', 0]): Promise<RawServer> {
    const server = new RawServer(script);
    await new Promise<void>((resolve, reject) => {
      server.net.once('error', reject);
      server.net.listen(listenOptions(at), () => resolve());
    });
    server.address = boundAddress(server.net, at);
    open.push(server);
    return server;
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy();
    await new Promise((resolve) => this.net.close(resolve));
  }
}

const open: RawServer[] = [];
after(async () => {
  await Promise.all(open.map((s) => s.close()));
});

/** A server that answers the n-th request head on a connection with `answer(n)`. */
function answering(answer: (peer: Peer, n: number) => void | Promise<void>): (peer: Peer) => Promise<void> {
  return async (peer) => {
    for (let n = 0; ; n++) {
      try {
        await peer.until(() => peer.heads > n || peer.ended || peer.closed, 10_000, `request ${n}`);
      } catch {
        return;
      }
      if (peer.heads <= n) return;
      await answer(peer, n);
    }
  };
}

/** Most tests script one exchange: the script starts once the client's first request head is in. */
function onFirstRequest(script: (peer: Peer) => void | Promise<void>): Promise<RawServer> {
  return RawServer.start(async (peer) => {
    await peer.until(() => peer.heads >= 1);
    await script(peer);
  });
}

/** Answers the first request with `wire` and then closes, after `pauseMs` so that the two can arrive apart. */
function closingAfter(wire: string, pauseMs = 0): Promise<RawServer> {
  return onFirstRequest(async (peer) => {
    peer.write(wire);
    if (pauseMs > 0) await delay(pauseMs);
    peer.socket.end();
  });
}

async function firstPeer(server: RawServer): Promise<Peer> {
  for (let i = 0; i < 300 && server.peers.length === 0; i++) await delay(5);
  return server.peers[0]!;
}

async function connect(server: RawServer, options?: ClientOptions): Promise<ClientConnection> {
  return new Client(server.address, options).connect();
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts that `promise` rejects with a RequestError of `code` (and `sent`, when given), within `ms`. */
async function rejectsWith(promise: Promise<unknown>, code: string, sent?: boolean, ms = 3000): Promise<RequestError> {
  try {
    await withTimeout(promise, ms, `a request that should fail with ${code} (a hang)`);
  } catch (error) {
    if (!(error instanceof RequestError)) throw new assert.AssertionError({ message: `not a RequestError: ${String(error)}`, actual: error, expected: code });
    assert.equal(error.code, code, `code of: ${error.message}`);
    if (sent !== undefined) assert.equal(error.sent, sent, `sent of: ${error.message}`);
    return error;
  }
  assert.fail(`resolved; wanted a rejection with code ${code}`);
}

/** A small PRNG, so a failing random split can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXED = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c="d e"\r\nhello\r\n1\r\n!\r\n0;end\r\nX-Sum: 6\r\nX-Other: y\r\n\r\n';
const EARLY = 'HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

async function checkFixed(conn: ClientConnection): Promise<void> {
  const response = await conn.get('/');
  assert.equal(response.status, 200);
  assert.equal(response.headers['x-a'], 'b');
  assert.equal(await response.body!.text(), 'hello');
}

async function checkChunked(conn: ClientConnection): Promise<void> {
  const response = await conn.get('/');
  assert.ok(response.body instanceof ChunkedBody);
  const chunks: [string, unknown][] = [];
  for await (const chunk of response.body) chunks.push([Buffer.from(chunk.data).toString(), chunk.extensions]);
  assert.deepEqual(chunks, [['hello', [['a', 'b'], ['c', 'd e']]], ['!', []]]);
  assert.deepEqual(response.body.lastExtensions, [['end', null]]);
  assert.deepEqual(response.body.trailers?.raw(), [['X-Sum', '6'], ['X-Other', 'y']]);
}

async function checkEarly(conn: ClientConnection): Promise<void> {
  const response = await conn.get('/');
  assert.equal(response.status, 200);
  assert.equal(await response.body!.text(), 'ok');
}

const SAMPLES: [string, string, (conn: ClientConnection) => Promise<void>][] = [
  ['a Content-Length response', FIXED, checkFixed],
  ['a chunked response with extensions and trailers', CHUNKED, checkChunked],
  ['a 103 then a 200', EARLY, checkEarly],
];

describe('client against raw servers: how bytes arrive', () => {
  for (const [name, wire, check] of SAMPLES) {
    test(`${name}, cut in two at every byte`, async () => {
      const server = await RawServer.start(
        answering(async (peer, n) => {
          const cut = n + 1;
          peer.write(wire.slice(0, cut));
          await delay(1);
          peer.write(wire.slice(cut));
        }),
      );
      const conn = await connect(server);
      for (let cut = 1; cut < wire.length; cut++) await check(conn);
      assert.equal(server.peers.length, 1, 'every response on one connection');
      conn.close();
      await server.close();
    });

    test(`${name}, one byte per turn of the event loop`, async () => {
      const server = await RawServer.start(answering((peer) => peer.trickle(wire)));
      const conn = await connect(server);
      await check(conn);
      await check(conn);
      conn.close();
      await server.close();
    });
  }

  test('several responses in random small pieces (seeded)', async () => {
    const random = prng(20240611);
    const wire = [FIXED, CHUNKED, EARLY];
    const server = await RawServer.start(answering((peer, n) => peer.trickle(wire[n % 3]!, () => 1 + Math.floor(random() * 7))));
    const conn = await connect(server);
    for (let i = 0; i < 30; i++) await SAMPLES[i % 3]![2](conn);
    conn.close();
    await server.close();
  });

  test('pipelined responses in one write, with a HEAD among them', async () => {
    const server = await RawServer.start(async (peer) => {
      await peer.until(() => peer.heads >= 6, 3000, 'six pipelined requests');
      peer.write(
        'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none' +
          'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n' +
          CHUNKED.replace('HTTP/1.1 200 OK', 'HTTP/1.1 201 Created') +
          'HTTP/1.1 204 No Content\r\n\r\n' +
          'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast',
      );
    });
    const conn = await connect(server);
    const [a, head, c, d, e, f] = await Promise.all([conn.get('/a'), conn.head('/b'), conn.post('/c', {}, 'x'), conn.delete('/d'), conn.get('/e'), conn.get('/f')]);
    assert.deepEqual([e!.status, e!.body], [304, null], 'a 304 has no body, whatever its Content-Length');
    assert.equal(await f!.body!.text(), 'last');
    assert.match(server.peers[0]!.text, /^GET \/a HTTP\/1.1\r\n[^]*HEAD \/b HTTP\/1.1\r\n[^]*POST \/c HTTP\/1.1\r\n[^]*DELETE \/d HTTP\/1.1\r\n/);
    assert.equal(head!.body, null);
    assert.equal(head!.headers['content-length'], '50');
    assert.equal(c!.status, 201);
    assert.equal(await c!.body!.text(), 'hello!');
    assert.equal(await a!.body!.text(), 'one');
    assert.deepEqual([d!.status, d!.body], [204, null]);
    conn.close();
    await server.close();
  });

  test('a response that runs to the close is read to its end; the connection is not reused', async () => {
    const data = 'x'.repeat(100_000) + 'end';
    const server = await onFirstRequest(async (peer) => {
      peer.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
      peer.write(data.slice(0, 50_000));
      await delay(5);
      peer.write(data.slice(50_000));
      peer.socket.end();
    });
    const conn = await connect(server);
    const response = await conn.get('/');
    assert.ok(response.body instanceof Body);
    assert.equal(response.body.length, null);
    assert.equal(await response.body.text(), data);
    await rejectsWith(conn.get('/again'), 'connection-closed', false);
    await server.close();
  });

  test('an HTTP/1.0 response without framing, read to the close', async () => {
    const server = await closingAfter('HTTP/1.0 200 OK\r\nServer: old\r\n\r\nold style');
    const conn = await connect(server);
    const response = await conn.get('/');
    assert.equal(response.version, '1.0');
    let text = '';
    for await (const piece of response.body as Body) text += Buffer.from(piece).toString();
    assert.equal(text, 'old style');
    await server.close();
  });

  for (const [body, wire] of [
    ['a body to the close', 'HTTP/1.1 200 OK\r\n\r\nall of it'],
    ['a Content-Length body with Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 9\r\n\r\nall of it'],
  ] as const) {
    test(`${body}, read only after the server closed, is still read whole`, async () => {
      const server = await closingAfter(wire);
      const conn = await connect(server);
      const response = await conn.get('/');
      await server.peers[0]!.until(() => server.peers[0]!.closed);
      await delay(30);
      assert.equal(await response.body!.text(), 'all of it');
      await server.close();
    });
  }

  test('fields named by Connection are hop-by-hop: left out of headers, kept in fields', async () => {
    const server = await RawServer.start(
      answering((peer) => peer.write('HTTP/1.1 200 OK\r\nConnection: X-Private, keep-alive\r\nX-Private: secret\r\nX-Public: open\r\nContent-Length: 0\r\n\r\n')),
    );
    const conn = await connect(server);
    const response = await conn.get('/');
    assert.equal(response.headers['x-private'], undefined);
    assert.equal(response.headers['connection'], undefined);
    assert.equal(response.headers['x-public'], 'open');
    assert.equal(response.fields.get('x-private'), 'secret');
    assert.equal(conn.usable, true);
    conn.close();
    await server.close();
  });

  test('a body that runs to the close, passed on as a request body, goes out chunked', async () => {
    const origin = await closingAfter('HTTP/1.1 200 OK\r\n\r\nfrom the origin');
    const sink = await RawServer.start(async (peer) => {
      await peer.until(() => peer.text.endsWith('\r\n0\r\n\r\n'), 3000, 'the chunked body');
      peer.write('HTTP/1.1 204 No Content\r\n\r\n');
    });
    const response = await (await connect(origin)).get('/');
    const forwarded = await (await connect(sink)).put('/copy', {}, response.body);
    assert.equal(forwarded.status, 204);
    const text = sink.peers[0]!.text;
    assert.match(text, /\r\nTransfer-Encoding: chunked\r\n/i);
    assert.doesNotMatch(text, /content-length/i);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    const data = body.split('\r\n').filter((_, i) => i % 2 === 1).join('');
    assert.equal(data, 'from the origin');
    await origin.close();
    await sink.close();
  });

  test('1xx responses before the final one: 100 unasked, 103 twice', async () => {
    const server = await RawServer.start(
      answering((peer) => peer.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: <a>\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: <b>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone')),
    );
    const conn = await connect(server);
    for (let i = 0; i < 2; i++) {
      const response = await conn.get('/');
      assert.equal(response.status, 200);
      assert.equal(response.headers['link'], undefined, 'the 1xx fields are not the final response');
      assert.equal(await response.body!.text(), 'done');
    }
    conn.close();
    await server.close();
  });

  test('trailers and chunk extensions, with a quoted extension, many chunks, an empty trailer section', async () => {
    const server = await RawServer.start(
      answering((peer, n) =>
        peer.write(
          n === 0
            ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n3;q="a\\"b";t\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\nX-T: 2\r\n\r\n'
            : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
        ),
      ),
    );
    const conn = await connect(server);
    const first = await conn.get('/');
    assert.equal(first.headers['trailer'], undefined, 'Trailer is hop-by-hop here');
    const chunks: [string, unknown][] = [];
    for await (const chunk of first.body as ChunkedBody) chunks.push([Buffer.from(chunk.data).toString(), chunk.extensions]);
    assert.deepEqual(chunks, [['abc', [['q', 'a"b'], ['t', null]]], ['0123456789', []]]);
    assert.deepEqual(first.body!.trailers?.getAll('x-t'), ['1', '2']);
    const second = await conn.get('/');
    assert.equal(await second.body!.text(), 'hi');
    assert.equal(second.body!.trailers?.size ?? 0, 0);
    assert.deepEqual(second.body!.lastExtensions, []);
    conn.close();
    await server.close();
  });
});

describe('client against raw servers: malformed responses', () => {
  // A fault in the head fails the request before any response; one in the body fails only the body read.
  const MALFORMED: [where: 'head' | 'body', name: string, wire: string, code: string][] = [
    ['head', 'a bare LF ending the status line', 'HTTP/1.1 200 OK\nContent-Length: 0\n\n', 'bare-lf'],
    ['head', 'a bare LF ending a field line', 'HTTP/1.1 200 OK\r\nX-A: b\nContent-Length: 0\r\n\r\n', 'bare-lf'],
    ['head', 'a status of two digits', 'HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n', 'invalid-status'],
    ['head', 'a status of 600', 'HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n', 'invalid-status'],
    ['head', 'a status line that is not one', 'HELLO THERE\r\nContent-Length: 0\r\n\r\n', 'invalid-version'],
    ['head', 'HTTP/2.0 on the status line', 'HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n', 'unsupported-version'],
    ['head', 'Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 'content-length-with-transfer-encoding'],
    ['head', 'two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', 'conflicting-content-length'],
    ['head', 'a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nabc', 'invalid-content-length'],
    ['head', 'an obs-fold', 'HTTP/1.1 200 OK\r\nX-A: b\r\n  folded\r\nContent-Length: 0\r\n\r\n', 'obs-fold'],
    ['head', 'a gzip transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx', 'unsupported-transfer-coding'],
    ['head', 'a space before the colon', 'HTTP/1.1 200 OK\r\nX-A : b\r\nContent-Length: 0\r\n\r\n', 'invalid-field-name'],
    ['head', 'a NUL in a field value', 'HTTP/1.1 200 OK\r\nX-A: b\0c\r\nContent-Length: 0\r\n\r\n', 'invalid-field-value'],
    ['head', 'a 101 that nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n', 'invalid-switch'],
    ['head', 'a head larger than the limit', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`, 'head-too-large'],
    ['body', 'an invalid chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', 'invalid-chunk-size'],
    ['body', 'a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', 'invalid-chunk-data'],
    ['body', 'a chunk size with a bare LF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n', 'bare-lf'],
    ['body', 'a chunk size that overflows', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n', 'chunk-size-overflow'],
    ['body', 'a bad chunk extension', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;=x\r\nabc\r\n0\r\n\r\n', 'invalid-chunk-extension'],
    ['body', 'a body cut short by the close', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'incomplete-message'],
    ['body', 'a chunked body cut short by the close', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', 'incomplete-message'],
  ];

  for (const [where, name, wire, code] of MALFORMED) {
    test(`${name}: the ${where === 'head' ? 'request' : 'body read'} fails with ${code}`, async () => {
      const server = await RawServer.start(
        answering((peer) => {
          peer.write(wire);
          // Only the close makes a message incomplete.
          if (code === 'incomplete-message') peer.socket.end();
        }),
      );
      const conn = await connect(server);
      if (where === 'head') {
        const error = await rejectsWith(conn.get('/'), code, true);
        assert.equal(error.responseStarted, false);
      } else {
        const response = await conn.get('/');
        assert.equal(response.status, 200);
        await rejectsWith(response.body!.text(), code, true);
      }
      // The connection is done for.
      await rejectsWith(conn.get('/again'), 'connection-closed', false);
      await server.close();
    });
  }

  test('a response before any request: the connection fails, nothing is sent on it', async () => {
    const server = await RawServer.start((peer) => peer.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const conn = await connect(server);
    await delay(30);
    assert.equal(conn.usable, false);
    await rejectsWith(conn.get('/'), 'connection-closed', false);
    await server.close();
  });

  test('a body read with read(size) fails with the protocol code after the good part', async () => {
    const server = await RawServer.start(answering((peer) => peer.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nxyz\r\n')));
    const conn = await connect(server);
    const response = await conn.get('/');
    assert.equal(Buffer.from(await response.body!.read(3)).toString(), 'abc');
    await rejectsWith(response.body!.read(3), 'invalid-chunk-size', true);
    await server.close();
  });
});

describe('client against raw servers: closes, timeouts and aborts', () => {
  const CLOSES: [name: string, partial: string, pauseMs: number, code: string][] = [
    ['the server closes before answering: connection-closed, sent', '', 0, 'connection-closed'],
    [
      'the server closes in the middle of the response head: incomplete-message, sent (response bytes came: no silent retry)',
      'HTTP/1.1 200 OK\r\nContent-Len',
      5,
      'incomplete-message',
    ],
  ];

  for (const [name, partial, pauseMs, code] of CLOSES) {
    test(name, async () => {
      const server = await closingAfter(partial, pauseMs);
      const conn = await connect(server);
      const error = await rejectsWith(conn.get('/'), code, true);
      assert.equal(error.responseStarted, false);
      await server.close();
    });
  }

  test('the server resets the connection before answering: connection-closed, sent', async () => {
    const server = await onFirstRequest((peer) => {
      peer.socket.resetAndDestroy();
    });
    const conn = await connect(server);
    await rejectsWith(conn.get('/'), 'connection-closed', true);
    await server.close();
  });

  test('a response with Connection: close: pipelined requests already sent fail with sent, queued ones without', async () => {
    const server = await RawServer.start(async (peer) => {
      await peer.until(() => peer.heads >= 2, 3000, 'two pipelined requests');
      peer.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\nonly');
      peer.socket.end();
    });
    const conn = await connect(server, { pipelining: 2 });
    const [first, second, third] = [conn.get('/1'), conn.get('/2'), conn.get('/3')];
    second.catch(() => {});
    third.catch(() => {});
    assert.equal(await (await first).body!.text(), 'only');
    await rejectsWith(second, 'connection-closed', true);
    await rejectsWith(third, 'connection-closed', false);
    assert.doesNotMatch(server.peers[0]!.text, /GET \/3/);
    await server.close();
  });

  test('an early response while the request body is still being sent (413 and close): the response is read', async () => {
    const server = await closingAfter('HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 4\r\n\r\nnope');
    const conn = await connect(server);
    const slowBody = new BodyIter(
      (async function* () {
        for (let i = 0; i < 10; i++) {
          await delay(20);
          yield 'xxxxxxxxxx';
        }
      })(),
      100,
    );
    const response = await conn.post('/upload', {}, slowBody);
    assert.equal(response.status, 413);
    assert.equal(await response.body!.text(), 'nope');
    await delay(250);
    assert.equal(conn.usable, false);
    await server.close();
  });

  test('the server closes an idle connection: the client notices, and a later request is not sent', async () => {
    const server = await closingAfter('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 10);
    const conn = await connect(server);
    const response = await conn.get('/');
    assert.equal(await response.body!.text(), 'ok');
    await server.peers[0]!.until(() => server.peers[0]!.closed, 2000, 'the client to close its side too');
    assert.equal(conn.usable, false);
    await rejectsWith(conn.get('/'), 'connection-closed', false);
    assert.equal(server.peers[0]!.heads, 1);
    await server.close();
  });

  test('headersTimeout: a server that never answers', async () => {
    const server = await RawServer.start(() => {});
    const conn = await connect(server, { headersTimeout: 150 });
    const started = Date.now();
    const error = await rejectsWith(conn.get('/'), 'headers-timeout', true);
    const took = Date.now() - started;
    assert.ok(took >= 140 && took < 1500, `took ${took} ms`);
    assert.equal(error.responseStarted, false);
    await server.peers[0]!.until(() => server.peers[0]!.ended, 1000, 'the client to close');
    await server.close();
  });

  test('headersTimeout: a head that stops halfway', async () => {
    const server = await onFirstRequest((peer) => peer.write('HTTP/1.1 200 OK\r\nX-'));
    const conn = await connect(server, { headersTimeout: 150 });
    await rejectsWith(conn.get('/'), 'headers-timeout', true);
    await server.close();
  });

  test('bodyTimeout: a body that stalls; the part that came is read first', async () => {
    const server = await onFirstRequest((peer) => peer.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const conn = await connect(server, { bodyTimeout: 150, headersTimeout: 150 });
    const response = await conn.get('/');
    assert.equal(Buffer.from(await response.body!.read(3)).toString(), 'abc');
    const started = Date.now();
    await rejectsWith(response.body!.read(), 'body-timeout', true);
    assert.ok(Date.now() - started >= 140, 'not before the timeout');
    await server.peers[0]!.until(() => server.peers[0]!.ended, 1000, 'the client to close');
    await server.close();
  });

  test('bodyTimeout: a chunked body that stalls between chunks, read with for await', async () => {
    const server = await onFirstRequest((peer) => peer.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n'));
    const conn = await connect(server, { bodyTimeout: 150 });
    const response = await conn.get('/');
    const seen: string[] = [];
    await rejectsWith(
      (async () => {
        for await (const chunk of response.body as ChunkedBody) seen.push(Buffer.from(chunk.data).toString());
      })(),
      'body-timeout',
      true,
    );
    assert.deepEqual(seen, ['ab']);
    await server.close();
  });

  test('a slow but steady body is not cut by bodyTimeout', async () => {
    const server = await onFirstRequest(async (peer) => {
      peer.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n');
      for (const c of 'abcdef') {
        await delay(40);
        peer.write(c);
      }
    });
    const conn = await connect(server, { bodyTimeout: 120, headersTimeout: 120 });
    const response = await conn.get('/');
    assert.equal(await response.body!.text(), 'abcdef');
    conn.close();
    await server.close();
  });

  test('an AbortSignal aborted before the request: aborted, not sent, the connection goes on', async () => {
    const server = await RawServer.start(answering((peer) => peer.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')));
    const conn = await connect(server);
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    const error = await rejectsWith(conn.request('GET', '/never', {}, null, { signal: controller.signal }), 'aborted', false);
    assert.equal((error.cause as Error).message, 'changed my mind');
    await delay(20);
    assert.equal(server.peers[0]!.text, '', 'nothing was sent');
    const response = await conn.get('/after');
    assert.equal(await response.body!.text(), 'ok');
    conn.close();
    await server.close();
  });

  test('an abort while queued behind another request: aborted, not sent; the first goes on', async () => {
    const server = await RawServer.start(
      answering(async (peer) => {
        await delay(50);
        peer.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst');
      }),
    );
    const conn = await connect(server, { pipelining: 1 });
    const first = conn.get('/first');
    const controller = new AbortController();
    const second = conn.request('GET', '/second', {}, null, { signal: controller.signal });
    await delay(10);
    controller.abort();
    await rejectsWith(second, 'aborted', false);
    assert.equal(await (await first).body!.text(), 'first');
    assert.doesNotMatch(server.peers[0]!.text, /second/);
    conn.close();
    await server.close();
  });

  test('an abort after the request was sent: aborted, sent; the connection closes', async () => {
    const server = await RawServer.start(() => {});
    const conn = await connect(server);
    const controller = new AbortController();
    const pending = conn.request('POST', '/slow', {}, 'data', { signal: controller.signal });
    const peer = await firstPeer(server);
    await peer.until(() => peer.text.endsWith('data'));
    controller.abort();
    const error = await rejectsWith(pending, 'aborted', true);
    assert.equal(error.responseStarted, false);
    await peer.until(() => peer.ended, 1000, 'the close');
    await server.close();
  });

  test('an abort while the body is read fails the read with aborted', async () => {
    const server = await onFirstRequest((peer) => peer.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart'));
    const conn = await connect(server);
    const controller = new AbortController();
    const response = await conn.request('GET', '/', {}, null, { signal: controller.signal });
    const reading = response.body!.text();
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(reading, 'aborted', true);
    await server.close();
  });

  test('an abort after the response was read changes nothing', async () => {
    const server = await RawServer.start(answering((peer) => peer.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')));
    const conn = await connect(server);
    const controller = new AbortController();
    const response = await conn.request('GET', '/', {}, null, { signal: controller.signal });
    assert.equal(await response.body!.text(), 'ok');
    controller.abort();
    const again = await conn.get('/');
    assert.equal(await again.body!.text(), 'ok');
    assert.equal(conn.usable, true);
    conn.close();
    await server.close();
  });

  test(
    'a body read that fails says responseStarted: true (protocol error, body timeout, abort)',
    async () => {
      const bad = await RawServer.start(answering((peer) => peer.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')));
      const stall = await RawServer.start(answering((peer) => peer.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')));
      const broken = await rejectsWith((await (await connect(bad)).get('/')).body!.text(), 'invalid-chunk-size', true);
      const timedOut = await rejectsWith((await (await connect(stall, { bodyTimeout: 100 })).get('/')).body!.text(), 'body-timeout', true);
      const controller = new AbortController();
      const started = await (await connect(stall)).request('GET', '/', {}, null, { signal: controller.signal });
      setTimeout(() => controller.abort(), 10);
      const aborted = await rejectsWith(started.body!.text(), 'aborted', true);
      assert.deepEqual([broken.responseStarted, timedOut.responseStarted, aborted.responseStarted], [true, true, true]);
      await bad.close();
      await stall.close();
    },
  );

  test('Expect: 100-continue to a server that never sends 100: the body goes after continueTimeout', async () => {
    const server = await RawServer.start(async (peer) => {
      await peer.until(() => peer.text.includes('\r\n\r\nbody'), 3000, 'the body');
      peer.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const conn = await connect(server, { continueTimeout: 100 });
    const started = Date.now();
    const response = await conn.put('/', { expect: '100-continue' }, 'body');
    const took = Date.now() - started;
    assert.ok(took >= 90 && took < 2000, `took ${took} ms`);
    assert.equal(await response.body!.text(), 'ok');
    conn.close();
    await server.close();
  });
});
