// compress() seen from the wire, through warren's own client without decoding: what it
// compresses (and how the head changes), what it never touches, how it negotiates, and
// Vary. Then the client's decompress option: every coding, stacked codings, unknown and
// corrupt ones, and a decompression bomb against maxDecodedBytes.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { Server, Client, Pool, BodyIter, ChunkedBodyIter, compress, CONTENT_CODINGS, type App, type ClientResponse } from '../src/index.js';
import { TRANSPORTS } from './lib/transports.js';

const unix = TRANSPORTS.find((t) => t.name === 'unix')!;
const TEXT = 'compressible text, '.repeat(200);

const app: App = (_session, request) => {
  const text = { 'content-type': 'text/html; charset=utf-8' };
  switch (request.path[0]) {
    case 'text': return { status: 200, headers: { ...text, etag: '"strong"' }, body: TEXT };
    case 'weak': return { status: 200, headers: { ...text, etag: 'W/"weak"' }, body: TEXT };
    case 'iolist': return { status: 200, headers: text, body: [TEXT.slice(0, 100), [Buffer.from(TEXT.slice(100))]] };
    case 'stream': return { status: 200, headers: text, body: (async function* () { yield TEXT.slice(0, 1000); yield Buffer.from(TEXT.slice(1000)); })() };
    case 'small': return { status: 200, headers: text, body: 'tiny' };
    case 'png': return { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.alloc(5000) };
    case 'sse': return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: TEXT };
    case 'untyped': return { status: 200, body: TEXT };
    case 'coded': return { status: 200, headers: { ...text, 'content-encoding': 'gzip' }, body: zlib.gzipSync(TEXT) };
    case 'no-transform': return { status: 200, headers: { ...text, 'cache-control': 'public, no-transform' }, body: TEXT };
    case 'partial': return { status: 206, headers: { ...text, 'content-range': `bytes 0-1999/${TEXT.length}` }, body: TEXT.slice(0, 2000) };
    case 'none': return { status: 204 };
    case 'not-modified': return { status: 304, headers: { etag: '"strong"' } };
    case 'vary': return { status: 200, headers: { ...text, vary: 'Origin' }, body: TEXT };
    case 'vary-star': return { status: 200, headers: { ...text, vary: '*' }, body: TEXT };
    case 'json': return { status: 200, headers: { 'content-type': 'application/vnd.api+json' }, body: JSON.stringify({ t: TEXT }) };
    case 'chunked': return { status: 200, headers: text, body: new ChunkedBodyIter([{ data: TEXT }, { trailers: [['X-Sum', '1']] }]) };
    case 'length': return { status: 200, headers: { ...text, 'content-length': String(TEXT.length) }, body: TEXT };
    default: return { status: 404, body: 'no' };
  }
};

