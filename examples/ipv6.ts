// Serving on IPv6: the address is a [host, port] tuple with the bare IPv6 literal (no
// brackets), here the loopback ['::1', 0] (port 0: the kernel picks a free one, and
// server.address tells which). A link-local address needs its zone, as the 4-tuple
// ['fe80::1', 8080, 0, 'eth0'] ([fe80::1%eth0]:8080 on the command line).
//
//   node dist/examples/ipv6.js
//
// Run directly, it serves on ::1, sends itself a request with node's http client, prints
// the answer and exits (saying so, with exit code 0, on a host without IPv6). Import
// `ipv6App` to serve it elsewhere.

import { realpathSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server, describeAddress, type App } from 'warren';

/** Tells the peer its own address, as the server saw it. */
export const ipv6App: App = (session) => ({
  status: 200,
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  body: `hello, ${describeAddress(session.address)}\n`,
});

async function main(): Promise<void> {
  const server = new Server(['::1', 0], ipv6App);
  try {
    await server.listen();
  } catch (error) {
    console.log(`IPv6 loopback (::1) is not available on this host: ${(error as Error).message}`);
    return;
  }
  const [host, port] = server.address as readonly [string, number];
  console.log(`listening on ${describeAddress(server.address)}; try: curl -g 'http://[${host}]:${port}/'`);
  const answer = await new Promise<string>((resolve, reject) => {
    const req = httpRequest({ host, port, family: 6, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  console.log(`GET http://[${host}]:${port}/ -> ${answer}`);
  await server.close();
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
