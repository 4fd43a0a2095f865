// Floods against one server, each bounded: pipelined requests never read (the server stops
// reading past readAheadBytes: its heap stays under a stated bound), chunk extensions past
// the core's limit (CVE-2024-22019 class), 10,000 tiny header lines (431), and a 1 GiB
// Content-Length that never arrives (the body timeout cuts it, nothing is buffered).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Client, Server, type App } from '../src/index.js';
import { noLeaks, noStrays, resources, within } from './lib/leaks.js';

const MiB = 1024 * 1024;

const app: App = async (_session, request) => {
  if (request.body !== null) await request.body.bytes();
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(1024) };
};

async function withServer(options: ConstructorParameters<typeof Server>[2], body: (port: number) => Promise<void>): Promise<void> {
  const before = resources();
  await noStrays(async () => {
    const server = await new Server(['127.0.0.1', 0], app, { onError: () => {}, ...options }).listen();
    const port = (server.address as readonly [string, number])[1];
    try {
      await body(port);
      // The server still answers a normal client.
      const conn = await within(new Client(['127.0.0.1', port]).connect(), 5000, 'connect after the flood');
      const response = await within(conn.get('/'), 5000, 'a request after the flood');
      assert.equal(response.status, 200);
      await response.body!.text();
      conn.close();
    } finally {
      await within(server.close({ timeout: 1000 }), 5000, 'server.close()');
    }
  });
  await noLeaks(before);
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

test('pipelined requests never read: the server stops reading, its heap and buffers grow less than 16 MiB', { timeout: 30_000 }, async () => {
  // No request limit: the connection must stay in the exchange loop, not end and linger.
  await withServer({ maxRequestsPerConnection: 1_000_000 }, async (port) => {
    const { socket } = await open(port);
    socket.pause(); // never read a response
    const memory = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const heapBefore = memory();
    const request = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => request));
    let written = 0;
    // Write while the kernel and the server take bytes; stop when a write has not drained for 500 ms.
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      written += batch.length;
      if (!socket.write(batch)) {
        const drained = await Promise.race([new Promise<boolean>((resolve) => socket.once('drain', () => resolve(true))), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500))]);
        if (!drained) break;
      }
    }
    const growth = memory() - heapBefore;
    console.log(`pipelined flood: ${(written / MiB).toFixed(1)} MiB of requests written before the server stopped reading; heap + buffers growth ${(growth / MiB).toFixed(1)} MiB`);
    assert.ok(Date.now() < until, 'the server went on reading requests whose responses were never read');
    assert.ok(written < 16 * MiB, `${written} bytes were taken before the server stopped reading`);
    assert.ok(growth < 16 * MiB, `the heap and buffers grew ${(growth / MiB).toFixed(1)} MiB`);
    socket.destroy();
  });
});

test('1-byte chunks with extensions past chunkExtensionBytes (CVE-2024-22019 class): answered 413 or 400, connection closed', { timeout: 20_000 }, async () => {
  await withServer({}, async (port) => {
    const { socket, text, closed } = await open(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const started = performance.now();
    for (let i = 0; i < 100 && !socket.destroyed; i++) socket.write(`1;${'a'.repeat(i < 10 ? 100 : 8000)}\r\nx\r\n`);
    await within(closed, 5000, 'the server closing the connection');
    assert.match(text(), /^HTTP\/1.1 (413|400) /);
    console.log(`chunk extensions: ${text().slice(0, 12)} after ${(performance.now() - started).toFixed(0)} ms`);
  });
});

test('1-byte chunks with extensions under chunkExtensionBytes, until they outweigh the data past messageChunkExtensionBytes: 413 within the allowance, connection closed', { timeout: 20_000 }, async () => {
  await withServer({}, async (port) => {
    const { socket, text, closed } = await open(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    // Each line is 4,000 bytes of extensions, under the per-chunk 4,096: only the message's budget stops it.
    const line = `1;${'a'.repeat(3998)}\r\nx\r\n`;
    let sent = 0;
    for (let i = 0; i < 1000 && !socket.destroyed; i++) {
      socket.write(line);
      sent += line.length;
      if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    await within(closed, 5000, 'the server closing the connection');
    assert.match(text(), /^HTTP\/1.1 413 /);
    console.log(`chunk extensions under the per-chunk limit: ${text().slice(0, 12)}, ${sent} bytes written before the close`);
  });
});

test('10,000 tiny header lines: 431, connection closed', { timeout: 20_000 }, async () => {
  await withServer({}, async (port) => {
    const { socket, text, closed } = await open(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n' + 'a: b\r\n'.repeat(10_000) + '\r\n');
    await within(closed, 5000, 'the server closing the connection');
    assert.match(text(), /^HTTP\/1.1 431 /);
  });
});

test('a 1 GiB Content-Length that never arrives: the body timeout cuts it, nothing buffered', { timeout: 20_000 }, async () => {
  // maxBodyBytes raised so that the declared length is taken, and the body must be waited for.
  await withServer({ maxBodyBytes: 2 * 1024 * MiB, bodyTimeout: 500 }, async (port) => {
    const { socket, text, closed } = await open(port);
    const heapBefore = process.memoryUsage().heapUsed;
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * MiB}\r\n\r\n` + 'a'.repeat(1000));
    const started = performance.now();
    await within(closed, 5000, 'the body timeout');
    const took = performance.now() - started;
    assert.match(text(), /^HTTP\/1.1 408 /);
    assert.ok(took >= 400, `closed after ${took.toFixed(0)} ms, before the body timeout of 500 ms`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 16 * MiB);
  });
});
