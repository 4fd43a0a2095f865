// The TLS benchmark's servers, run in child processes: warren's app (for TempServer) and
// the same app on node:https. Both answer GET /example with 'hello, world', and GET /tls
// with the protocol and cipher of the connection, so the bench can print what it measured.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { App } from '../../src/index.js';

/** Degu's benchmark app, plus GET /tls: "TLSv1.3 TLS_AES_128_GCM_SHA256". */
export function tlsHello(): App {
  const body = Buffer.from('hello, world');
  return (session, request) => {
    if (request.uri === '/tls') return { status: 200, body: `${session.tls?.protocol} ${session.tls?.cipher}` };
    return { status: 200, body };
  };
}

/** The same app on node:https, requiring client certificates from `caPath`; on 127.0.0.1, port 0; reports its port. */
export function nodeHttps(certPath: string, keyPath: string, caPath: string): void {
  const body = Buffer.from('hello, world');
  const server = createServer(
    { cert: readFileSync(certPath), key: readFileSync(keyPath), ca: readFileSync(caPath), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      if (req.url === '/tls') {
        const socket = req.socket as TLSSocket;
        const text = `${socket.getProtocol()} ${socket.getCipher().name}`;
        res.writeHead(200, { 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    },
  );
  server.keepAliveTimeout = 600_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ ready: true, address: server.address() }));
  process.on('disconnect', () => process.exit(0));
}
