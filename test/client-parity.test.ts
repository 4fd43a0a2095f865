// The client's issue-13 fixes and its Degu parity, against a warren Server over a Unix
// socket, TCP and TLS: request lines refused before a byte is sent (and the connection
// goes on), methods normalized as fetch does, aborts that carry the signal's reason and
// say 'timeout' for AbortSignal.timeout(), Transfer-Encoding out of `headers` in both
// roles, and the `authorization`, `headers` and `onConnect` options and getRange().

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withTimeout } from '../bench/lib/timeout.js';
import {
  Client,
  ChunkedBody,
  ChunkedBodyIter,
  Pool,
  RangeMismatchError,
  RequestError,
  Server,
  type App,
  type ClientOptions,
  type PoolOptions,
} from '../src/index.js';
import { TRANSPORTS, type Transport } from './lib/transports.js';

/** A 100-byte representation for the range tests: byte i is 'a' + i % 26. */
const DOC = Buffer.from(Array.from({ length: 100 }, (_, i) => 97 + (i % 26)));

/** Gates the hanging requests wait on; all opened at the end, so every server can close. */
const gates: (() => void)[] = [];
const servers: Server[] = [];
after(async () => {
  for (const open of gates) open();
  for (const server of servers) await withTimeout(server.close(), 5000, () => `server.close() (${server.connections} connections left)`);
});

interface Seen {
  method: string;
  uri: string;
  fields: [string, string][];
  headers: Record<string, unknown>;
}

/** What the server saw, by path: `/echo` tells it; `/hang` answers when the test ends; the rest are range answers. */
function parityApp(seen: Seen[]): App {
  return async (_session, request) => {
    const report: Seen = { method: request.method, uri: request.uri, fields: request.fields.raw().map(([n, v]) => [n, v]), headers: { ...request.headers } };
    seen.push(report);
    if (request.body !== null) await request.body.bytes();
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers['range'] ?? '');
    switch (request.path[0]) {
      case 'hang':
        await new Promise<void>((resolve) => gates.push(resolve));
        return { status: 204 };
      case 'chunked':
        return { status: 200, body: new ChunkedBodyIter([{ data: 'one' }, { data: 'two' }]) };
      case 'drip':
        // One chunk, then nothing until the test ends.
        return {
          status: 200,
          body: new ChunkedBodyIter(
            (async function* () {
              yield { data: 'first' };
              await new Promise<void>((resolve) => gates.push(resolve));
            })(),
          ),
        };
      case 'doc': {
        if (range === null) return { status: 200, body: DOC };
        const first = Number(range[1]);
        if (first >= DOC.length) return { status: 416, headers: { 'content-range': `bytes */${DOC.length}` } };
        const last = Math.min(Number(range[2]), DOC.length - 1);
        return { status: 206, headers: { 'content-range': `bytes ${first}-${last}/${DOC.length}` }, body: DOC.subarray(first, last + 1) };
      }
      case 'ignore':
        return { status: 200, body: DOC };
      case 'shifted':
        return { status: 206, headers: { 'content-range': 'bytes 1-10/100' }, body: DOC.subarray(1, 11) };
      case 'short':
        return { status: 206, headers: { 'content-range': 'bytes 0-9/100' }, body: DOC.subarray(0, 5) };
      case 'unbounded':
        return { status: 206, headers: { 'content-range': 'bytes 0-9/*' }, body: DOC.subarray(0, 10) };
      case 'nocr':
        return { status: 206, body: DOC.subarray(0, 10) };
      case 'missing':
        return { status: 404, body: 'no such document' };
      default:
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) };
    }
  };
}

async function serve(transport: Transport): Promise<{ server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  const tls = transport.serverTls?.();
  const server = await new Server(transport.address(), parityApp(seen), { onError: () => {}, ...(tls === undefined ? {} : { tls }) }).listen();
  servers.push(server);
  return { server, seen };
}

function client(transport: Transport, server: Server, options: ClientOptions = {}): Client {
  return new Client(server.address, { ...transport.clientOptions(), ...options });
}

function pool(transport: Transport, server: Server, options: PoolOptions = {}): Pool {
  return new Pool(server.address, { ...transport.clientOptions(), ...options });
}

