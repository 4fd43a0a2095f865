// iolist bodies: nested arrays of strings and bytes, measured from their pieces and written
// in one write. Through prepare() and a protocol Connection (what goes on the wire, and in
// how many writes), and end to end: a Server answering an iolist, read by warren's Client.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Connection } from '../protocol/index.js';
import { Client, Server, type IoList } from '../index.js';
import { withTimeout } from '../../bench/lib/timeout.js';
import { WarrenError } from './errors.js';
import { bodyWithHead, prepare, writeMessage, type Sink } from './outgoing.js';

/** What a request with `body` puts on the wire: its Content-Length, body bytes, and the writes and chunks of each. */
function encode(body: IoList): { length: string | undefined; body: Buffer; writes: Uint8Array[][] } {
  const { fields, plan } = prepare({}, body, true, true);
  const conn = new Connection('client');
  const head = conn.send({ type: 'request', method: 'POST', target: '/', fields: [['Host', 't'], ...fields], body: bodyWithHead(plan) });
  const writes: Uint8Array[][] = [];
  const sink: Sink = {
    write: (chunks) => {
      writes.push(chunks.slice());
      return true;
    },
    drain: () => Promise.resolve(),
  };
  const done = writeMessage(conn, head, plan, sink);
  assert.equal(done, undefined, 'an iolist is written at once, without awaiting');
  const wire = Buffer.concat(writes.flat());
  const end = wire.indexOf('\r\n\r\n');
  const length = fields.find(([name]) => name === 'Content-Length')?.[1];
  return { length, body: wire.subarray(end + 4), writes };
}

const flat = (list: IoList): Buffer => Buffer.concat(list.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece instanceof Uint8Array ? piece : flat(piece))));

test('iolist: the length is summed from the pieces, strings as UTF-8, and the bytes are the pieces in order', () => {
  const list: IoList = ['<p>', 'héllo ✓ 🦊', new Uint8Array([0x21]), ['<', ['b', []], '>'], '</p>'];
  const out = encode(list);
  assert.equal(out.body.toString('utf8'), '<p>héllo ✓ 🦊!<b></p>');
  assert.equal(out.length, String(Buffer.byteLength('<p>héllo ✓ 🦊!<b></p>')));
  assert.equal(out.writes.length, 1, 'one write');
});

test('iolist: an empty list, and lists of empty lists and strings, are a body of length 0', () => {
  for (const list of [[], [[]], ['', [[''], new Uint8Array(0)]]] as IoList[]) {
    const out = encode(list);
    assert.equal(out.length, '0');
    assert.equal(out.body.length, 0);
  }
});

test('iolist: nesting of any depth is written (the walk is not recursive)', () => {
  let deep: IoList = ['core'];
  for (let i = 0; i < 5000; i++) deep = ['(', deep, ')'];
  const out = encode(deep);
  assert.equal(out.body.toString(), `${'('.repeat(5000)}core${')'.repeat(5000)}`);
  assert.equal(out.length, String(10_004));
});

test('iolist: a big Uint8Array goes to the socket as it is, not copied; small pieces are joined around it', () => {
  const big = new Uint8Array(100_000).fill(0x61);
  const list: IoList = ['<a>', 'b', big, ['c', 'd'], new Uint8Array(50_000).fill(0x62), 'e'.repeat(20_000)];
  const out = encode(list);
  assert.deepEqual(out.body, flat(list));
  assert.equal(out.length, String(flat(list).length));
  assert.equal(out.writes.length, 1, 'one (corked) write');
  const chunks = out.writes[0]!;
  assert.ok(chunks.includes(big), 'the big piece itself is among the chunks');
  // head, '<a>b', big, 'cd', the 50 000 bytes, the 20 000-byte string: small neighbours joined.
  assert.equal(chunks.length, 6);
});

test('iolist: a list of at most 8 KiB becomes one buffer, sent with the head', () => {
  const out = encode(['a', new Uint8Array(4000), ['b'.repeat(4000)]]);
  assert.equal(out.writes.length, 1);
  assert.equal(out.writes[0]!.length, 1, 'head and body in one buffer');
  assert.equal(out.length, '8001');
});

