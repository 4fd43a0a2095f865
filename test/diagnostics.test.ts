// The diagnostics_channel events of server and client: each channel subscribed, every
// exchange's events checked in order with their fields, failures included, over a Unix
// socket and loopback TCP. Also: with no subscriber, no trace is made.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server as NetServer } from 'node:net';
import { BodyIter, Client, Server, serverChannels, clientChannels, type Address, type App, type ClientConnection } from '../src/index.js';
import { RawClient } from './lib/raw.js';

type Event = { name: string; message: Record<string, unknown> };

/** Subscribes to every channel of one side; returns the events so far and a stop(). */
function record(channels: Record<string, { name: string | symbol }>): { events: Event[]; stop(): void } {
  const events: Event[] = [];
  const subs = Object.values(channels).map((ch) => {
    const name = String(ch.name);
    const fn = (message: unknown): void => void events.push({ name: name.replace(/^warren:(server|client):/, ''), message: message as Record<string, unknown> });
    subscribe(name, fn);
    return () => unsubscribe(name, fn);
  });
  return { events, stop: () => subs.forEach((s) => s()) };
}

const dir = mkdtempSync(join(tmpdir(), 'warren-diag-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const ADDRESSES: [string, () => Address][] = [
  ['unix', () => join(dir, `s${n++}.sock`)],
  ['ipv4', () => ['127.0.0.1', 0]],
];

const app: App = async (_session, request) => {
  const path = request.path[0];
  if (path === 'throw') throw new Error('boom');
  if (path === 'broken-body') {
    return { status: 200, body: new BodyIter((async function* () { yield 'a'; throw new Error('source failed'); })(), 10) };
  }
  if (path === 'echo') return { status: 201, body: await request.body!.text() };
  return { status: 200, body: 'ok' };
};

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

for (const [kind, address] of ADDRESSES) {
  describe(`server channels over ${kind}`, () => {
    test('a GET publishes start, head, end with the same request and session', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(serverChannels);
      try {
        const raw = await RawClient.connect(server.address);
        raw.write('GET /hello?x=1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc');
        const [a, b] = await raw.responses(['GET', 'POST']);
        assert.deepEqual([a!.status, b!.status, b!.body], [200, 201, 'abc']);
        await until(() => events.length === 6, 'six events');
        assert.deepEqual(events.map((e) => e.name), ['request:start', 'response:head', 'response:end', 'request:start', 'response:head', 'response:end']);
        const [start, head, end] = events.map((e) => e.message);
        assert.equal((start!['request'] as { uri: string }).uri, '/hello?x=1');
        assert.equal(head!['request'], start!['request']);
        assert.equal(end!['request'], start!['request']);
        assert.equal(head!['session'], start!['session']);
        assert.equal(events[3]!.message['session'], start!['session'], 'one session for the connection');
        assert.equal((start!['session'] as { requests: number }).requests, 2, 'the session counts both');
        assert.equal(head!['status'], 200);
        assert.deepEqual((head!['fields'] as [string, string][]).map(([name]) => name), ['Content-Length', 'Date']);
        assert.equal(end!['status'], 200);
        assert.equal(events[5]!.message['status'], 201);
        raw.close();
      } finally {
        stop();
        await server.close();
      }
    });

    test('an app that throws publishes start then error with its error and the 500', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(serverChannels);
      try {
        const raw = await RawClient.connect(server.address);
        raw.write('GET /throw HTTP/1.1\r\nHost: t\r\n\r\n');
        const [response] = await raw.responses(['GET']);
        assert.equal(response!.status, 500);
        await until(() => events.length === 2, 'two events');
        assert.deepEqual(events.map((e) => e.name), ['request:start', 'request:error']);
        const error = events[1]!.message;
        assert.equal(error['request'], events[0]!.message['request']);
        assert.deepEqual([error['status'], error['code']], [500, 'app-error']);
        assert.equal((error['error'] as Error).message, 'boom');
        raw.close();
      } finally {
        stop();
        await server.close();
      }
    });

    test('a malformed head publishes only an error, without request', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(serverChannels);
      try {
        const raw = await RawClient.connect(server.address);
        raw.write('GET / HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n');
        const [response] = await raw.responses(['GET']);
        assert.equal(response!.status, 400);
        await until(() => events.length === 1, 'one event');
        const error = events[0]!.message;
        assert.equal(events[0]!.name, 'request:error');
        assert.equal(error['request'], null);
        assert.equal(error['status'], 400);
        assert.equal(typeof error['code'], 'string');
        assert.equal((error['error'] as { code: string }).code, error['code']);
        raw.close();
      } finally {
        stop();
        await server.close();
      }
    });

    test('a peer that closes in the middle of its body: start then an incomplete-message error', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(serverChannels);
      try {
        const raw = await RawClient.connect(server.address);
        raw.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc');
        await until(() => events.length === 1, 'the start');
        raw.close();
        await until(() => events.length === 2, 'the error');
        assert.deepEqual(events.map((e) => e.name), ['request:start', 'request:error']);
        // The core sees the message cut short: the server answers 400 (into the closed socket) and says so.
        assert.deepEqual([events[1]!.message['code'], events[1]!.message['status']], ['incomplete-message', 400]);
        assert.equal(events[1]!.message['request'], events[0]!.message['request']);
      } finally {
        stop();
        await server.close();
      }
    });

    test('a body that fails after the head publishes head then error with no status', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(serverChannels);
      try {
        const raw = await RawClient.connect(server.address);
        raw.write('GET /broken-body HTTP/1.1\r\nHost: t\r\n\r\n');
        await until(() => events.some((e) => e.name === 'request:error'), 'the error');
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(events.map((e) => e.name), ['request:start', 'response:head', 'request:error']);
        assert.equal(events[2]!.message['status'], null);
        assert.equal((events[2]!.message['error'] as Error).message, 'source failed');
        raw.close();
      } finally {
        stop();
        await server.close();
      }
    });
  });

  describe(`client channels over ${kind}`, () => {
    test('a request publishes start, head and end', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(clientChannels);
      const conn = await new Client(server.address, { host: 't' }).connect();
      try {
        const response = await conn.post('/echo', { 'x-a': '1' }, 'hey');
        // A small body is read ahead whole, so end may already be out: only the order is fixed.
        assert.equal(await response.body!.text(), 'hey');
        assert.deepEqual(events.map((e) => e.name), ['request:start', 'response:head', 'response:end']);
        const [start, head, end] = events.map((e) => e.message);
        const request = start!['request'] as { method: string; uri: string; fields: [string, string][] };
        assert.deepEqual([request.method, request.uri], ['POST', '/echo']);
        assert.ok(request.fields.some(([name, value]) => name.toLowerCase() === 'host' && value === 't'), 'the fields sent, Host included');
        assert.ok(request.fields.some(([name, value]) => name === 'x-a' && value === '1'));
        assert.equal(start!['connection'], conn);
        assert.equal(head!['request'], request);
        assert.equal(head!['response'], response);
        assert.equal(end!['response'], response);
      } finally {
        stop();
        conn.close();
        await server.close();
      }
    });

    test('a refused request publishes only its error, with no fields', async () => {
      const server = await new Server(address(), app, { onError: () => {} }).listen();
      const { events, stop } = record(clientChannels);
      const conn = await new Client(server.address, { host: 't' }).connect();
      try {
        await assert.rejects(conn.get('no slash'), { sent: false });
        assert.deepEqual(events.map((e) => e.name), ['request:error']);
        const message = events[0]!.message as { request: { uri: string; fields: unknown }; error: { sent: boolean }; connection: ClientConnection };
        assert.deepEqual([message.request.uri, message.request.fields, message.error.sent, message.connection], ['no slash', null, false, conn]);
      } finally {
        stop();
        conn.close();
        await server.close();
      }
    });
  });
}

