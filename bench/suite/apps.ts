// The servers of the suite, each run in a child process of its own (bench/lib/servers.ts):
// the warren app, the same routes on node:http and on fastify, and the raw `net` limit,
// which answers with fixed bytes. Each function listens and resolves with the server once
// it is listening; none talks to a parent. Routes, the same on all four:
//
//   GET /example   -> 200 "hello, world"                      (W2, W3, W6)
//   POST /         -> 200, the request body echoed (108 B)    (W1)
//   GET /64k       -> 200, 64 KiB                              (W4)
//   POST /upload   -> 200, the number of body bytes received   (W5, a chunked upload)

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as netCreateServer, type Server as NetServer } from 'node:net';
import type { App } from '../../src/index.js';
import { RequestFramer, type RawRoute } from './framing.js';
import { BODY_64K, HELLO, JSON_108, UPLOAD_ANSWER } from './payloads.js';

/** The warren app (the TempServer builder). */
export function suite(): App {
  return async (_session, request) => {
    if (request.method === 'GET') {
      return request.uri === '/64k' ? { status: 200, body: BODY_64K } : { status: 200, body: HELLO };
    }
    if (request.method === 'POST' && request.body !== null) {
      if (request.uri === '/upload') {
        // Read as an app that wants the chunks and their extensions would.
        let bytes = 0;
        if (request.body.chunked) {
          for await (const chunk of request.body) bytes += chunk.data.length;
        } else {
          for await (const data of request.body) bytes += data.length;
        }
        return { status: 200, body: String(bytes) };
      }
      const data = await request.body.bytes();
      return { status: 200, headers: { 'content-type': 'application/json' }, body: data };
    }
    return { status: 404, body: 'not found' };
  };
}

/** Listens on a Unix socket path, or on '127.0.0.1' / '::1' at a port the kernel chooses. */
function listen(server: NetServer, on: string): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      resolve(server);
    };
    if (on.startsWith('/')) server.listen({ path: on }, ready);
    else server.listen({ host: on, port: 0 }, ready);
  });
}

/** The same routes on node:http, with keep-alive long enough for the whole run. */
export function nodeHttpServer(on: string): Promise<NetServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') {
      const body = req.url === '/64k' ? BODY_64K : HELLO;
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
      return;
    }
    if (req.url === '/upload') {
      let bytes = 0;
      req.on('data', (d: Buffer) => (bytes += d.length));
      req.on('end', () => {
        const body = String(bytes);
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
      });
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': data.length });
      res.end(data);
    });
  });
  server.keepAliveTimeout = 600_000;
  server.maxRequestsPerSocket = 0;
  return listen(server, on);
}

/** fastify's body limit for the upload route (its default is 1 MiB). */
const FASTIFY_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * The same routes on fastify, as its users write them: a route per path, and content-type
 * parsers that hand the JSON body over as bytes (echoed unchanged, as the other servers do)
 * and count the upload's bytes as they stream in.
 */
export async function fastifyServer(on: string): Promise<NetServer> {
  // Loaded here, not at the top: the other servers' processes (some counted under valgrind) need not load fastify.
  const { default: fastify } = await import('fastify');
  const app = fastify({ logger: false, keepAliveTimeout: 600_000, maxRequestsPerSocket: 0, bodyLimit: FASTIFY_BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => {
    let bytes = 0;
    payload.on('data', (d: Buffer) => (bytes += d.length));
    payload.on('end', () => done(null, bytes));
    payload.on('error', (error: Error) => done(error, undefined));
  });
  app.get('/example', (_request, reply) => reply.send(HELLO));
  app.get('/64k', (_request, reply) => reply.send(BODY_64K));
  app.post('/', (request, reply) => reply.type('application/json').send(request.body as Buffer));
  app.post('/upload', (request, reply) => reply.send(String(request.body as number)));
  await app.listen(on.startsWith('/') ? { path: on } : { host: on, port: 0 });
  return app.server as NetServer;
}

/**
 * The limit: a `net` server that finds where each request ends (see RequestFramer) and
 * writes fixed response bytes, all the answers to one read in one write.
 */
export function rawServer(on: string): Promise<NetServer> {
  const answers: Record<RawRoute, Buffer> = {
    example: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${HELLO.length}\r\n\r\n`, 'latin1'), HELLO]),
    '64k': Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY_64K.length}\r\n\r\n`, 'latin1'), BODY_64K]),
    json: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${JSON_108.length}\r\n\r\n`, 'latin1'), JSON_108]),
    upload: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${UPLOAD_ANSWER.length}\r\n\r\n${UPLOAD_ANSWER}`, 'latin1'),
  };
  const server = netCreateServer({ noDelay: true }, (socket) => {
    const framer = new RequestFramer();
    const out: Buffer[] = [];
    const answer = (route: RawRoute): void => {
      out.push(answers[route]);
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.feed(chunk, answer);
      } catch {
        socket.destroy();
        return;
      }
      if (out.length === 0) return;
      socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      out.length = 0;
    });
    socket.on('error', () => {});
  });
  return listen(server, on);
}
