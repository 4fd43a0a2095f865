// The servers of the suite, each run in a child process of its own: the warren app (built
// in a TempServer child), the same routes on node:http, and the raw `net` limit, which
// answers with fixed bytes. Routes, the same on all three:
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

/** Where a server child listens: a Unix socket path, or '127.0.0.1' / '::1' on a port the kernel chooses. */
function listen(server: NetServer, on: string): NetServer {
  const ready = (): void => {
    process.send?.({ ready: true, address: server.address() });
  };
  if (on.startsWith('/')) server.listen({ path: on }, ready);
  else server.listen({ host: on, port: 0 }, ready);
  process.on('disconnect', () => process.exit(0));
  return server;
}

/** The same routes on node:http, with keep-alive long enough for the whole run. */
export function nodeHttpServer(on: string): NetServer {
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

/**
 * The limit: a `net` server that finds where each request ends (see RequestFramer) and
 * writes fixed response bytes, all the answers to one read in one write.
 */
export function rawServer(on: string): NetServer {
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