describe('client channels against a peer that breaks off', () => {
  /** A server that answers with `reply` and then closes. */
  async function peer(reply: string): Promise<NetServer> {
    const server = createServer((socket) => {
      socket.once('data', () => socket.end(reply));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }
  const portOf = (server: NetServer): number => (server.address() as { port: number }).port;

  test('a close before the response: start then error, not responseStarted', async () => {
    const server = await peer('');
    const { events, stop } = record(clientChannels);
    try {
      const conn = await new Client(['127.0.0.1', portOf(server)]).connect();
      await assert.rejects(conn.get('/'), { code: 'connection-closed' });
      assert.deepEqual(events.map((e) => e.name), ['request:start', 'request:error']);
      const error = events[1]!.message['error'] as { responseStarted: boolean; sent: boolean };
      assert.deepEqual([error.responseStarted, error.sent], [false, true]);
    } finally {
      stop();
      server.close();
    }
  });

  test('a close in the middle of the body: start, head, then error with responseStarted', async () => {
    const server = await peer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    const { events, stop } = record(clientChannels);
    try {
      const conn = await new Client(['127.0.0.1', portOf(server)]).connect();
      const response = await conn.get('/');
      await assert.rejects(response.body!.text());
      assert.deepEqual(events.map((e) => e.name), ['request:start', 'response:head', 'request:error']);
      assert.equal((events[2]!.message['error'] as { responseStarted: boolean }).responseStarted, true);
      assert.equal(events[1]!.message['response'], response);
    } finally {
      stop();
      server.close();
    }
  });
});

test('a protocol switch: both sides publish head (101) and end as the stream is handed over', async () => {
  const echo: App = () => ({ status: 101, headers: { upgrade: 'echo' }, switch: (stream) => void stream.pipe(stream) });
  const server = await new Server(['127.0.0.1', 0], echo, { onError: () => {} }).listen();
  const serverEvents = record(serverChannels);
  const clientEvents = record(clientChannels);
  const conn = await new Client(server.address).connect();
  try {
    const switched = await conn.upgrade('/ws', 'echo');
    assert.equal(switched.response.status, 101);
    switched.stream.end();
    await until(() => serverEvents.events.length === 3, 'the server events');
    assert.deepEqual(serverEvents.events.map((e) => e.name), ['request:start', 'response:head', 'response:end']);
    assert.deepEqual([serverEvents.events[1]!.message['status'], serverEvents.events[2]!.message['status']], [101, 101]);
    assert.deepEqual(clientEvents.events.map((e) => e.name), ['request:start', 'response:head', 'response:end']);
    assert.equal(clientEvents.events[2]!.message['response'], switched.response);
  } finally {
    serverEvents.stop();
    clientEvents.stop();
    await server.close({ timeout: 1000 });
  }
});

test('with no subscriber, nothing is published and requests still work', async () => {
  assert.equal(Object.values({ ...serverChannels, ...clientChannels }).some((ch) => ch.hasSubscribers), false);
  const server = await new Server(['127.0.0.1', 0], app, { onError: () => {} }).listen();
  const conn = await new Client(server.address).connect();
  const response = await conn.get('/');
  assert.equal(await response.body!.text(), 'ok');
  conn.close();
  await server.close();
});
