// The clients of the suite, in the bench process: warren's Client, node:http with a
// keep-alive http.Agent, undici's Client, and a raw socket writing fixed request bytes.
// Each drives one keep-alive connection through one operation at a time (`step`): a round
// trip, a pipelined batch, or an upload; every step checks what it got back, so a pair
// cannot be timed while it fails or does something else.

import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Client as UndiciClient } from 'undici';
import { ChunkedBodyIter, Client, type ClientConnection, type OutgoingChunk } from '../../src/index.js';
import { hostField, ResponseReader, type Target } from './framing.js';
import { BODY_64K, chunkedUploadBytes, HELLO, JSON_108, UPLOAD_ANSWER, UPLOAD_CHUNKS, UPLOAD_DATA, uploadExtensions } from './payloads.js';

/** What one step does. */
export type Op = 'json' | 'example' | '64k' | 'pipeline' | 'upload';
export type ClientKind = 'warren' | 'node:http' | 'undici' | 'raw';

/** Requests in one pipelined batch (W3). */
export const DEPTH = 16;

export interface Driver {
  /** One operation; resolves with the number of requests it made (DEPTH for a pipelined batch). */
  step(): Promise<number>;
  close(): Promise<void>;
}

export function makeDriver(client: ClientKind, op: Op, target: Target): Promise<Driver> {
  switch (client) {
    case 'warren':
      return warrenDriver(op, target);
    case 'node:http':
      return Promise.resolve(nodeDriver(op, target));
    case 'undici':
      return Promise.resolve(undiciDriver(op, target));
    case 'raw':
      return rawDriver(op, target);
  }
}

/** Runs `step` until `ms` have passed or `maxRequests` were made (at least one step); returns requests and seconds. */
export async function runFor(driver: Driver, ms: number, maxRequests: number): Promise<{ requests: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const end = started + BigInt(Math.round(ms * 1e6));
  let requests = 0;
  do {
    requests += await driver.step();
  } while (requests < maxRequests && process.hrtime.bigint() < end);
  return { requests, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function expect(got: Uint8Array, want: Buffer, what: string): void {
  if (got.length !== want.length || !want.equals(got)) {
    throw new Error(`${what}: a body of ${got.length} bytes that is not the one expected (${want.length} bytes)`);
  }
}

function expectLength(got: number, want: number, what: string): void {
  if (got !== want) throw new Error(`${what}: a body of ${got} bytes, expected ${want}`);
}

function expectStatus(status: number, what: string): void {
  if (status !== 200) throw new Error(`${what}: status ${status}, expected 200`);
}

// ---------------------------------------------------------------------------------------
// warren

function* warrenUploadChunks(): Generator<OutgoingChunk> {
  for (let i = 0; i < UPLOAD_CHUNKS; i++) yield { data: UPLOAD_DATA, extensions: uploadExtensions(i) };
}

async function warrenDriver(op: Op, target: Target): Promise<Driver> {
  const address = 'path' in target ? target.path : ([target.host, target.port] as const);
  const client = new Client(address, 'path' in target ? { host: 'bench', pipelining: DEPTH } : { pipelining: DEPTH });
  const conn: ClientConnection = await client.connect();
  const what = 'warren client';
  const steps: Record<Op, () => Promise<number>> = {
    json: async () => {
      const response = await conn.post('/', { 'content-type': 'application/json' }, JSON_108);
      expectStatus(response.status, what);
      expect(await response.body!.bytes(), JSON_108, what);
      return 1;
    },
    example: async () => {
      const response = await conn.get('/example');
      expectStatus(response.status, what);
      expect(await response.body!.bytes(), HELLO, what);
      return 1;
    },
    '64k': async () => {
      const response = await conn.get('/64k');
      expectStatus(response.status, what);
      expectLength((await response.body!.bytes()).length, BODY_64K.length, what);
      return 1;
    },
    pipeline: async () => {
      const pending: ReturnType<ClientConnection['get']>[] = [];
      for (let i = 0; i < DEPTH; i++) pending.push(conn.get('/example'));
      for (const promise of pending) {
        const response = await promise;
        expectStatus(response.status, what);
        expect(await response.body!.bytes(), HELLO, what);
      }
      return DEPTH;
    },
    upload: async () => {
      const response = await conn.post('/upload', { 'content-type': 'application/octet-stream' }, new ChunkedBodyIter(warrenUploadChunks()));
      expectStatus(response.status, what);
      const answer = await response.body!.text();
      if (answer !== UPLOAD_ANSWER) throw new Error(`${what}: the server says it received ${answer} bytes, not ${UPLOAD_ANSWER}`);
      return 1;
    },
  };
  return { step: steps[op], close: async () => conn.close() };
}

// ---------------------------------------------------------------------------------------
// node:http with a keep-alive Agent

function nodeDriver(op: Op, target: Target): Driver {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const where = 'path' in target ? { socketPath: target.path } : { host: target.host, port: target.port };
  const what = 'node:http client';
  const exchange = (method: string, path: string, headers: Record<string, string | number>, body: Buffer | 'upload' | null): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ ...where, method, path, agent, headers: { host: hostField(target), ...headers } }, (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          try {
            expectStatus(res.statusCode ?? 0, what);
            resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
          } catch (error) {
            reject(error as Error);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body === 'upload') {
        // node:http writes chunked without extensions: it has no way to send them.
        let i = 0;
        const more = (): void => {
          while (i < UPLOAD_CHUNKS) {
            i++;
            if (!req.write(UPLOAD_DATA)) return void req.once('drain', more);
          }
          req.end();
        };
        more();
      } else {
        req.end(body ?? undefined);
      }
    });
  const steps: Record<Op, () => Promise<number>> = {
    json: async () => {
      expect(await exchange('POST', '/', { 'content-type': 'application/json', 'content-length': JSON_108.length }, JSON_108), JSON_108, what);
      return 1;
    },
    example: async () => {
      expect(await exchange('GET', '/example', {}, null), HELLO, what);
      return 1;
    },
    '64k': async () => {
      expectLength((await exchange('GET', '/64k', {}, null)).length, BODY_64K.length, what);
      return 1;
    },
    pipeline: () => Promise.reject(new Error('node:http does not pipeline')),
    upload: async () => {
      const answer = (await exchange('POST', '/upload', { 'content-type': 'application/octet-stream' }, 'upload')).toString('latin1');
      if (answer !== UPLOAD_ANSWER) throw new Error(`${what}: the server says it received ${answer} bytes, not ${UPLOAD_ANSWER}`);
      return 1;
    },
  };
  return { step: steps[op], close: async () => agent.destroy() };
}

