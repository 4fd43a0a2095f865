// Every rule of the strict parser, each broken once: the error code and the status a
// server answers, the same whether the input comes whole, split anywhere, or byte by byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from './connection.js';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';
import { parse, parseError, bytes, transcript } from '../../test/lib/transcript.js';

const H = 'Host: h\r\n';
const chunked = (body: string): string => `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${body}`;

const requests: [string, string, string, number][] = [
  ['a method that is not a token', 'G@T / HTTP/1.1\r\n\r\n', 'invalid-method', 400],
  ['two spaces after the method', 'GET  / HTTP/1.1\r\n\r\n', 'invalid-target', 400],
  ['HTTP/2.0', 'GET / HTTP/2.0\r\n\r\n', 'unsupported-version', 505],
  ['HTTP/1.2', 'GET / HTTP/1.2\r\n\r\n', 'unsupported-version', 505],
  ['a malformed version', 'GET / HTTP/1.1x\r\n\r\n', 'invalid-version', 400],
  ['a lowercase version', 'GET / http/1.1\r\n\r\n', 'invalid-version', 400],
  ['no version', 'GET /\r\n\r\n', 'invalid-start-line', 400],
  ['a relative target', 'GET a/b HTTP/1.1\r\n' + H + '\r\n', 'invalid-target', 400],
  ['a non-ASCII target', 'GET /\xe9 HTTP/1.1\r\n' + H + '\r\n', 'invalid-target', 400],
  ['asterisk-form on GET', 'GET * HTTP/1.1\r\n' + H + '\r\n', 'invalid-target', 400],
  ['CONNECT to a path', 'CONNECT /x HTTP/1.1\r\n' + H + '\r\n', 'invalid-target', 400],
  ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, 'obs-fold', 400],
  ['a bare CR in a value', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, 'bare-cr', 400],
  ['a bare LF ending a line', `GET / HTTP/1.1\r\n${H}X: a\nY: b\r\n\r\n`, 'bare-lf', 400],
  ['a bare LF ending the head', `GET / HTTP/1.1\r\n${H}\n`, 'bare-lf', 400],
  ['whitespace before the colon', `GET / HTTP/1.1\r\n${H}X : a\r\n\r\n`, 'invalid-field-name', 400],
  ['an empty field name', `GET / HTTP/1.1\r\n${H}: a\r\n\r\n`, 'invalid-field-name', 400],
  ['a field line without colon', `GET / HTTP/1.1\r\n${H}X\r\n\r\n`, 'invalid-field-name', 400],
  ['NUL in a value', `GET / HTTP/1.1\r\n${H}X: a\0b\r\n\r\n`, 'invalid-field-value', 400],
  ['DEL in a value', `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`, 'invalid-field-value', 400],
  ['a control in a name', `GET / HTTP/1.1\r\n${H}X\x01Y: a\r\n\r\n`, 'invalid-field-name', 400],
  ['Content-Length and Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n`, 'content-length-with-transfer-encoding', 400],
  ['Transfer-Encoding and Content-Length', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n`, 'content-length-with-transfer-encoding', 400],
  ['differing Content-Length fields', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\n`, 'conflicting-content-length', 400],
  ['a Content-Length list of differing values', `POST / HTTP/1.1\r\n${H}Content-Length: 3, 4\r\n\r\n`, 'conflicting-content-length', 400],
  ['a signed Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\n`, 'invalid-content-length', 400],
  ['a hex Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 0x3\r\n\r\n`, 'invalid-content-length', 400],
  ['a huge Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999\r\n\r\n`, 'invalid-content-length', 400],
  ['gzip as the transfer coding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`, 'unsupported-transfer-coding', 501],
  ['chunked before gzip', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, 'chunked-not-final', 400],
  ['chunked twice', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`, 'invalid-transfer-encoding', 400],
  ['an empty Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \r\n\r\n`, 'invalid-transfer-encoding', 400],
  ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 'transfer-encoding-in-http10', 400],
  ['a chunk size that is not hex', chunked('g\r\n'), 'invalid-chunk-size', 400],
  ['a chunk size followed by a space', chunked('5 \r\nhello\r\n'), 'invalid-chunk-extension', 400],
  ['a chunk size over 2^53', chunked('20000000000000\r\n'), 'chunk-size-overflow', 400],
  ['a chunk size with 17 digits', chunked('00000000000000001\r\n'), 'chunk-size-overflow', 400],
  ['chunk data longer than its size', chunked('2\r\nabc\r\n'), 'invalid-chunk-data', 400],
  ['an extension without name', chunked('1;\r\na\r\n'), 'invalid-chunk-extension', 400],
  ['an extension with = and no value', chunked('1;a=\r\na\r\n'), 'invalid-chunk-extension', 400],
  ['an unclosed quoted extension', chunked('1;a="b\r\na\r\n'), 'invalid-chunk-extension', 400],
  ['a bare CR in a chunk-size line', chunked('1\r;a\r\na\r\n'), 'invalid-chunk-extension', 400],
  ['a bare LF in a chunk-size line', chunked('1\na\r\n'), 'bare-lf', 400],
  ['obs-fold in a trailer', chunked('0\r\nT: a\r\n b\r\n\r\n'), 'obs-fold', 400],
  ['an invalid trailer name', chunked('0\r\nT@: a\r\n\r\n'), 'invalid-field-name', 400],
  ['too many empty lines before the request', '\r\n'.repeat(9) + 'GET / HTTP/1.1\r\n\r\n', 'invalid-start-line', 400],
];

for (const [name, input, code, status] of requests) {
  test(`request: ${name} is ${status} ${code}`, () => {
    assert.deepEqual(parseError('server', input), { code, status });
  });
}

const responses: [string, string, string][] = [
  ['a status of two digits', 'HTTP/1.1 20 OK\r\n\r\n', 'invalid-status'],
  ['a status of 600', 'HTTP/1.1 600 X\r\n\r\n', 'invalid-status'],
  ['a status with a letter', 'HTTP/1.1 2x0 OK\r\n\r\n', 'invalid-status'],
  ['a tab after the version', 'HTTP/1.1\t200 OK\r\n\r\n', 'invalid-start-line'],
  ['a control in the reason', 'HTTP/1.1 200 O\x01K\r\n\r\n', 'invalid-reason'],
  ['HTTP/2', 'HTTP/2.0 200 OK\r\n\r\n', 'unsupported-version'],
  ['not HTTP', 'ICY 200 OK\r\n\r\n', 'invalid-version'],
  ['a bare CR after the status line', 'HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n', 'bare-cr'],
  ['gzip as transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', 'unsupported-transfer-coding'],
  ['bytes after a response that closes', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', 'data-after-close'],
];

for (const [name, input, code] of responses) {
  test(`response: ${name} is ${code}`, () => {
    const setup = (conn: Connection): void => {
      conn.send({ type: 'request', method: 'GET', target: '/', fields: [['Host', 'h']] });
      conn.send({ type: 'end-of-message' });
      conn.send({ type: 'request', method: 'GET', target: '/', fields: [['Host', 'h']] });
      conn.send({ type: 'end-of-message' });
    };
    assert.equal(parseError('client', input, { setup }).code, code);
  });
}

test('limits: a long request line is 414, a large head or many fields 431, long chunk extensions 413', () => {
  const limits = { requestLineBytes: 64, headBytes: 256, fieldCount: 4, chunkExtensionBytes: 32, trailerBytes: 64 };
  assert.deepEqual(parseError('server', `GET /${'a'.repeat(80)} HTTP/1.1\r\n${H}\r\n`, { limits }), { code: 'request-line-too-long', status: 414 });
  assert.deepEqual(parseError('server', `GET /${'a'.repeat(80)}`, { limits }), { code: 'request-line-too-long', status: 414 });
  assert.deepEqual(parseError('server', `GET / HTTP/1.1\r\n${H}X: ${'a'.repeat(300)}\r\n\r\n`, { limits }), { code: 'head-too-large', status: 431 });
  assert.deepEqual(parseError('server', `GET / HTTP/1.1\r\n${H}X: ${'a'.repeat(300)}`, { limits }), { code: 'head-too-large', status: 431 });
  assert.deepEqual(parseError('server', `GET / HTTP/1.1\r\n${H}${'X: y\r\n'.repeat(4)}\r\n`, { limits }), { code: 'too-many-fields', status: 431 });
  assert.deepEqual(parseError('server', chunked(`1;e=${'x'.repeat(40)}\r\na\r\n`), { limits }), { code: 'chunk-extension-too-large', status: 413 });
  assert.deepEqual(parseError('server', chunked(`1;e=${'x'.repeat(40)}`), { limits }), { code: 'chunk-extension-too-large', status: 413 });
  assert.deepEqual(parseError('server', chunked(`0\r\nT: ${'x'.repeat(80)}\r\n\r\n`), { limits }), { code: 'trailer-too-large', status: 431 });
});

test('chunk extensions that outgrow the chunk data past messageChunkExtensionBytes are 413; a long stream with small extensions is not', () => {
  const limits = { chunkExtensionBytes: 32, messageChunkExtensionBytes: 100 };
  // 1-byte chunks with 20 bytes of extensions each: each line is under the per-chunk limit.
  const flood = `1;e=${'x'.repeat(17)}\r\na\r\n`.repeat(6);
  assert.deepEqual(parseError('server', chunked(flood), { limits }), { code: 'chunk-extension-too-large', status: 413 });
  // Under the allowance: five such chunks (100 bytes of extensions) are taken, whole and split.
  const taken = parse('server', chunked(`1;e=${'x'.repeat(17)}\r\na\r\n`.repeat(5) + '0\r\n\r\n'), { limits });
  assert.ok(taken.some((item) => item.type === 'end'), JSON.stringify(taken.at(-1)));
  // 1,000 chunks of 64 bytes with 8 bytes of extensions each: 8,000 extension bytes past an
  // allowance of 1,000, never outweighing the data.
  const stream = `40;seq=42\r\n${'d'.repeat(64)}\r\n`.repeat(1000) + '0\r\n\r\n';
  const items = transcript('server', [bytes(chunked(stream))], { limits: { messageChunkExtensionBytes: 1000 } });
  const body = items.find((item) => item.type === 'body');
  assert.equal(body?.type === 'body' ? body.chunks.length : 0, 1000);
  assert.ok(items.some((item) => item.type === 'end'), JSON.stringify(items.at(-1)));
});

test('an oversized head is refused before it is buffered in full', () => {
  const conn = new Connection('server');
  conn.receive(bytes('GET / HTTP/1.1\r\nX: '));
  const filler = bytes('a'.repeat(1024));
  let thrown: unknown = null;
  for (let i = 0; i < 64 && thrown === null; i++) {
    conn.receive(filler);
    try {
      assert.equal(conn.nextEvent(), 'need-data');
    } catch (error) {
      thrown = error;
    }
    assert.ok(conn.bufferedBytes <= DEFAULT_LIMITS.headBytes + filler.length, `buffered ${conn.bufferedBytes}`);
  }
  assert.equal((thrown as { code?: string })?.code, 'head-too-large');
  assert.throws(() => conn.nextEvent(), { code: 'head-too-large' }, 'the error sticks');
});

test('limits are checked when given', () => {
  assert.throws(() => resolveLimits({ headBytes: -1 }), /limits.headBytes must be a non-negative integer/);
  assert.throws(() => new Connection('server', { limits: { fieldCount: 1.5 } }), TypeError);
  assert.throws(() => new Connection('proxy' as 'server'), /role must be 'client' or 'server'/);
});
