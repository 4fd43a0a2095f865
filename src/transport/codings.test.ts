// through(): every coding round trips, and the pipe holds back both ways: a reader that
// stops after one piece stops the source after a bounded number of pieces, for a decoder
// fed a bomb (a little input, a lot of output) and for an encoder fed an endless source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { CONTENT_CODINGS, codingOf, decoder, encoder, through } from './codings.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

async function* pieces(data: Uint8Array, size: number, counter?: { pulled: number }): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) {
    if (counter !== undefined) counter.pulled++;
    yield data.subarray(i, i + size);
  }
}

test('each coding round trips through an encoder and a decoder, fed in small pieces', async () => {
  const text = Buffer.from('round and round '.repeat(5000));
  for (const coding of CONTENT_CODINGS) {
    const encoded = await collect(through(pieces(text, 1000), encoder(coding)));
    assert.ok(encoded.length < text.length / 10, `${coding}: ${encoded.length}`);
    const decoded = await collect(through(pieces(encoded, 7), decoder(coding, encoded[0])));
    assert.ok(decoded.equals(text), coding);
  }
  assert.equal(codingOf('x-gzip'), 'gzip');
  assert.equal(codingOf('compress'), null);
  assert.equal(CONTENT_CODINGS.includes('zstd'), typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function');
});

test('a decoder read once pulls a bounded part of a bomb, and its output is bounded', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 1 });
  const counter = { pulled: 0 };
  const total = Math.ceil(bomb.length / 1024);
  const out = through(pieces(bomb, 1024, counter), decoder('gzip', bomb[0]))[Symbol.asyncIterator]();
  const first = await out.next();
  assert.ok(!first.done && first.value.length > 0);
  await delay(100);
  const before = process.memoryUsage().arrayBuffers;
  await delay(100);
  assert.ok(counter.pulled < total / 4, `pulled ${counter.pulled} of ${total} input pieces while nobody read`);
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024, 'no decoding into memory while nobody reads');
  await out.return?.();
});

test('an encoder read once stops an endless source', async () => {
  let pulled = 0;
  const endless = (async function* () {
    for (;;) {
      pulled++;
      // Random bytes barely compress: the output fills as fast as the input goes in.
      yield randomBytes(4096);
    }
  })();
  const out = through(endless, encoder('gzip'))[Symbol.asyncIterator]();
  await out.next();
  await delay(100);
  const seen = pulled;
  await delay(100);
  assert.equal(pulled, seen, 'the source is not pulled while nobody reads');
  assert.ok(pulled < 64, `pulled ${pulled} pieces of 4 KiB`);
  await out.return?.();
});
