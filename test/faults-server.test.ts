// Faults against a warren server, plain and TLS: the peer resets mid-head, mid-body and
// mid-response, half-closes, stops reading a large response (EPIPE/ECONNRESET on write),
// aborts a warren client's request at every phase, or sends garbage for a TLS handshake.
// Each ends in a coded error or a clean close: no crash, no unhandled rejection, nothing
// left open (sockets, timers), and the server still answers afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Client, Server, type App, type ClientConnection } from '../src/index.js';
import { TempPKI } from '../src/testing/index.js';
import { noLeaks, noStrays, resources, within } from './lib/leaks.js';

const BIG = new Uint8Array(8 * 1024 * 1024);

const app: App = async (_session, request) => {
  if (request.body !== null) await request.body.bytes();
  if (request.uri === '/big') return { status: 200, body: BIG };
  if (request.uri === '/stream') {
    return {
      status: 200,
      body: (async function* () {
        for (let i = 0; i < 1000; i++) {
          yield 'x'.repeat(1024);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })(),
    };
  }
  if (request.uri === '/slow') await new Promise((resolve) => setTimeout(resolve, 200));
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
};

/** Runs `body` against a fresh server; then checks it still answers, closes it, and counts leaks and onError codes. */
async function withServer(body: (port: number) => Promise<void>): Promise<unknown[]> {
  const before = resources();
  const reported: unknown[] = [];
  await noStrays(async () => {
    const server = await new Server(['127.0.0.1', 0], app, { onError: (error) => reported.push(error), bodyTimeout: 1000 }).listen();
    const port = (server.address as readonly [string, number])[1];
    try {
      await body(port);
      const conn = await within(new Client(['127.0.0.1', port]).connect(), 5000, 'connect after the fault');
      const response = await within(conn.get('/'), 5000, 'a request after the fault');
      assert.equal(await response.body!.text(), 'ok');
      conn.close();
    } finally {
      await within(server.close({ timeout: 1000 }), 5000, 'server.close()');
    }
  });
  await noLeaks(before);
  for (const error of reported) assert.equal(typeof (error as { code?: unknown }).code, 'string', `onError got an uncoded error: ${String(error)}`);
  return reported;
}

function open(port: number): Promise<{ socket: Socket; text: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => void (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.once('connect', () => resolve({ socket, text: () => text, closed }));
    socket.once('error', reject);
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('peer reset mid-head, mid-body and mid-response', { timeout: 30_000 }, async () => {
  await withServer(async (port) => {
    const head = await open(port);
    head.socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Partial: ');
    await pause(50);
    head.socket.resetAndDestroy();
    const body = await open(port);
    body.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'a'.repeat(1000));
    await pause(50);
    body.socket.resetAndDestroy();
    for (const uri of ['/big', '/stream']) {
      const response = await open(port);
      response.socket.write(`GET ${uri} HTTP/1.1\r\nHost: x\r\n\r\n`);
      const until = Date.now() + 5000;
      while (response.text().length === 0 && Date.now() < until) await pause(10);
      assert.match(response.text(), /^HTTP\/1.1 200 /);
      response.socket.resetAndDestroy();
    }
    await pause(100);
  });
});

test('half-close after a request: the response comes, then a clean close', { timeout: 20_000 }, async () => {
  await withServer(async (port) => {
    const peer = await open(port);
    peer.socket.end('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await within(peer.closed, 5000, 'the close after the response');
    assert.match(peer.text(), /^HTTP\/1.1 200 [^]*\r\n\r\nok$/);
  });
});

test('a peer that stops reading a large response, then goes: the write fails quietly (EPIPE/ECONNRESET)', { timeout: 20_000 }, async () => {
  const reported = await withServer(async (port) => {
    const peer = await open(port);
    peer.socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    peer.socket.pause();
    await pause(200);
    peer.socket.destroy();
    await pause(200);
  });
  assert.deepEqual(reported, []);
});

test('a warren client aborting at every phase: before the send, waiting for the head, reading the body', { timeout: 30_000 }, async () => {
  await withServer(async (port) => {
    const client = new Client(['127.0.0.1', port]);
    const phases: [string, number][] = [['/', 0], ['/slow', 50], ['/stream', 100]];
    for (const [uri, after] of phases) {
      const conn: ClientConnection = await within(client.connect(), 5000, 'connect');
      const controller = new AbortController();
      if (after === 0) controller.abort();
      else setTimeout(() => controller.abort(), after);
      try {
        const response = await conn.get(uri, undefined, { signal: controller.signal });
        await response.body?.bytes();
        assert.fail(`${uri} was not aborted`);
      } catch (error) {
        assert.equal(typeof (error as { code?: unknown }).code, 'string', String(error));
      }
      conn.close();
    }
  });
});

test('TLS handshake garbage: the connection closes, the TLS server still answers', { timeout: 30_000 }, async () => {
  const before = resources();
  const pki = TempPKI.create();
  try {
    await noStrays(async () => {
      const creds = pki.server('localhost');
      const reported: unknown[] = [];
      const server = await new Server(['127.0.0.1', 0], app, { tls: { cert: creds.certPem, key: creds.keyPem, allowUnauthenticatedClients: true }, onError: (error) => reported.push(error) }).listen();
      const port = (server.address as readonly [string, number])[1];
      try {
        for (const garbage of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, ...new Array(64).fill(0x41)]), Buffer.alloc(4096, 0xff)]) {
          const peer = await open(port);
          peer.socket.write(garbage);
          await within(peer.closed, 5000, 'the close after handshake garbage');
        }
        const conn = await within(new Client(['127.0.0.1', port], { tls: { ca: pki.caPem } }).connect(), 5000, 'a TLS connect');
        const response = await within(conn.get('/'), 5000, 'a TLS request');
        assert.equal(await response.body!.text(), 'ok');
        conn.close();
      } finally {
        await within(server.close({ timeout: 1000 }), 5000, 'server.close()');
      }
      for (const error of reported) assert.equal(typeof (error as { code?: unknown }).code, 'string', String(error));
    });
  } finally {
    pki.cleanup();
  }
  await noLeaks(before);
});