// ---------------------------------------------------------------------------------------
// undici

async function* undiciUpload(): AsyncGenerator<Buffer> {
  for (let i = 0; i < UPLOAD_CHUNKS; i++) yield UPLOAD_DATA;
}

function undiciDriver(op: Op, target: Target): Driver {
  const options = { pipelining: op === 'pipeline' ? DEPTH : 1, keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 };
  const client =
    'path' in target ? new UndiciClient('http://bench', { ...options, socketPath: target.path }) : new UndiciClient(`http://${hostField(target)}`, options);
  const what = 'undici client';
  // undici's `blocking` defaults to true for all but HEAD, and a blocking request holds the
  // pipeline until its response head is in: without blocking: false, pipelining: 16 sends
  // one request at a time.
  const blocking = op !== 'pipeline';
  const get = async (path: string): Promise<Buffer> => {
    const { statusCode, body } = await client.request({ path, method: 'GET', blocking });
    const data = Buffer.from(await body.arrayBuffer());
    expectStatus(statusCode, what);
    return data;
  };
  const steps: Record<Op, () => Promise<number>> = {
    json: async () => {
      const { statusCode, body } = await client.request({ path: '/', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON_108 });
      const data = Buffer.from(await body.arrayBuffer());
      expectStatus(statusCode, what);
      expect(data, JSON_108, what);
      return 1;
    },
    example: async () => {
      expect(await get('/example'), HELLO, what);
      return 1;
    },
    '64k': async () => {
      expectLength((await get('/64k')).length, BODY_64K.length, what);
      return 1;
    },
    pipeline: async () => {
      const pending: Promise<Buffer>[] = [];
      for (let i = 0; i < DEPTH; i++) pending.push(get('/example'));
      for (const data of await Promise.all(pending)) expect(data, HELLO, what);
      return DEPTH;
    },
    upload: async () => {
      // undici sends a stream of unknown length chunked, without extensions.
      const { statusCode, body } = await client.request({ path: '/upload', method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Readable.from(undiciUpload(), { objectMode: false }) });
      const answer = await body.text();
      expectStatus(statusCode, what);
      if (answer !== UPLOAD_ANSWER) throw new Error(`${what}: the server says it received ${answer} bytes, not ${UPLOAD_ANSWER}`);
      return 1;
    },
  };
  return { step: steps[op], close: () => client.close() };
}

// ---------------------------------------------------------------------------------------
// raw socket: fixed request bytes, responses framed by ResponseReader

async function rawDriver(op: Op, target: Target): Promise<Driver> {
  const host = hostField(target);
  const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  let request: Buffer;
  let perStep = 1;
  let bodyLength: number;
  switch (op) {
    case 'json':
      request = Buffer.concat([
        Buffer.from(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${JSON_108.length}\r\n\r\n`, 'latin1'),
        JSON_108,
      ]);
      bodyLength = JSON_108.length;
      break;
    case 'example':
      request = Buffer.from(get('/example'), 'latin1');
      bodyLength = HELLO.length;
      break;
    case '64k':
      request = Buffer.from(get('/64k'), 'latin1');
      bodyLength = BODY_64K.length;
      break;
    case 'pipeline':
      request = Buffer.from(get('/example').repeat(DEPTH), 'latin1');
      perStep = DEPTH;
      bodyLength = HELLO.length;
      break;
    case 'upload':
      request = Buffer.concat([
        Buffer.from(`POST /upload HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`, 'latin1'),
        chunkedUploadBytes(),
      ]);
      bodyLength = UPLOAD_ANSWER.length;
      break;
  }
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = 'path' in target ? connect(target.path) : connect(target.port, target.host);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  const reader = new ResponseReader(bodyLength);
  let waiting: { left: number; resolve: () => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    const w = waiting;
    waiting = null;
    w?.reject(failure);
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      const done = reader.feed(chunk);
      if (waiting === null) {
        if (done > 0) throw new Error('a response to no request');
        return;
      }
      waiting.left -= done;
      if (waiting.left < 0) throw new Error('more responses than requests');
      if (waiting.left === 0) {
        const w = waiting;
        waiting = null;
        w.resolve();
      }
    } catch (error) {
      fail(error as Error);
      socket.destroy();
    }
  });
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the server closed the connection')));
  return {
    step: () =>
      new Promise<number>((resolve, reject) => {
        if (failure !== null) return reject(failure);
        waiting = { left: perStep, resolve: () => resolve(perStep), reject };
        socket.write(request);
      }),
    close: async () => {
      socket.removeAllListeners('close');
      socket.destroy();
    },
  };
}