test('iolist: any split of a text into strings and bytes, at any depth, writes the same bytes', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.nat({ max: 1200 }), { maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (text, cuts, shape) => {
      const bytes = Buffer.from(text);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const pieces: (string | Uint8Array | IoList)[] = [];
      let from = 0;
      for (const [k, to] of [...points, bytes.length].entries()) {
        const part = bytes.subarray(from, to);
        const asText = part.toString('utf8');
        // Strings only where the cut falls between characters; bytes elsewhere.
        const piece = (k + shape) % 2 === 0 && Buffer.from(asText).equals(part) ? asText : part;
        pieces.push(shape === 3 ? [[piece]] : piece);
        from = to;
      }
      const out = encode(pieces);
      assert.deepEqual(out.body, bytes);
      assert.equal(out.length, String(bytes.length));
    }),
  );
});

test('iolist: a piece that is not a string, bytes or a list is a misuse naming its place and type', () => {
  const bad: [unknown, RegExp][] = [
    [['a', 5], /piece at \[1\] is the number 5:/],
    [['a', ['b', [null]]], /piece at \[1\]\[1\]\[0\] is null/],
    [[{ toString: () => 'x' }], /piece at \[0\] is a plain object/],
    [[undefined], /piece at \[0\] is undefined/],
    [[new Map()], /piece at \[0\] is a Map/],
    [['a', true], /piece at \[1\] is the boolean true/],
  ];
  for (const [body, message] of bad) {
    assert.throws(() => prepare({}, body as IoList, true, true), (error: unknown) => error instanceof WarrenError && error.code === 'misuse' && message.test(error.message) && /strings, Uint8Arrays and arrays/.test(error.message));
  }
  const cycle: unknown[] = ['a'];
  cycle.push(['b', cycle]);
  assert.throws(() => prepare({}, cycle as IoList, true, true), /list at \[1\]\[1\] contains itself/);
});

test('iolist: a Content-Length given must match the summed length', () => {
  assert.doesNotThrow(() => prepare({ 'content-length': '6' }, ['ab', ['cd', 'é']], true, true));
  assert.throws(() => prepare({ 'content-length': '5' }, ['ab', ['cd', 'é']], true, true), /Content-Length: 5 is set, but the body is 6 bytes/);
});

test('iolist end to end: a Server answers with a nested iolist, warren\'s Client reads it whole, HEAD gets the length only', async () => {
  const big = Buffer.alloc(70_000, 0x7a);
  const page: IoList = ['<!doctype html>', ['<h1>', 'café', '</h1>'], big, [[new Uint8Array([0x0a])]]];
  const server = new Server(['127.0.0.1', 0], () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: page }));
  await server.listen();
  const client = new Client(server.address);
  const conn = await withTimeout(client.connect(), 5000, 'connect');
  try {
    const res = await withTimeout(conn.get('/'), 5000, 'GET');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(flat(page).length));
    assert.deepEqual(Buffer.from(await withTimeout(res.body!.bytes(), 5000, 'body')), flat(page));
    const head = await withTimeout(conn.head('/'), 5000, 'HEAD');
    assert.equal(head.headers['content-length'], String(flat(page).length));
    assert.equal(head.body, null);
    // The client sends iolists too.
    const echo = new Server(['127.0.0.1', 0], async (_s, request) => ({ status: 200, body: await request.body!.bytes() }));
    await echo.listen();
    const c2 = await withTimeout(new Client(echo.address).connect(), 5000, 'connect');
    const posted = await withTimeout(c2.post('/', {}, ['a', ['β', big]]), 5000, 'POST');
    assert.deepEqual(Buffer.from(await posted.body!.bytes()), Buffer.concat([Buffer.from('aβ'), big]));
    // Held for 100 Continue, then sent as the body after the head.
    const held = await withTimeout(c2.post('/', { expect: '100-continue' }, [['x', big], 'y']), 5000, 'POST with Expect');
    assert.deepEqual(Buffer.from(await held.body!.bytes()), Buffer.concat([Buffer.from('x'), big, Buffer.from('y')]));
    c2.close();
    await echo.close();
  } finally {
    conn.close();
    await server.close();
  }
});
