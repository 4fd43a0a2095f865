// A warren client against misbehaving servers (raw node:net servers on loopback): each
// misbehaviour ends the request with a coded error (its limit's or its timeout's), never
// a hang, a crash or an unhandled rejection, and leaves no socket or timer behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { Client, MAX_INFORMATIONAL_RESPONSES, type ClientOptions } from '../src/index.js';
import { noLeaks, noStrays, resources, within } from './lib/leaks.js';

/** Runs `serve` for each connection of a raw server, and `body` with a client of it. */
async function against(serve: (socket: Socket) => void, options: ClientOptions, body: (client: Client) => Promise<void>): Promise<void> {
  const before = resources();
  await noStrays(async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      serve(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await body(new Client(['127.0.0.1', port], options));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  await noLeaks(before);
}

/** The code a promise rejects with; fails if it resolves. */
async function code(promise: Promise<unknown>, what: string): Promise<string> {
  try {
    await within(promise, 10_000, what);
  } catch (error) {
    const c = (error as { code?: unknown }).code;
    assert.equal(typeof c, 'string', `${what} failed without a code: ${String(error)}`);
    return c as string;
  }
  assert.fail(`${what} succeeded`);
}

function onRequest(socket: Socket, answer: (socket: Socket) => void): void {
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    const had = text.includes('\r\n\r\n');
    text += chunk.toString('latin1');
    if (!had && text.includes('\r\n\r\n')) answer(socket);
  });
}

test('a response head dripped a byte at a time: headers-timeout', { timeout: 20_000 }, async () => {
  const head = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n' + 'X: y\r\n'.repeat(1000) + '\r\n';
  const timers = new Set<ReturnType<typeof setInterval>>();
  await against(
    (socket) =>
      onRequest(socket, () => {
        let i = 0;
        const timer = setInterval(() => (socket.writable && i < head.length ? socket.write(head[i++]!) : clearInterval(timer)), 20);
        timers.add(timer);
        socket.on('close', () => clearInterval(timer));
      }),
    { headersTimeout: 500 },
    async (client) => {
      const conn = await client.connect();
      assert.equal(await code(conn.get('/'), 'the dripped response'), 'headers-timeout');
      conn.close();
    },
  );
  for (const timer of timers) clearInterval(timer);
});

test('a body that stops: body-timeout; an endless chunked body: bytes() stops at MAX_READ_BYTES (body-too-large)', { timeout: 30_000 }, async () => {
  await against(
    (socket) => onRequest(socket, () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789')),
    { bodyTimeout: 500 },
    async (client) => {
      const conn = await client.connect();
      const response = await within(conn.get('/'), 5000, 'the head');
      assert.equal(await code(response.body!.bytes(), 'the stalled body'), 'body-timeout');
      conn.close();
    },
  );
  const chunk = Buffer.from(`10000\r\n${'a'.repeat(0x10000)}\r\n`);
  await against(
    (socket) =>
      onRequest(socket, () => {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        const pump = (): void => {
          while (socket.writable && socket.write(chunk));
        };
        socket.on('drain', pump);
        pump();
      }),
    {},
    async (client) => {
      const conn = await client.connect();
      const response = await within(conn.get('/'), 5000, 'the head');
      assert.equal(await code(response.body!.bytes(), 'the endless body'), 'body-too-large');
      conn.close();
    },
  );
});

test('a 1 MiB response head: head-too-large', { timeout: 20_000 }, async () => {
  await against(
    (socket) => onRequest(socket, () => socket.write('HTTP/1.1 200 OK\r\nX: ' + 'a'.repeat(1024 * 1024) + '\r\n\r\n')),
    {},
    async (client) => {
      const conn = await client.connect();
      assert.equal(await code(conn.get('/'), 'the huge head'), 'head-too-large');
      conn.close();
    },
  );
});

test('bytes before any request: the request fails with a code', { timeout: 20_000 }, async () => {
  await against(
    (socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    {},
    async (client) => {
      const conn = await client.connect();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const c = await code(conn.get('/'), 'a request after unsolicited bytes');
      assert.match(c, /^(unexpected-response|connection-closed)$/);
      conn.close();
    },
  );
});

test(`a flood of 1xx responses: too-many-informational after ${MAX_INFORMATIONAL_RESPONSES}`, { timeout: 20_000 }, async () => {
  await against(
    (socket) => onRequest(socket, () => socket.write('HTTP/1.1 102 Processing\r\n\r\n'.repeat(10_000))),
    {},
    async (client) => {
      const conn = await client.connect();
      assert.equal(await code(conn.get('/'), 'the 1xx flood'), 'too-many-informational');
      conn.close();
    },
  );
  // A few interim responses are fine.
  await against(
    (socket) => onRequest(socket, () => socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n'.repeat(3) + 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')),
    {},
    async (client) => {
      const conn = await client.connect();
      const response = await within(conn.get('/'), 5000, 'three 103s then a 200');
      assert.equal(await response.body!.text(), 'ok');
      conn.close();
    },
  );
});

test('a response that ends early: connection-closed or incomplete-message', { timeout: 20_000 }, async () => {
  await against(
    (socket) => onRequest(socket, () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789')),
    {},
    async (client) => {
      const conn = await client.connect();
      const response = await within(conn.get('/'), 5000, 'the head');
      assert.match(await code(response.body!.bytes(), 'the short body'), /^(connection-closed|incomplete-message)$/);
      conn.close();
    },
  );
  await against(
    (socket) => onRequest(socket, () => socket.end('HTTP/1.1 200 OK\r\nContent-')),
    {},
    async (client) => {
      const conn = await client.connect();
      assert.match(await code(conn.get('/'), 'the short head'), /^(connection-closed|incomplete-message)$/);
      conn.close();
    },
  );
});
