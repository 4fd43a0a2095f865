// The socket writer's two mechanisms, on a real Unix socket pair: corkForTick() holds the
// writes of one tick for one writev, and drained() waits only when the socket needs it.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WarrenError } from './errors.js';
import { BodyIter } from './body.js';
import { bodyIterBytes, corkForTick, drained, toLines, writeChunks } from './outgoing.js';

async function socketPair(): Promise<{ a: Socket; b: Socket; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-outgoing-'));
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(join(dir, 's'), resolve));
  const a = connect(join(dir, 's'));
  await new Promise((resolve) => a.once('connect', resolve));
  const b = await accepted;
  return {
    a,
    b,
    close: () => {
      a.destroy();
      b.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('corkForTick: writes of one tick wait for its end, then leave; a second call adds no cork', async () => {
  const { a, b, close } = await socketPair();
  try {
    const received: Buffer[] = [];
    b.on('data', (chunk: Buffer) => received.push(chunk));
    corkForTick(a);
    corkForTick(a);
    assert.equal(a.writableCorked, 1);
    writeChunks(a, [Buffer.from('one ')], 'test');
    writeChunks(a, [Buffer.from('two '), Buffer.alloc(70_000, 0x2e)], 'test');
    writeChunks(a, [Buffer.from('three')], 'test');
    assert.equal(a.writableLength, 4 + 4 + 70_000 + 5, 'held until the end of the tick');
    await new Promise((resolve) => process.nextTick(resolve));
    assert.equal(a.writableCorked, 0);
    for (let i = 0; i < 100 && Buffer.concat(received).length < 70_013; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const all = Buffer.concat(received).toString('latin1');
    assert.equal(all.length, 70_013);
    assert.ok(all.startsWith('one two ...') && all.endsWith('.three'));
  } finally {
    close();
  }
});

test('drained: null when the socket takes writes; a wait that ends at drain; a failure when it closes first', async () => {
  const { a, b, close } = await socketPair();
  try {
    assert.equal(drained(a, 'test'), null);
    b.pause();
    while (a.write(Buffer.alloc(64 * 1024))) {
      // Fill the socket until it asks for a drain.
    }
    const wait = drained(a, 'test');
    assert.ok(wait instanceof Promise);
    b.resume();
    await wait;
    assert.equal(a.listenerCount('drain'), 0, 'no listener left behind');
    b.pause();
    while (a.write(Buffer.alloc(64 * 1024))) {
      // Again, and this time the socket closes instead.
    }
    const failing = drained(a, 'request');
    a.destroy();
    await assert.rejects(failing!, (error: unknown) => error instanceof WarrenError && error.code === 'connection-closed' && /while the request was written/.test(error.message));
  } finally {
    close();
  }
});

test('toLines: a record of strings is its lines in key order; numbers, lists and undefined are read too', () => {
  const plain = { 'Content-Type': 'text/plain', 'x-a': '1' };
  const lines = toLines(plain);
  assert.deepEqual(lines, [['Content-Type', 'text/plain'], ['x-a', '1']]);
  // The caller may add to the lines (framing fields): a record's next call is not touched.
  lines.push(['Content-Length', '0']);
  assert.equal(toLines(plain).length, 2);
  assert.deepEqual(toLines({ 'set-cookie': ['a=1', 'b=2'], 'content-length': 5, skipped: undefined, 'x-b': 'y' }), [
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['content-length', '5'],
    ['x-b', 'y'],
  ]);
});

test('toLines: only a record\'s own names become field lines, never what its prototype holds', () => {
  const inherited = Object.create({ 'x-injected': 'evil' }) as Record<string, string>;
  inherited['x-own'] = '1';
  assert.deepEqual(toLines(inherited), [['x-own', '1']]);
  // A name added to Object.prototype (prototype pollution) reaches no request or response.
  Object.defineProperty(Object.prototype, 'x-polluted', { value: 'evil', enumerable: true, configurable: true });
  try {
    assert.deepEqual(toLines({ 'x-a': 'b' }), [['x-a', 'b']]);
  } finally {
    delete (Object.prototype as Record<string, unknown>)['x-polluted'];
  }
});

test('bodyIterBytes: strings as UTF-8, bytes as they are; a source that gives more or fewer bytes than its length, or a non-bytes item, is a misuse', async () => {
  const all = async (body: BodyIter): Promise<string> => {
    let out = '';
    for await (const piece of bodyIterBytes(body)) out += Buffer.from(piece).toString('utf8');
    return out;
  };
  assert.equal(await all(new BodyIter(['é', Buffer.from('ab')], 4)), 'éab');
  await assert.rejects(all(new BodyIter(['abcd'], 3)), (error: WarrenError) => error.code === 'misuse' && /gave more than its length of 3 bytes/.test(error.message));
  await assert.rejects(all(new BodyIter(['ab'], 3)), (error: WarrenError) => error.code === 'misuse' && /ended after 2 of its 3 bytes/.test(error.message));
  await assert.rejects(all(new BodyIter([5 as unknown as string], 1)), (error: WarrenError) => error.code === 'misuse' && /yields Uint8Array or string; got the number 5/.test(error.message));
});
