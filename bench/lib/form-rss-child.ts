// One 64 MiB file upload in a fresh process, printing its RSS growth as JSON: the memory
// test and bench/multipart.ts run it. Modes: `server` (a real warren Server on loopback,
// fed by warren's Client, the app calling form()), `form` (form() over an in-memory Body),
// `formdata` (undici's `new Request(...).formData()`, which buffers the whole body).
//
//   node dist/bench/lib/form-rss-child.js server|form|formdata [MiB]

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, BodyIter, Client, Server, type App, type ServerRequest } from '../../src/index.js';
import { form } from '../../src/app/index.js';
import { withTimeout } from './timeout.js';

const mode = process.argv[2];
const mib = Number(process.argv[3] ?? 64);
if (mode !== 'server' && mode !== 'form' && mode !== 'formdata') {
  console.error('usage: form-rss-child.js server|form|formdata [MiB]');
  process.exit(2);
}
const BOUNDARY = '----warrenBenchBoundary7MA4YWxkTrZu0gW';
const PIECE = 64 * 1024;
const fileBytes = mib * 1024 * 1024;
const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbig\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
const total = head.length + fileBytes + tail.length;
const contentType = `multipart/form-data; boundary=${BOUNDARY}`;

/**
 * The body in 64 KiB pieces: fresh buffers, as a socket gives them, for the in-memory modes;
 * one buffer sent again and again for the client of `server` mode, so that what grows is
 * the server's side (it reads fresh buffers from its socket).
 */
function* pieces(fresh: boolean): Generator<Uint8Array> {
  yield head;
  const same = Buffer.alloc(PIECE, 0x61);
  for (let sent = 0; sent < fileBytes; sent += PIECE) {
    const size = Math.min(PIECE, fileBytes - sent);
    yield fresh ? Buffer.alloc(size, sent & 0xff) : same.subarray(0, size);
  }
  yield tail;
}

const dir = mkdtempSync(join(tmpdir(), 'warren-form-rss-'));
let peak = 0;
const sample = (): void => {
  peak = Math.max(peak, process.memoryUsage.rss());
};
const timer = setInterval(sample, 5);

/**
 * The peak RSS since exec, from Linux's VmHWM; 0 elsewhere (the 5 ms samples stand alone).
 * Not resourceUsage().maxRSS: a spawned child's counts the parent's RSS at fork.
 */
function highWater(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

async function readWith(request: Pick<ServerRequest, 'headers' | 'body'>): Promise<number> {
  const f = await form(request, { tmpDir: dir, maxBytes: total, maxFileBytes: fileBytes });
  const file = f.files.get('file')!;
  const size = statSync(file.path!).size;
  await f.cleanup();
  return size;
}

async function run(): Promise<number> {
  if (mode === 'form') {
    const it = pieces(true);
    const body = new Body({ next: () => { const r = it.next(); return r.done ? { type: 'end-of-message', extensions: null, trailers: null } : { type: 'data', data: r.value, extensions: null, chunkEnd: false }; } }, total);
    return readWith({ headers: { 'content-type': contentType } as ServerRequest['headers'], body });
  }
  if (mode === 'formdata') {
    const it = pieces(true);
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => { const r = it.next(); if (r.done) c.close(); else c.enqueue(r.value); } });
    const data = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': contentType }, body: stream, duplex: 'half' } as RequestInit).formData();
    return (data.get('file') as Blob).size;
  }
  let size = -1;
  const app: App = async (_session, request) => {
    size = await readWith(request);
    return { status: 200, body: String(size) };
  };
  const server = new Server(['127.0.0.1', 0], app, { maxBodyBytes: total });
  await server.listen();
  try {
    const conn = await new Client(server.address).connect();
    const res = await conn.post('/', { 'content-type': contentType }, new BodyIter(pieces(false), total));
    await res.body?.text();
    conn.close();
  } finally {
    await server.close();
  }
  return size;
}

// The baseline is taken after start-up and a GC (when --expose-gc is given); the peak is sampled every 5 ms and checked against VmHWM.
sample();
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage.rss();
peak = baseline;
const started = performance.now();
const size = await withTimeout(run(), 120_000, `the ${mode} upload`);
const ms = performance.now() - started;
sample();
clearInterval(timer);
rmSync(dir, { recursive: true, force: true });
const top = Math.max(peak, highWater());
console.log(JSON.stringify({ mode, fileBytes, size, baseline, peak: top, growth: top - baseline, ms }));
