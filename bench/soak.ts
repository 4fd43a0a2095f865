// npm run soak -- --minutes N (or --seconds N): a warren client against a warren server,
// plain and TLS (an in-process CA), several connections, a mixed workload: keep-alive
// GETs, pipelined GETs, chunked responses, uploads by length and chunked. Each minute (each
// tenth of a short run) it prints requests done, errors, RSS and heap. It fails when any
// request failed or when RSS grows steadily (defined at STEADY_SAMPLES and GROWTH_BYTES).
// --slowloris N adds N slow-head attackers (a byte a second) against maxConnections 512.

import { parseArgs } from 'node:util';
import { Client, ClientConnection, RequestError, Server, type App } from '../src/index.js';
import { retryable } from '../src/client/exchange.js';
import { TempPKI } from '../src/testing/index.js';
import { Slowloris } from '../test/lib/slowloris.js';

/** RSS grows "steadily" when each of this many last samples is above the one before it... */
const STEADY_SAMPLES = 5;
/** ...and the growth from the first sample after warm-up to the last is over this (64 MiB). */
const GROWTH_BYTES = 64 * 1024 * 1024;
/** Workers per server (plain and TLS): each its own connection, reconnecting after maxRequestsPerConnection. */
const WORKERS = 4;

const { values } = parseArgs({ options: { minutes: { type: 'string' }, seconds: { type: 'string' }, slowloris: { type: 'string' } } });
const seconds = values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes ?? '1') * 60;
if (!Number.isFinite(seconds) || seconds <= 0) throw new TypeError(`soak takes --minutes N or --seconds N, a positive number; got ${values.minutes ?? values.seconds}`);
const slowCount = Number(values.slowloris ?? '0');

const CHUNK = new Uint8Array(16 * 1024).fill(0x61);

const app: App = async (_session, request) => {
  if (request.method === 'POST') {
    const bytes = request.body === null ? new Uint8Array(0) : await request.body.bytes();
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(bytes.length) };
  }
  if (request.uri === '/chunked') {
    return {
      status: 200,
      body: (async function* () {
        for (let i = 0; i < 8; i++) yield CHUNK;
      })(),
    };
  }
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' };
};

let requests = 0;
const errors: unknown[] = [];

/**
 * Pipelined GETs sent past the server's maxRequestsPerConnection are closed unanswered
 * (its last response says Connection: close): a Pool resends them; here they are counted.
 */
let resend = 0;

async function check(response: Promise<import('../src/index.js').ClientResponse>, expect: string | number, idempotent = true): Promise<void> {
  let res;
  try {
    res = await response;
  } catch (error) {
    if (idempotent && error instanceof RequestError && retryable('GET', error)) {
      resend++;
      return;
    }
    throw error;
  }
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  const body = res.body === null ? '' : await res.body.text();
  if (typeof expect === 'number' ? body.length !== expect : body !== expect) throw new Error(`unexpected body of ${body.length} bytes`);
  requests++;
}

async function worker(client: Client, until: number): Promise<void> {
  let conn: ClientConnection | null = null;
  let round = 0;
  while (Date.now() < until) {
    try {
      if (conn === null || !conn.usable) {
        conn?.close();
        conn = await client.connect();
      }
      switch (round++ % 4) {
        case 0:
          await check(conn.get('/'), 'hello');
          break;
        case 1:
          await Promise.all(Array.from({ length: 8 }, () => check(conn!.get('/'), 'hello')));
          break;
        case 2:
          await check(conn.get('/chunked'), 8 * CHUNK.length);
          break;
        case 3:
          await check(conn.post('/upload', { 'content-type': 'application/octet-stream' }, new Uint8Array(64 * 1024)), String(64 * 1024), false);
          await check(
            conn.post('/upload', { 'content-type': 'application/octet-stream' }, (async function* () {
              for (let i = 0; i < 4; i++) yield CHUNK;
            })()),
            String(4 * CHUNK.length),
            false,
          );
          break;
      }
    } catch (error) {
      errors.push(error);
      conn?.close();
      conn = null;
    }
  }
  conn?.close();
}

const pki = TempPKI.create();
const creds = pki.server('localhost');
const plain = await new Server(['127.0.0.1', 0], app, { onError: (error) => errors.push(error) }).listen();
// Sheds under --slowloris are the design at work, not errors: count them apart.
let sheds = 0;
const tls = await new Server(['127.0.0.1', 0], app, {
  tls: { cert: creds.certPem, key: creds.keyPem, allowUnauthenticatedClients: true },
  onError: (error) => errors.push(error),
}).listen();
const shedding = new Server(['127.0.0.1', 0], app, { onError: (error) => ((error as { code?: string }).code === 'connection-shed' ? sheds++ : errors.push(error)) });
let attack: Slowloris | null = null;
let target: Server = plain;
if (slowCount > 0) {
  await plain.close();
  target = await shedding.listen();
  const [h, p] = target.address as readonly [string, number];
  attack = new Slowloris(h, p, slowCount, 1000);
}
const plainClient = new Client(target.address);
const tlsClient = new Client(tls.address, { tls: { ca: pki.caPem } });

const start = Date.now();
const until = start + seconds * 1000;
const interval = seconds >= 120 ? 60_000 : Math.max(1000, (seconds * 1000) / 10);
const rss: number[] = [];
const sample = (): void => {
  const m = process.memoryUsage();
  rss.push(m.rss);
  const mib = (n: number): string => (n / 1048576).toFixed(1);
  console.log(`${((Date.now() - start) / 1000).toFixed(0).padStart(5)} s  requests ${requests}  errors ${errors.length}  resent ${resend}  rss ${mib(m.rss)} MiB  heap ${mib(m.heapUsed)} MiB` + (attack === null ? '' : `  slowloris open ${attack.open} timed-out ${attack.counts.timedOut} shed ${sheds}`));
};
const sampler = setInterval(sample, interval);
await Promise.all([...Array.from({ length: WORKERS }, () => worker(plainClient, until)), ...Array.from({ length: WORKERS }, () => worker(tlsClient, until))]);
clearInterval(sampler);
sample();
await attack?.stop();
await Promise.all([target.close({ timeout: 2000 }), tls.close({ timeout: 2000 })]);
pki.cleanup();

// Warm-up (JIT, pools, TLS session caches, the allocator settling) is the first third of the samples.
const settled = rss.slice(Math.ceil(rss.length / 3));
const last = settled.slice(-(STEADY_SAMPLES + 1));
const rising = last.length === STEADY_SAMPLES + 1 && last.every((v, i) => i === 0 || v > last[i - 1]!);
const growth = settled.length > 0 ? settled[settled.length - 1]! - settled[0]! : 0;
console.log(`soak: ${seconds} s, ${requests} requests, ${errors.length} errors, ${resend} unanswered GETs past maxRequestsPerConnection (a Pool resends), rss growth after warm-up ${(growth / 1048576).toFixed(1)} MiB${rising ? ' (rising every sample)' : ''}`);
for (const error of errors.slice(0, 5)) console.error(error);
if (errors.length > 0 || requests === 0) process.exitCode = 1;
else if (rising && growth > GROWTH_BYTES) {
  console.error(`soak: RSS grew steadily: each of the last ${STEADY_SAMPLES} samples above the one before, ${(growth / 1048576).toFixed(1)} MiB in all (bound ${GROWTH_BYTES / 1048576} MiB)`);
  process.exitCode = 1;
}
