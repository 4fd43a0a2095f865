// Streaming an upload: the app reads the request body piece by piece as it arrives,
// counting bytes and hashing them with SHA-256, and never holds more than a piece. The
// server reads from the socket only as fast as the app reads, so a slow app slows the
// uploader down instead of buffering the upload (backpressure). A body with
// Content-Length iterates as Uint8Array pieces; a chunked body iterates as whole chunks
// { data, extensions }.
//
//   node dist/examples/streaming-upload.js [MiB]
//
// Run directly, it serves on 127.0.0.1, uploads MiB (default 8) of random bytes with
// node's http client twice, chunked and with Content-Length, in 64 KiB writes that wait
// for 'drain', checks the count and hash the server answers, prints them and exits.
// Import `uploadApp` to serve it elsewhere.

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server, type App, type AppResponse } from 'warren';

export interface UploadReport {
  readonly bytes: number;
  readonly sha256: string;
  /** How many pieces (or chunks) the app read. */
  readonly pieces: number;
  readonly chunked: boolean;
}

/** PUT or POST: answers the size and SHA-256 of the body, read as a stream. */
export const uploadApp: App = async (_session, request, bodies): Promise<AppResponse> => {
  if (request.method !== 'PUT' && request.method !== 'POST') return { status: 405, headers: { Allow: 'PUT, POST' } };
  const hash = createHash('sha256');
  let bytes = 0;
  let pieces = 0;
  const body = request.body;
  if (body instanceof bodies.ChunkedBody) {
    for await (const { data } of body) {
      hash.update(data);
      bytes += data.length;
      pieces++;
    }
  } else if (body !== null) {
    for await (const data of body) {
      hash.update(data);
      bytes += data.length;
      pieces++;
    }
  }
  const report: UploadReport = { bytes, sha256: hash.digest('hex'), pieces, chunked: body instanceof bodies.ChunkedBody };
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(report) };
};

const PIECE = 64 * 1024;

/** Uploads `data` in PIECE-sized writes, waiting for 'drain' when the socket is full. */
async function upload(port: number, data: Uint8Array, chunked: boolean): Promise<UploadReport> {
  const headers: Record<string, string> = chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(data.length) };
  const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/upload', headers, agent: false });
  const answer = new Promise<UploadReport>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as UploadReport) : reject(new Error(`${res.statusCode}: ${text}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  for (let offset = 0; offset < data.length; offset += PIECE) {
    if (!req.write(data.subarray(offset, offset + PIECE))) await Promise.race([once(req, 'drain'), answer]);
  }
  req.end();
  return answer;
}

async function main(args: string[]): Promise<void> {
  const mib = args[0] === undefined ? 8 : Number(args[0]);
  if (!Number.isFinite(mib) || mib < 0) throw new Error(`usage: streaming-upload.js [MiB]; got ${args[0]}`);
  const data = randomBytes(Math.round(mib * 1024 * 1024));
  const expected = createHash('sha256').update(data).digest('hex');
  // The default maxBodyBytes is 16 MiB; a streaming app can take more.
  const server = await new Server(['127.0.0.1', 0], uploadApp, { maxBodyBytes: Math.max(data.length, 16 * 1024 * 1024) }).listen();
  const port = (server.address as readonly [string, number])[1];
  console.log(`uploading ${data.length} bytes (sha256 ${expected}) to 127.0.0.1:${port}`);
  try {
    for (const chunked of [true, false]) {
      const started = performance.now();
      const report = await upload(port, data, chunked);
      const ms = performance.now() - started;
      const ok = report.bytes === data.length && report.sha256 === expected;
      const rate = data.length / 1024 / 1024 / (ms / 1000);
      console.log(
        `${chunked ? 'chunked       ' : 'Content-Length'}: server read ${report.bytes} bytes in ${report.pieces} pieces, sha256 ${report.sha256} ` +
          `${ok ? 'matches' : 'DOES NOT MATCH'} (${ms.toFixed(0)} ms, ${rate.toFixed(0)} MiB/s)`,
      );
      if (!ok) process.exitCode = 1;
    }
  } finally {
    await server.close();
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
