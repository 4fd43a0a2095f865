// The bytes every workload of the suite sends and expects, shared by the servers (in
// their child processes) and the clients (in the bench process), so that all pairs move
// exactly the same payloads.

/** W1: Degu's benchmark body, a 108-byte JSON object. */
export const JSON_108: Buffer = (() => {
  const head = '{"id":42,"kind":"benchmark","client":"warren","tags":["http","unix","loopback"],"note":"';
  const tail = '"}';
  const pad = 108 - head.length - tail.length;
  if (pad < 0) throw new Error('the W1 body template is longer than 108 bytes');
  const body = Buffer.from(head + 'x'.repeat(pad) + tail, 'latin1');
  JSON.parse(body.toString('latin1'));
  if (body.length !== 108) throw new Error(`the W1 body is ${body.length} bytes, not 108`);
  return body;
})();

/** W2: the body of GET /example. */
export const HELLO: Buffer = Buffer.from('hello, world');

/** W4: the body of GET /64k: 64 KiB of bytes that are not all alike. */
export const BODY_64K: Buffer = (() => {
  const body = Buffer.alloc(64 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = 0x61 + ((i * 7 + (i >> 9)) % 26);
  return body;
})();

/** W5: a chunked upload of UPLOAD_BYTES in UPLOAD_CHUNK-byte chunks, each with extensions. */
export const UPLOAD_CHUNK = 16 * 1024;
export const UPLOAD_BYTES = 16 * 1024 * 1024;
export const UPLOAD_CHUNKS = UPLOAD_BYTES / UPLOAD_CHUNK;

/** The data of every upload chunk: letters, not all alike. */
export const UPLOAD_DATA: Buffer = (() => {
  const data = Buffer.alloc(UPLOAD_CHUNK);
  for (let i = 0; i < data.length; i++) data[i] = 0x41 + ((i * 13) % 26);
  return data;
})();

/** The extensions chunk i carries: `;n=<i>;sig="abc"` (a token value and a quoted one). */
export function uploadExtensions(i: number): [string, string][] {
  return [
    ['n', String(i)],
    ['sig', 'abc'],
  ];
}

/** The whole chunked body on the wire, with its extensions and the last chunk. */
export function chunkedUploadBytes(): Buffer {
  const parts: Buffer[] = [];
  const size = UPLOAD_CHUNK.toString(16);
  for (let i = 0; i < UPLOAD_CHUNKS; i++) {
    parts.push(Buffer.from(`${size};n=${i};sig="abc"\r\n`, 'latin1'), UPLOAD_DATA, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/** What every server answers to an upload: the number of body bytes it received, as text. */
export const UPLOAD_ANSWER = String(UPLOAD_BYTES);
