// Protocol switches against real peers: `ws` on both sides of a warren WebSocket (warren's
// server with ws's client, warren's client with ws's server on node:http), over TCP, a
// Unix socket and TLS with client certificates.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as httpServer } from 'node:http';
import { createServer as httpsServer } from 'node:https';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { Server, Client, type App, type ClientTlsOptions } from '../src/index.js';
import { acceptWebSocket, connectWebSocket } from '../examples/lib/websocket.js';
import { testCredentials } from './lib/transports.js';

/** An echo over WebSocket: each message back as it came, text as text. */
const echo: App = (_session, request) =>
  acceptWebSocket(request, (ws) => {
    ws.on('message', (data: RawData, binary: boolean) => ws.send(data, { binary }));
  });

/** Sends `messages` and collects as many answers. */
async function exchange(ws: WebSocket, messages: (string | Buffer)[]): Promise<(string | Buffer)[]> {
  if (ws.readyState === WebSocket.CONNECTING) await once(ws, 'open');
  const got: (string | Buffer)[] = [];
  const done = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: RawData, binary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      got.push(binary ? bytes : bytes.toString('utf8'));
      if (got.length === messages.length) resolve();
    });
    ws.on('error', reject);
  });
  for (const message of messages) ws.send(message);
  await done;
  return got;
}

const MESSAGES = ['hello', Buffer.from([0, 1, 2, 255]), 'x'.repeat(70_000), Buffer.alloc(1 << 20, 7)];

function serverTls() {
  const { server, client } = testCredentials();
  return { cert: server.certPem, key: server.keyPem, ca: client.caPem };
}

function clientTls(): ClientTlsOptions & { ca: string; cert: string; key: string } {
  const { server, client } = testCredentials();
  return { ca: server.caPem, cert: client.certPem, key: client.keyPem };
}

describe('warren server, ws client', () => {
  test('over IPv4: text, binary, 70 KB and 1 MiB messages echo; the close handshake carries its code', async () => {
    const server = await new Server(['127.0.0.1', 0], echo).listen();
    const port = (server.address as [string, number])[1];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    assert.deepEqual(await exchange(ws, MESSAGES), MESSAGES);
    ws.close(4001, 'bye');
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.equal(code, 4001);
    assert.equal(reason.toString(), 'bye');
    await server.close();
  });

  test('over a Unix socket (ws+unix:) and over TLS with a client certificate (wss:)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-ws-'));
    try {
      const path = join(dir, 's.sock');
      const unix = await new Server(path, echo).listen();
      const local = new WebSocket(`ws+unix://${path}:/echo`);
      assert.deepEqual(await exchange(local, ['over unix']), ['over unix']);
      local.close();
      const tls = await new Server(['127.0.0.1', 0], echo, { tls: serverTls() }).listen();
      const port = (tls.address as [string, number])[1];
      const secure = new WebSocket(`wss://127.0.0.1:${port}/echo`, clientTls());
      assert.deepEqual(await exchange(secure, ['over tls', Buffer.from('bin')]), ['over tls', Buffer.from('bin')]);
      secure.close();
      await Promise.all([unix.close(), tls.close()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a request that is no WebSocket handshake gets the helper\'s 426, and ws reports it', async () => {
    const server = await new Server(['127.0.0.1', 0], (_s, request) => (request.path[0] === 'echo' ? echo(_s, request, undefined as never) : { status: 404 })).listen();
    const port = (server.address as [string, number])[1];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/nothing`);
    const [error] = (await once(ws, 'error')) as [Error];
    assert.match(error.message, /Unexpected server response: 404/);
    await server.close();
  });
});

describe('warren client, ws server on node:http', () => {
  test('over IPv4 and over a Unix socket: messages echo both ways, the close code comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-ws-'));
    const wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    const http = httpServer();
    http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)));
    try {
      for (const where of [['127.0.0.1', 0] as const, join(dir, 'h.sock')]) {
        await new Promise<void>((resolve) => (typeof where === 'string' ? http.listen(where, resolve) : http.listen(where[1], where[0], resolve)));
        const bound = http.address();
        const address = typeof bound === 'string' ? bound : (['127.0.0.1', bound!.port] as [string, number]);
        const conn = await new Client(address, typeof address === 'string' ? { host: 'localhost' } : {}).connect();
        const ws = await connectWebSocket(conn, '/echo');
        assert.deepEqual(await exchange(ws, MESSAGES), MESSAGES);
        ws.close(1000, 'done');
        const [code] = (await once(ws, 'close')) as [number];
        assert.equal(code, 1000);
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    } finally {
      wss.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('over TLS with a client certificate (node:https)', async () => {
    const wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    const https = httpsServer({ ...serverTls(), requestCert: true });
    https.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const port = (https.address() as { port: number }).port;
    const conn = await new Client(['127.0.0.1', port], { tls: clientTls() }).connect();
    const ws = await connectWebSocket(conn, '/echo');
    assert.deepEqual(await exchange(ws, ['tls', Buffer.alloc(100_000, 1)]), ['tls', Buffer.alloc(100_000, 1)]);
    ws.close();
    await once(ws, 'close');
    wss.close();
    await new Promise<void>((resolve) => https.close(() => resolve()));
  });
});

describe('warren on both sides, ws doing the frames', () => {
  test('warren client to warren server: echo, then the server closing with a code', async () => {
    const app: App = (_s, request) =>
      acceptWebSocket(request, (ws) => {
        ws.on('message', (data: RawData, binary: boolean) => (String(data) === 'quit' ? ws.close(4002, 'asked') : ws.send(data, { binary })));
      });
    const server = await new Server(['127.0.0.1', 0], app).listen();
    const conn = await new Client(server.address).connect();
    const ws = await connectWebSocket(conn, '/');
    assert.deepEqual(await exchange(ws, ['one', 'two']), ['one', 'two']);
    ws.send('quit');
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [4002, 'asked']);
    await server.close();
  });
});