const servers: Server[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function start(a: App): Promise<Server> {
  const server = new Server(unix.address(), a, { onError: () => {} });
  await server.listen();
  servers.push(server);
  return server;
}

async function get(client: Client, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ response: ClientResponse; body: Buffer }> {
  const conn = await client.connect();
  try {
    const response = await conn.request(method, path, headers);
    const body = response.body === null ? Buffer.alloc(0) : Buffer.from(await response.body.bytes());
    return { response, body };
  } finally {
    conn.close();
  }
}

const decoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
  zstd: (b) => (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(b),
};

test('compress(): each coding, whole bodies keep a Content-Length, streams go chunked; Vary, weak ETag', async () => {
  const server = await start(compress(app));
  const client = new Client(server.address);
  for (const coding of CONTENT_CODINGS) {
    const { response, body } = await get(client, '/text', { 'accept-encoding': coding });
    const h = response.headers;
    assert.deepEqual([h['content-encoding'], h['vary'], h['etag']], [coding, 'Accept-Encoding', 'W/"strong"'], coding);
    assert.equal(Number(h['content-length']), body.length, 'the compressed length');
    assert.ok(body.length < TEXT.length / 4, `${coding}: ${body.length} bytes`);
    assert.equal(decoders[coding]!(body).toString(), TEXT);
    const streamed = await get(client, '/stream', { 'accept-encoding': coding });
    assert.deepEqual([streamed.response.headers['content-encoding'], streamed.response.headers['content-length'], streamed.response.fields.get('transfer-encoding')], [coding, undefined, 'chunked']);
    assert.equal(decoders[coding]!(streamed.body).toString(), TEXT);
  }
  const iolist = await get(client, '/iolist', { 'accept-encoding': 'gzip' });
  assert.equal(zlib.gunzipSync(iolist.body).toString(), TEXT);
  const json = await get(client, '/json', { 'accept-encoding': 'gzip' });
  assert.equal(json.response.headers['content-encoding'], 'gzip', '+json is compressible');
  const weak = await get(client, '/weak', { 'accept-encoding': 'gzip' });
  assert.equal(weak.response.headers['etag'], 'W/"weak"', 'a weak ETag stays as it is');
  const length = await get(client, '/length', { 'accept-encoding': 'gzip' });
  assert.equal(Number(length.response.headers['content-length']), length.body.length, "the app's Content-Length is replaced");
  const vary = await get(client, '/vary', { 'accept-encoding': 'gzip' });
  assert.equal(vary.response.headers['vary'], 'Origin, Accept-Encoding');
  const star = await get(client, '/vary-star', { 'accept-encoding': 'gzip' });
  assert.equal(star.response.headers['vary'], '*');
});

test('compress(): never HEAD, 204, 206, 304, coded, no-transform, tiny, incompressible, untyped, event streams or chunked bodies', async () => {
  const server = await start(compress(app));
  const client = new Client(server.address);
  const ask = { 'accept-encoding': 'gzip, br, zstd, deflate' };
  for (const path of ['/small', '/png', '/sse', '/untyped', '/no-transform', '/partial', '/none', '/not-modified', '/chunked']) {
    const { response } = await get(client, path, ask);
    assert.equal(response.headers['content-encoding'], undefined, `${path} is not compressed`);
    assert.equal(response.headers['vary'], undefined, `${path} does not vary`);
  }
  const coded = await get(client, '/coded', ask);
  assert.equal(coded.response.headers['content-encoding'], 'gzip');
  assert.equal(zlib.gunzipSync(coded.body).toString(), TEXT, 'coded once, by the app');
  const chunked = await get(client, '/chunked', ask);
  assert.deepEqual(chunked.response.body!.trailers?.raw(), [['X-Sum', '1']], 'trailers kept');
  const head = await get(client, '/text', ask, 'HEAD');
  assert.deepEqual([head.response.headers['content-encoding'], head.response.headers['content-length'], head.response.headers['vary']], [undefined, String(TEXT.length), 'Accept-Encoding']);
});

test('compress(): negotiation by q-value, * and identity;q=0; no Accept-Encoding means identity with Vary', async () => {
  const server = await start(compress(app));
  const client = new Client(server.address);
  const chosen = async (accept: string | null): Promise<string | undefined> => (await get(client, '/text', accept === null ? {} : { 'accept-encoding': accept })).response.headers['content-encoding'];
  assert.equal(await chosen(null), undefined);
  assert.equal(await chosen('identity'), undefined);
  assert.equal(await chosen('gzip;q=0.5, br;q=0.9'), 'br');
  assert.equal(await chosen('br;q=0, gzip'), 'gzip');
  assert.equal(await chosen('*'), 'br');
  assert.equal(await chosen('gzip;q=0.1, identity;q=0.5'), undefined);
  assert.equal(await chosen('identity;q=0'), undefined, 'nothing acceptable: identity anyway');
  assert.equal(await chosen('x-gzip'), 'gzip');
  const none = await get(client, '/text');
  assert.equal(none.response.headers['vary'], 'Accept-Encoding');
  // The server's own order and threshold.
  const gzipFirst = await start(compress(app, { encodings: ['gzip', 'br'], threshold: 2 }));
  const c2 = new Client(gzipFirst.address);
  assert.equal((await get(c2, '/text', { 'accept-encoding': 'br, gzip' })).response.headers['content-encoding'], 'gzip');
  assert.equal((await get(c2, '/small', { 'accept-encoding': 'gzip' })).response.headers['content-encoding'], 'gzip');
  assert.throws(() => compress(app, { encodings: ['lzma' as 'gzip'] }), /lzma.*not one this Node has/);
  assert.throws(() => compress(app, { threshold: -1 }), /threshold/);
});

test('client decompress: Accept-Encoding offered, each coding decoded, the head without Content-Encoding or Content-Length', async () => {
  const server = await start(compress(app));
  const client = new Client(server.address, { decompress: true });
  const echoed = await start((_s, request) => ({ status: 200, body: request.headers['accept-encoding'] ?? 'none' }));
  assert.match((await get(new Client(echoed.address, { decompress: true }), '/')).body.toString(), /^gzip, deflate, br(, zstd)?$/);
  assert.equal((await get(new Client(echoed.address, { decompress: true }), '/', { 'Accept-Encoding': 'br' })).body.toString(), 'br', "the request's own field wins");
  assert.equal((await get(new Client(echoed.address), '/')).body.toString(), 'none', 'off by default');
  for (const coding of CONTENT_CODINGS) {
    for (const path of ['/text', '/stream']) {
      const { response, body } = await get(client, path, { 'accept-encoding': coding });
      assert.equal(body.toString(), TEXT, `${path} ${coding}`);
      assert.deepEqual([response.headers['content-encoding'], response.headers['content-length'], response.body!.length], [undefined, undefined, null]);
    }
  }
  assert.throws(() => new Client(server.address, { decompress: 'yes' as unknown as boolean }), /decompress is true or false/);
});

test('client decompress: stacked, raw deflate, unknown and corrupt codings', async () => {
  const deflated = zlib.deflateRawSync(TEXT);
  const stacked = zlib.brotliCompressSync(zlib.gzipSync(TEXT));
  const server = await start((_s, request) => {
    switch (request.path[0]) {
      case 'stacked': return { status: 200, headers: { 'content-encoding': 'gzip, br' }, body: stacked };
      case 'raw-deflate': return { status: 200, headers: { 'content-encoding': 'deflate' }, body: deflated };
      case 'unknown': return { status: 200, headers: { 'content-encoding': 'compress' }, body: 'as is' };
      case 'corrupt': return { status: 200, headers: { 'content-encoding': 'br' }, body: Buffer.from('this is not brotli at all, not at all') };
      default: return { status: 200, headers: { 'content-encoding': 'gzip, gzip, gzip, gzip, gzip, gzip' }, body: 'six' };
    }
  });
  const client = new Client(server.address, { decompress: true });
  assert.equal((await get(client, '/stacked')).body.toString(), TEXT, 'br undone, then gzip');
  assert.equal((await get(client, '/raw-deflate')).body.toString(), TEXT, 'deflate without its zlib header');
  const unknown = await get(client, '/unknown');
  assert.deepEqual([unknown.body.toString(), unknown.response.headers['content-encoding']], ['as is', 'compress'], 'an unknown coding is handed over as it came');
  const six = await get(client, '/six');
  assert.equal(six.response.headers['content-encoding'], 'gzip, gzip, gzip, gzip, gzip, gzip', 'more than five stacked: not decoded');
  await assert.rejects(get(client, '/corrupt'), (e: { code?: string; message: string }) => e.code === 'decode-failed' && /not valid br/.test(e.message));
});

test('client decompress: a decompression bomb (10 MiB of zeros, gzipped) fails past maxDecodedBytes, and the connection serves on', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
  assert.ok(bomb.length < 20 * 1024, `the bomb is ${bomb.length} bytes`);
  const server = await start((_s, request) =>
    request.path[0] === 'bomb' ? { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' }, body: bomb } : { status: 200, body: 'after' },
  );
  const client = new Client(server.address, { decompress: true, maxDecodedBytes: 1024 * 1024 });
  const conn = await client.connect();
  const response = await conn.get('/bomb');
  let decoded = 0;
  const failure = await (async () => {
    for await (const piece of response.body as AsyncIterable<Uint8Array>) decoded += piece.length;
  })().catch((e: unknown) => e as { code?: string; message: string });
  assert.equal(failure?.code, 'decoded-too-large');
  assert.match(failure!.message, /more than 1048576 bytes: raise the maxDecodedBytes option/);
  assert.ok(decoded <= 1024 * 1024, `${decoded} bytes handed out before the failure`);
  // The bomb was read whole off the wire before it failed: the connection goes on.
  assert.equal((await (await conn.get('/after')).body!.text()), 'after');
  conn.close();
  const enough = new Client(server.address, { decompress: true, maxDecodedBytes: 10 * 1024 * 1024 });
  assert.equal((await get(enough, '/bomb')).body.length, 10 * 1024 * 1024, 'at the limit exactly it is whole');
});

test('client decompress: a bomb still on the wire when it fails closes its connection; a Pool goes on with a new one', async () => {
  // 64 MiB of zeros at level 1: some 280 KiB on the wire, more than the read-ahead.
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 1 });
  assert.ok(bomb.length > 4 * 64 * 1024);
  const server = await start((_s, request) =>
    request.path[0] === 'bomb'
      ? { status: 200, headers: { 'content-encoding': 'gzip' }, body: new BodyIter((async function* () { for (let i = 0; i < bomb.length; i += 16 * 1024) yield bomb.subarray(i, i + 16 * 1024); })(), bomb.length) }
      : { status: 200, body: 'after' },
  );
  const conn = await new Client(server.address, { decompress: true, maxDecodedBytes: 1024 * 1024 }).connect();
  const response = await conn.get('/bomb');
  await assert.rejects(response.body!.bytes(), (e: { code?: string }) => e.code === 'decoded-too-large');
  assert.equal(conn.usable, false, 'the rest of the bomb is not read: the connection closes');
  const pool = new Pool(server.address, { decompress: true, maxDecodedBytes: 1024 * 1024, maxConnections: 1 });
  const bombed = await pool.request('GET', '/bomb');
  await assert.rejects(bombed.body!.bytes(), (e: { code?: string }) => e.code === 'decoded-too-large');
  const after = await pool.request('GET', '/after');
  assert.equal(await after.body!.text(), 'after');
  await pool.close();
});