async function rejectsWith(promise: Promise<unknown>, code: string, sent: boolean): Promise<RequestError> {
  let caught: unknown;
  await withTimeout(
    promise.then(
      (value) => assert.fail(`resolved with ${String(value)}, expected a RequestError ${code}`),
      (error: unknown) => void (caught = error),
    ),
    5000,
    () => `waiting for ${code}`,
  );
  assert.ok(caught instanceof RequestError, `not a RequestError: ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.sent, sent, `sent: ${caught.message}`);
  return caught;
}

const names = (seen: Seen): string[] => seen.fields.map(([name]) => name.toLowerCase());

const PARITY_TRANSPORTS = TRANSPORTS.filter((t) => ['unix', 'ipv4', 'tls-ipv4'].includes(t.name));

for (const transport of PARITY_TRANSPORTS) {
  describe(`client parity over ${transport.name}`, { timeout: 60_000 }, () => {
    test('a target without a leading / (or * with GET, or a non-ASCII one) is refused before sending; the connection goes on', async () => {
      const { server, seen } = await serve(transport);
      const conn = await client(transport, server).connect();
      for (const target of ['string', 'echo', '?q=1', '*', '/a b']) {
        const error = await rejectsWith(conn.get(target), 'invalid-target', false);
        assert.match(error.message, /^the request is not valid HTTP\/1\.1: /);
        assert.ok(error.message.includes(JSON.stringify(target)) || target === '*', error.message);
      }
      await rejectsWith(conn.request('CONNECT', '/x'), 'invalid-target', false);
      assert.equal(seen.length, 0, 'a refused request reached the server');
      const ok = await conn.get('/echo');
      assert.equal(ok.status, 200);
      await ok.body!.text();
      assert.equal(conn.responses, 1);
      conn.close();
    });

    test("fetch's six methods go upper-cased whatever their case; others as given; a non-token is refused", async () => {
      const { server, seen } = await serve(transport);
      const conn = await client(transport, server).connect();
      const asked = ['get', 'Get', 'post', 'put', 'delete', 'options', 'head', 'patch', 'PATCH', 'M-SEARCH'];
      for (const method of asked) await (await conn.request(method, '/echo')).body?.text();
      assert.deepEqual(
        seen.map((s) => s.method),
        ['GET', 'GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'patch', 'PATCH', 'M-SEARCH'],
      );
      for (const method of ['GE T', '', 'GET\r\nX: y']) await rejectsWith(conn.request(method, '/echo'), 'invalid-method', false);
      assert.equal(seen.length, asked.length);
      const p = pool(transport, server);
      await (await p.request('post', '/echo', {}, 'x')).body!.text();
      await rejectsWith(p.request('GE T', '/echo'), 'invalid-method', false);
      assert.equal(seen.at(-1)!.method, 'POST');
      await p.close();
      conn.close();
    });

    test("an abort's cause is the signal's reason itself, before and after sending; the sent one ends the connection", async () => {
      const { server } = await serve(transport);
      const reason = new Error('changed my mind');
      const early = new AbortController();
      early.abort(reason);
      const conn = await client(transport, server).connect();
      const before = await rejectsWith(conn.get('/echo', {}, { signal: early.signal }), 'aborted', false);
      assert.equal(before.cause, reason);
      const late = new AbortController();
      const pending = conn.get('/hang', {}, { signal: late.signal });
      const queued = conn.get('/echo');
      setTimeout(() => late.abort(reason), 50);
      const during = await rejectsWith(pending, 'aborted', true);
      assert.equal(during.cause, reason);
      assert.match(during.message, /aborted after it was sent: its connection was closed/);
      // The request behind it fails because the connection closed, not as aborted.
      await rejectsWith(queued, 'connection-closed', true);
      assert.equal(conn.usable, false);
      await rejectsWith(conn.get('/echo'), 'connection-closed', false);
    });

    test("AbortSignal.timeout(): code 'timeout', the TimeoutError as cause (sent, not sent, connecting, in a pool's queue, in a body read)", async () => {
      const { server } = await serve(transport);
      const reason = new Error('stop');
      const conn = await client(transport, server).connect();
      const signal = AbortSignal.timeout(50);
      const error = await rejectsWith(conn.get('/hang', {}, { signal }), 'timeout', true);
      assert.ok(error.cause instanceof DOMException && error.cause.name === 'TimeoutError', String(error.cause));
      assert.equal(error.cause, signal.reason);
      assert.match(error.message, /AbortSignal timed out/);

      const expired = AbortSignal.timeout(1);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const conn2 = await client(transport, server).connect();
      assert.equal((await rejectsWith(conn2.get('/echo', {}, { signal: expired }), 'timeout', false)).cause, expired.reason);
      conn2.close();

      // connect() too: its signal's reason is the cause, and a timeout says so.
      const stopped = new AbortController();
      stopped.abort(reason);
      assert.equal((await rejectsWith(client(transport, server).connect({ signal: stopped.signal }), 'aborted', false)).cause, reason);
      const connecting = await rejectsWith(client(transport, server).connect({ signal: expired }), 'timeout', false);
      assert.equal(connecting.cause, expired.reason);
      assert.match(connecting.message, /^the connect's AbortSignal timed out before it reached /);

      const p = pool(transport, server, { maxConnections: 1 });
      const holding = p.request('GET', '/hang');
      holding.catch(() => {});
      const waiting = p.request('GET', '/echo', {}, null, { signal: AbortSignal.timeout(50) });
      const queued = await rejectsWith(waiting, 'timeout', false);
      assert.match(queued.message, /while it waited for a connection/);
      await p.close();

      // A chunked body that never ends: the signal fires while it is read.
      const conn3 = await client(transport, server).connect();
      const bodySignal = AbortSignal.timeout(300);
      const streaming = await conn3.get('/drip', {}, { signal: bodySignal });
      assert.equal(streaming.status, 200);
      const reading = await rejectsWith(streaming.body!.text(), 'timeout', true);
      assert.equal(reading.cause, bodySignal.reason);
      assert.equal(reading.responseStarted, true);
      assert.match(reading.message, /while its response body was read/);
    });

    test('Transfer-Encoding is in fields, not headers: the client response and the server request alike', async () => {
      const { server, seen } = await serve(transport);
      const conn = await client(transport, server).connect();
      const response = await conn.get('/chunked');
      assert.ok(response.body instanceof ChunkedBody);
      assert.equal(response.fields.get('transfer-encoding'), 'chunked');
      assert.equal('transfer-encoding' in response.headers, false);
      assert.equal(await response.body.text(), 'onetwo');
      await (await conn.post('/echo', {}, new ChunkedBodyIter([{ data: 'x' }]))).body!.text();
      const request = seen.at(-1)!;
      assert.ok(names(request).includes('transfer-encoding'));
      assert.equal('transfer-encoding' in request.headers, false, JSON.stringify(request.headers));
      // Content-Length is the representation's length, not this hop's: it stays.
      await (await conn.post('/echo', {}, 'abc')).body!.text();
      assert.equal(seen.at(-1)!.headers['content-length'], '3');
      conn.close();
    });

    test('authorization and headers go with every request, under its own fields (a field of the same name, in any case, wins)', async () => {
      const { server, seen } = await serve(transport);
      const options: ClientOptions = { authorization: 'Bearer client', headers: { 'X-App': 'parity', Accept: 'application/json' } };
      const conn = await client(transport, server, options).connect();
      await (await conn.get('/echo')).body!.text();
      await (await conn.get('/echo', { authorization: 'Bearer mine', ACCEPT: 'text/plain' })).body!.text();
      await (await conn.post('/echo', [['X-App', 'own']], 'b')).body!.text();
      const [plain, own, posted] = seen;
      const pick = (s: Seen, name: string) => s.fields.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
      assert.deepEqual([pick(plain!, 'authorization'), pick(plain!, 'x-app'), pick(plain!, 'accept')], [['Bearer client'], ['parity'], ['application/json']]);
      assert.deepEqual([pick(own!, 'authorization'), pick(own!, 'accept'), pick(own!, 'x-app')], [['Bearer mine'], ['text/plain'], ['parity']]);
      assert.deepEqual([pick(posted!, 'x-app'), pick(posted!, 'authorization')], [['own'], ['Bearer client']]);
      const p = pool(transport, server, options);
      await (await p.request('GET', '/echo')).body!.text();
      assert.deepEqual(pick(seen.at(-1)!, 'authorization'), ['Bearer client']);
      await p.close();
      conn.close();
    });

    test('onConnect: true or nothing accepts; false, a throw or a rejection closes the connection before any request (connect-refused, sent: false)', async () => {
      const { server, seen } = await serve(transport);
      let calls = 0;
      const accepted = await client(transport, server, {
        onConnect: async (conn) => {
          calls++;
          // The hook may check the server's TLS identity, and use the connection itself.
          if (transport.serverTls !== undefined) assert.ok(conn.tls?.certificate !== null && conn.tls !== null, 'no TLS identity');
          else assert.equal(conn.tls, null);
          await (await conn.get('/echo')).body!.text();
          return true;
        },
      }).connect();
      await (await accepted.get('/echo')).body!.text();
      assert.equal(calls, 1);
      assert.equal(seen.length, 2);
      accepted.close();
      const thrown = new Error('not the server I expected');
      for (const [onConnect, pattern] of [
        [() => false, /onConnect\(\) returned false/],
        [async () => false, /onConnect\(\) returned false/],
        [() => { throw thrown; }, /onConnect\(\) threw \(not the server I expected\)/],
        [() => Promise.reject(thrown), /onConnect\(\) threw/],
        [() => 'yes' as unknown as boolean, /returns true, false or nothing, not the string "yes"/],
      ] as const) {
        const error = await rejectsWith(client(transport, server, { onConnect }).connect(), 'connect-refused', false);
        assert.match(error.message, pattern);
        assert.match(error.message, /closed before any request/);
        if (/threw/.test(pattern.source)) assert.equal(error.cause, thrown);
      }
      assert.equal(seen.length, 2, 'a refused connection sent a request');
      let poolCalls = 0;
      const open = pool(transport, server, { onConnect: () => void poolCalls++ });
      for (let i = 0; i < 3; i++) await (await open.request('GET', '/echo')).body!.text();
      assert.equal(poolCalls, 1, 'onConnect runs once per connection');
      await open.close();
      const refusing = pool(transport, server, { onConnect: () => false });
      await rejectsWith(refusing.request('GET', '/echo'), 'connect-refused', false);
      assert.equal(refusing.connections, 0);
      await refusing.close();
      assert.equal(seen.length, 5);
    });

    test('onConnect that never settles: the connection closes at the connect timeout (connect-timeout, sent: false), on a Client and in a Pool', async () => {
      const { server, seen } = await serve(transport);
      const hang = (): Promise<boolean> => new Promise<boolean>(() => {});
      const started = Date.now();
      const error = await rejectsWith(client(transport, server, { onConnect: hang, connectTimeout: 150 }).connect(), 'connect-timeout', false);
      assert.match(error.message, /onConnect\(\) did not settle within the connect timeout of 150 ms: the connection was closed before any request/);
      assert.ok(Date.now() - started < 2000);
      const stuck = pool(transport, server, { onConnect: hang, connectTimeout: 150, maxConnections: 1 });
      await rejectsWith(stuck.request('GET', '/echo'), 'connect-timeout', false);
      assert.equal(stuck.connections, 0, 'the slot is free again');
      await stuck.close();
      assert.equal(seen.length, 0);
    });

    test('getRange(): Range: bytes=start-(stop-1), and a 206 checked against it (clamped at the end too)', async () => {
      const { server, seen } = await serve(transport);
      const conn = await client(transport, server).connect();
      const part = await conn.getRange('/doc', { 'X-Why': 'range' }, 10, 20);
      assert.equal(part.status, 206);
      assert.deepEqual(Buffer.from(await part.body!.bytes()), DOC.subarray(10, 20));
      assert.deepEqual(seen.at(-1)!.fields.filter(([n]) => /^(range|x-why)$/i.test(n)), [['X-Why', 'range'], ['Range', 'bytes=10-19']]);
      const tail = await conn.getRange('/doc', undefined, 90, 200);
      assert.equal(tail.headers['content-range'], 'bytes 90-99/100');
      assert.deepEqual(Buffer.from(await tail.body!.bytes()), DOC.subarray(90));
      const unbounded = await conn.getRange('/unbounded', {}, 0, 10);
      await unbounded.body!.text();
      const p = pool(transport, server);
      assert.equal(await (await p.getRange('/doc', {}, 0, 1)).body!.text(), 'a');
      await rejectsWith(p.getRange('/ignore', {}, 0, 1), 'range-mismatch', true);
      await p.close();
      conn.close();
    });

    test('getRange(): any other answer is a RangeMismatchError holding the response, still readable; misuse is refused unsent', async () => {
      const { server, seen } = await serve(transport);
      const conn = await client(transport, server).connect();
      for (const [path, pattern, body] of [
        ['/ignore', /got 200 OK: the server ignored Range and sent the whole representation/, DOC.toString()],
        ['/missing', /got 404 Not Found$/, 'no such document'],
        ['/shifted', /got a 206 with Content-Range: bytes 1-10\/100/, DOC.subarray(1, 11).toString()],
        ['/short', /with a body of 5 bytes/, DOC.subarray(0, 5).toString()],
        ['/nocr', /a 206 without one Content-Range/, DOC.subarray(0, 10).toString()],
      ] as const) {
        const error = await rejectsWith(conn.getRange(path, {}, 0, 10), 'range-mismatch', true);
        assert.ok(error instanceof RangeMismatchError);
        assert.match(error.message, /^asked for bytes=0-9, /);
        assert.match(error.message, pattern);
        assert.equal(error.responseStarted, true);
        // The response is whole and unread: reading it lets the connection go on.
        assert.equal(await error.response.body!.text(), body);
      }
      const beyond = await rejectsWith(conn.getRange('/doc', {}, 100, 110), 'range-mismatch', true);
      assert.match(beyond.message, /got 416 .*bytes \*\/100/);
      const count = seen.length;
      for (const [start, stop, pattern] of [
        [-1, 10, /start is an integer from 0, got the number -1/],
        [5, 5, /stop is an integer past its start \(5\).*got the number 5/],
        [0, 1.5, /got the number 1.5/],
        [0, Number.MAX_SAFE_INTEGER + 2, /stop/],
      ] as const) {
        assert.match((await rejectsWith(conn.getRange('/doc', {}, start, stop), 'misuse', false)).message, pattern);
      }
      assert.match((await rejectsWith(conn.getRange('/doc', { range: 'bytes=0-1' }, 0, 1), 'misuse', false)).message, /leave Range out/);
      assert.equal(seen.length, count, 'a refused range was sent');
      await (await conn.get('/echo')).body!.text();
      conn.close();
    });
  });
}

describe('client options for Degu parity are checked at construction', () => {
  const address = '/tmp/warren-parity-never.sock';
  for (const [options, pattern] of [
    [{ authorization: 5 }, /authorization is the Authorization field's value.*got the number 5/],
    [{ authorization: 'a\r\nb' }, /authorization.*got the string/],
    [{ headers: 'x' }, /headers is a record.*got the string "x"/],
    [{ headers: { 'bad name': 'v' } }, /a field name is a token.*got the string "bad name"/],
    [{ headers: { 'X-A': 'a\nb' } }, /the value of X-A is a string without CR, LF/],
    [{ headers: { Host: 'x' } }, /cannot hold Host: the Host field has the client's own option/],
    [{ headers: [['Content-Length', '3']] }, /cannot hold Content-Length/],
    [{ headers: { 'transfer-encoding': 'chunked' } }, /cannot hold transfer-encoding/],
    [{ headers: { Expect: '100-continue' } }, /cannot hold Expect/],
    [{ authorization: 'a', headers: { Authorization: 'b' } }, /given twice/],
    [{ onConnect: 'yes' }, /onConnect is a function.*got the string "yes"/],
  ] as const) {
    test(`${JSON.stringify(options)} is refused with a sentence`, () => {
      assert.throws(() => new Client(address, options as unknown as ClientOptions), (error: unknown) => error instanceof TypeError && pattern.test(error.message));
      assert.throws(() => new Pool(address, options as unknown as PoolOptions), (error: unknown) => error instanceof TypeError && pattern.test(error.message));
    });
  }

  test('the resolved options show them', () => {
    const c = new Client(address, { authorization: 'Basic x', headers: [['X-A', '1']] });
    assert.equal(c.options.authorization, 'Basic x');
    assert.deepEqual(c.options.headers, [['X-A', '1']]);
    assert.equal(c.options.onConnect, null);
  });
});
