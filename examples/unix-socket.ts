// Serving on a Unix socket: the address is just the socket's absolute path. On Linux an
// address starting with '\0' is an abstract socket: a name with no file behind it, gone
// when the server closes (on the command line, @name). Over a Unix socket the peer has
// no address, so session.address is the server's own, and Host is not required.
//
//   node dist/examples/unix-socket.js
//
// Run directly, it serves in a temporary directory (and on an abstract name on Linux),
// sends two requests on one keep-alive connection to each with node's http client, prints
// the answers and exits. Import `unixApp` to serve it elsewhere.

import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, describeAddress, type App } from 'warren';

/** Tells the peer which socket it came in on and how many requests its connection made. */
export const unixApp: App = (session, request) => ({
  status: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ socket: describeAddress(session.address), request: session.requests, target: request.uri }),
});

function get(socketPath: string, agent: Agent, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function exercise(address: string): Promise<void> {
  const server = await new Server(address, unixApp).listen();
  console.log(`listening on ${describeAddress(server.address)}`);
  // One keep-alive connection for both requests: the second answer counts 2.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const path of ['/first', '/second']) console.log(`  GET ${path} -> ${await get(address, agent, path)}`);
  } finally {
    agent.destroy();
  }
  await server.close();
  if (!address.startsWith('\0')) console.log(`  closed; the socket file is ${existsSync(address) ? 'still there' : 'removed'}`);
  else console.log('  closed');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-unix-'));
  try {
    await exercise(join(dir, 'app.sock'));
    if (process.platform === 'linux') await exercise(`\0warren-example-${process.pid}-${Date.now()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
