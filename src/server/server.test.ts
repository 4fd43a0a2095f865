// The server's own fixes, over a Unix socket with a raw client: the Date field (formatted
// at most once a second), versions that are no version, what an app returns refused with
// a message that names it, close({ timeout }) and closeAllConnections() with a body that
// never ends, and an async onConnect.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, type App, type ServerHooks, type ServerOptions } from '../index.js';
import { RawClient, header } from '../../test/lib/raw.js';
import { withTimeout } from '../../bench/lib/timeout.js';
import { HttpDate } from './date.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-server-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let sockets = 0;

async function serve(app: App, options: ServerOptions & ServerHooks = {}): Promise<Server> {
  const server = new Server(join(dir, `s${sockets++}.sock`), app, { onError: () => {}, ...options });
  return server.listen();
}

/** Serves `app`, sends `request`, returns the response and what went to onError. */
async function exchange(app: App, request = 'GET / HTTP/1.1\r\n\r\n'): Promise<{ status: number; headers: [string, string][]; body: string; errors: unknown[] }> {
  const errors: unknown[] = [];
  const server = await serve(app, { onError: (error) => errors.push(error) });
  const client = await RawClient.connect(server.address);
  client.write(request);
  const [response] = await client.responses(['GET']);
  client.close();
  await withTimeout(server.close(), 5000, 'server.close()');
  return { status: response!.status, headers: response!.headers, body: response!.body, errors };
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;

test('every response carries Date in IMF-fixdate, close to now: 2xx, 4xx, 5xx and the server\'s own errors', async () => {
  const cases: [App, string, number][] = [
    [() => ({ status: 200, body: 'ok' }), 'GET / HTTP/1.1\r\n\r\n', 200],
    [() => ({ status: 404 }), 'GET / HTTP/1.1\r\n\r\n', 404],
    [() => ({ status: 503 }), 'GET / HTTP/1.1\r\n\r\n', 503],
    [() => { throw new Error('boom'); }, 'GET / HTTP/1.1\r\n\r\n', 500],
    [() => ({ status: 200 }), 'GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n', 400],
  ];
  for (const [app, request, status] of cases) {
    const response = await exchange(app, request);
    assert.equal(response.status, status);
    const dates = response.headers.filter(([name]) => name.toLowerCase() === 'date');
    assert.equal(dates.length, 1, `one Date in ${JSON.stringify(response.headers)}`);
    assert.match(dates[0]![1], IMF_FIXDATE);
    // Loose: the machine is loaded, and the value may be up to a tick or two old.
    assert.ok(Math.abs(Date.parse(dates[0]![1]) - Date.now()) < 10_000, dates[0]![1]);
  }
});

test('a Date the app sets is sent as set, and no other', async () => {
  const date = 'Sun, 06 Nov 1994 08:49:37 GMT';
  for (const headers of [{ Date: date }, [['date', date]] as [string, string][]]) {
    const response = await exchange(() => ({ status: 200, headers, body: 'x' }));
    assert.deepEqual(response.headers.filter(([name]) => name.toLowerCase() === 'date').map(([, value]) => value), [date]);
  }
});

test('the Date is formatted at most once a second, not per request', async () => {
  const original = Date.prototype.toUTCString;
  let formatted = 0;
  Date.prototype.toUTCString = function (this: Date): string {
    formatted++;
    return original.call(this);
  };
  try {
    const started = Date.now();
    const server = await serve(() => ({ status: 200, body: 'ok' }));
    const client = await RawClient.connect(server.address);
    for (let i = 0; i < 10; i++) {
      client.write('GET / HTTP/1.1\r\n\r\n'.repeat(20));
      const responses = await client.responses(Array(20).fill('GET'));
      assert.ok(responses.every((response) => IMF_FIXDATE.test(header(response, 'date') ?? '')));
    }
    client.close();
    await withTimeout(server.close(), 5000, 'server.close()');
    const seconds = Math.ceil((Date.now() - started) / 1000);
    assert.ok(formatted <= seconds + 2, `formatted ${formatted} times for 200 requests in ${seconds} s`);
  } finally {
    Date.prototype.toUTCString = original;
  }
  const date = new HttpDate();
  date.refresh(Date.UTC(1994, 10, 6, 8, 49, 37, 100));
  assert.equal(date.value, 'Sun, 06 Nov 1994 08:49:37 GMT');
  date.refresh(Date.UTC(1994, 10, 6, 8, 49, 37, 900));
  assert.equal(date.value, 'Sun, 06 Nov 1994 08:49:37 GMT');
  date.refresh(Date.UTC(1994, 10, 6, 8, 49, 38, 0));
  assert.equal(date.value, 'Sun, 06 Nov 1994 08:49:38 GMT');
});

test('HTTP/1.32 is 400 (not a version), HTTP/1.3 is 505 (a version not spoken)', async () => {
  const ok: App = () => ({ status: 200 });
  assert.equal((await exchange(ok, 'GET / HTTP/1.32\r\n\r\n')).status, 400);
  assert.equal((await exchange(ok, 'GET / HTTP/1.3\r\n\r\n')).status, 505);
});

/** The message onError got when the app returned `result`; the peer must have had a 500. */
async function refusal(result: unknown): Promise<string> {
  const response = await exchange(() => result as never);
  assert.equal(response.status, 500);
  assert.equal(response.errors.length, 1, 'one error for onError');
  return (response.errors[0] as Error).message;
}

test('a WHATWG Response is refused with what to return instead', async () => {
  const message = await refusal(new Response('hello', { status: 201, headers: { 'x-a': 'b' } }));
  assert.match(message, /WHATWG Response/);
  assert.match(message, /\{ status, headers\?, body\? \}/);
  assert.match(message, /fetchApp\(\)/);
  const headers = await refusal({ status: 200, headers: new Headers({ 'x-a': 'b' }), body: 'x' });
  assert.match(headers, /got a Headers/);
  assert.match(headers, /\[\.\.\.headers\]/);
  const map = await refusal({ status: 200, headers: new Map([['x-a', 'b']]) });
  assert.match(map, /got a Map/);
});

test('a ReadableStream body is an async iterable of bytes, and is sent', async () => {
  const body = new Response('streamed').body!;
  const response = await exchange(() => ({ status: 200, body }));
  assert.equal(response.body, 'streamed');
});

test('messages name what the app gave and say what to give', async () => {
  const status = await refusal({ status: '200' });
  assert.match(status, /the string "200"/);
  assert.match(status, /a number from 200 to 599/);
  assert.doesNotMatch(status, /informational/);
  assert.match(await refusal({ status: 100 }), /the number 100: a status is a number from 200 to 599/);
  assert.match(await refusal({ status: 200.5 }), /the number 200\.5/);
  assert.match(await refusal(undefined), /returned undefined: an app returns \{ status/);
  const value = await refusal({ status: 200, headers: { 'x-a': null } });
  assert.match(value, /header "x-a" is null/);
  assert.match(value, /strings, numbers or arrays of strings/);
  const body = await refusal({ status: 200, body: { a: 1 } });
  assert.match(body, /got a plain object/);
  assert.match(body, /json\(value\) from warren\/app/);
  assert.match(body, /a string, a Uint8Array/);
  assert.match(await refusal({ status: 200, body: 5 }), /got the number 5/);
});

/** An app whose response body never ends. */
const endless: App = () => ({
  status: 200,
  body: (async function* () {
    for (;;) {
      yield 'tick\n';
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })(),
});

test('close({ timeout }) destroys a connection that streams forever, and resolves', async () => {
  const server = await serve(endless);
  const client = await RawClient.connect(server.address);
  client.write('GET / HTTP/1.1\r\n\r\n');
  await client.until(() => client.text.includes('tick'), 5000, 'the first tick');
  const started = Date.now();
  await withTimeout(server.close({ timeout: 200 }), 5000, 'close({ timeout: 200 })');
  assert.ok(Date.now() - started >= 150, 'it waited for the timeout first');
  await client.closed();
  assert.equal(server.connections, 0);
});

test('closeAllConnections() ends a connection that streams forever; the server goes on accepting', async () => {
  const server = await serve(endless);
  const client = await RawClient.connect(server.address);
  client.write('GET / HTTP/1.1\r\n\r\n');
  await client.until(() => client.text.includes('tick'), 5000, 'the first tick');
  server.closeAllConnections();
  await client.closed();
  const again = await RawClient.connect(server.address);
  again.write('GET / HTTP/1.1\r\n\r\n');
  await again.until(() => again.text.includes('tick'), 5000, 'a tick on a new connection');
  again.close();
  await withTimeout(server.close({ timeout: 100 }), 5000, 'close({ timeout: 100 })');
});

test('close() checks its timeout; close({ timeout: 0 }) waits for the exchange in flight', async () => {
  const server = await serve(() => ({ status: 200 }));
  assert.throws(() => server.close({ timeout: -1 }), /whole number of milliseconds, 0 to wait however long; got the number -1/);
  assert.throws(() => server.close({ timeout: '5' as unknown as number }), /got the string "5"/);
  await withTimeout(server.close({ timeout: 0 }), 5000, 'close({ timeout: 0 })');
});

test('an async onConnect is awaited: true serves, false drops, a rejection drops and goes to onError', async () => {
  const errors: unknown[] = [];
  let connects = 0;
  const app: App = Object.assign(() => ({ status: 200, body: 'served' }), {
    onConnect: async (): Promise<boolean> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const n = connects++;
      if (n === 1) return false;
      if (n === 2) throw new Error('the database is down');
      return true;
    },
  });
  const server = await serve(app, { onError: (error) => errors.push(error) });
  const served = await RawClient.connect(server.address);
  served.write('GET / HTTP/1.1\r\n\r\n');
  assert.equal((await served.responses(['GET']))[0]!.body, 'served');
  served.close();
  for (let n = 1; n <= 2; n++) {
    const dropped = await RawClient.connect(server.address);
    dropped.write('GET / HTTP/1.1\r\n\r\n');
    await dropped.closed();
    assert.equal(dropped.text, '', 'no byte of a response');
  }
  assert.deepEqual(errors.map((error) => (error as Error).message), ['the database is down']);
  await withTimeout(server.close(), 5000, 'server.close()');
});

test('an async onConnect that never settles drops the connection after the head timeout', async () => {
  const errors: unknown[] = [];
  const app: App = Object.assign(() => ({ status: 200 }), { onConnect: () => new Promise<boolean>(() => {}) });
  const server = await serve(app, { headTimeout: 200, onError: (error) => errors.push(error) });
  const client = await RawClient.connect(server.address);
  client.write('GET / HTTP/1.1\r\n\r\n');
  await client.closed();
  assert.equal((errors[0] as { code?: string }).code, 'connect-timeout');
  // close() does not wait for a pending onConnect either.
  const waiting = await RawClient.connect(server.address);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await withTimeout(server.close({ timeout: 0 }), 5000, 'server.close() with an onConnect pending');
  await waiting.closed();
});

test('a misspelt option is refused with a list of the options that names onError and tls', () => {
  const app: App = () => ({ status: 200 });
  assert.throws(
    () => new Server(join(dir, 'never.sock'), app, { onErorr: () => {} } as ServerOptions),
    (error: Error) => error instanceof TypeError && /unknown Server option "onErorr"; the options are .*\bonError\b/.test(error.message) && /\btls\b/.test(error.message),
  );
});
