// The inputs of the protocol benchmark: a Chrome navigation head, a tiny API request, and
// a 64 KiB chunked request body with chunk extensions, whole and as the 16 KiB reads a
// socket would hand over. Bodies are bytes that are not all alike, so a wrong offset shows.

import type { ChunkExtension } from '../../src/protocol/index.js';

/** A Chrome 124 navigation request: 12 field lines, about 500 bytes. */
export const CHROME_HEAD = Buffer.from(
  [
    'GET /search?q=warren HTTP/1.1',
    'Host: www.example.com',
    'Connection: keep-alive',
    'sec-ch-ua: "Chromium";v="124", "Not-A.Brand";v="99"',
    'sec-ch-ua-mobile: ?0',
    'sec-ch-ua-platform: "Linux"',
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Accept: text/html,application/xhtml+xml,*/*;q=0.8',
    'Sec-Fetch-Site: same-origin',
    'Sec-Fetch-Mode: navigate',
    'Accept-Encoding: gzip, deflate, br',
    'Accept-Language: en-US,en;q=0.9',
    'Cookie: sid=7f3a9c2e41b84d0f',
    '',
    '',
  ].join('\r\n'),
  'latin1',
);
export const CHROME_FIELDS = 12;

export const TINY_HEAD = Buffer.from('GET /api/v1/item/42 HTTP/1.1\r\nHost: localhost\r\n\r\n', 'latin1');
export const TINY_FIELDS = 1;

export const BODY_BYTES = 64 * 1024;
export const CHUNK_BYTES = 1024;
export const CHUNKS = BODY_BYTES / CHUNK_BYTES;
export const SEGMENT_BYTES = 16 * 1024;
export const CHUNKED_FIELDS = 3;

/** The body: bytes that are not all alike, so a wrong offset shows. */
export const BODY = Buffer.alloc(BODY_BYTES);
for (let i = 0; i < BODY.length; i++) BODY[i] = (i * 31 + (i >> 10)) & 0xff;

/** The extensions chunk i carries: `;n=<i>;sig="abc"`, one token value and one quoted. */
export function chunkExtensions(i: number): ChunkExtension[] {
  return [
    ['n', String(i)],
    ['sig', 'abc'],
  ];
}

export const CHUNKED_MESSAGE = (() => {
  const parts: Buffer[] = [
    Buffer.from('POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1'),
  ];
  for (let i = 0; i < CHUNKS; i++) {
    parts.push(Buffer.from(`${CHUNK_BYTES.toString(16)};n=${i};sig="abc"\r\n`, 'latin1'));
    parts.push(BODY.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    parts.push(Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
})();

/** The chunked message as consecutive reads of 16 KiB (views, no copies). */
export const CHUNKED_SEGMENTS: Buffer[] = [];
for (let at = 0; at < CHUNKED_MESSAGE.length; at += SEGMENT_BYTES) {
  CHUNKED_SEGMENTS.push(CHUNKED_MESSAGE.subarray(at, Math.min(CHUNKED_MESSAGE.length, at + SEGMENT_BYTES)));
}
