// An HTTP CONNECT proxy on warren (RFC 9110 §9.3.6): `CONNECT host:port` opens a TCP
// connection there and a tunnel to it; HTTPS goes through it end to end. Only loopback
// targets unless --any: a proxy open to any host is an open relay.
//
//   node dist/examples/forward-proxy.js [ADDRESS] [--any]      then: curl -p -x http://ADDRESS https://...

import { connect } from 'node:net';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Server, describeAddress, parseCliAddress, type App } from 'warren';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The proxy as an App: tunnels to `host:port` when `allow(host)` says so. */
export function proxyApp(allow: (host: string) => boolean = (host) => LOOPBACK.has(host)): App {
  return (_session, request) => {
    if (request.method !== 'CONNECT') return { status: 405, headers: { allow: 'CONNECT' }, body: 'this proxy only tunnels: CONNECT host:port\n' };
    const colon = request.uri.lastIndexOf(':');
    const host = request.uri.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    const port = Number(request.uri.slice(colon + 1));
    if (!allow(host)) return { status: 403, body: `this proxy does not tunnel to ${host}\n` };
    return new Promise((resolve) => {
      const upstream = connect({ host, port });
      upstream.once('error', (error) => resolve({ status: 502, body: `cannot reach ${request.uri}: ${error.message}\n` }));
      upstream.once('connect', () =>
        resolve({
          status: 200,
          switch: (stream, head) => {
            upstream.write(head);
            // Each direction ends on its own (TCP half-close); an error on one side ends both.
            stream.pipe(upstream).pipe(stream);
            stream.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
            upstream.on('error', () => stream.destroy()).on('close', () => stream.destroy());
          },
        }),
      );
    });
  };
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const where = args.find((arg) => arg !== '--any');
  const server = await new Server(where === undefined ? ['127.0.0.1', 8080] : parseCliAddress(where), proxyApp(args.includes('--any') ? () => true : undefined)).listen();
  console.log(`forward-proxy: listening on ${describeAddress(server.address)}`);
  process.once('SIGINT', () => void server.close());
}
