// Apps and servers the benchmarks run in child processes.

import { createServer } from 'node:http';
import { createServer as netCreateServer } from 'node:net';
import type { App } from '../../src/index.js';

/** Degu's benchmark app: GET /example -> hello, world; POST / echoes a JSON body. */
export function hello(): App {
  const body = Buffer.from('hello, world');
  return (_session, request) => {
    if (request.method === 'POST' && request.body !== null) {
      return request.body.bytes().then((data) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: data }));
    }
    return { status: 200, body };
  };
}

/** The same app on node:http, listening on `path` (Unix) or port 0; prints its address. */
export function nodeHttp(listenOn: string): void {
  const body = Buffer.from('hello, world');
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const data = Buffer.concat(parts);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': data.length });
        res.end(data);
      });
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  const onListen = (): void => {
    process.send?.({ ready: true, address: server.address() });
  };
  if (listenOn.startsWith('/')) server.listen(listenOn, onListen);
  else server.listen(0, '127.0.0.1', onListen);
  process.on('disconnect', () => process.exit(0));
}

/** The limit: a raw net server that answers every read with the same fixed response bytes. */
export function rawNet(listenOn: string): void {
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello, world');
  const server = netCreateServer((socket) => {
    socket.on('data', () => socket.write(response));
  });
  server.listen(listenOn, () => process.send?.({ ready: true }));
  process.on('disconnect', () => process.exit(0));
}
