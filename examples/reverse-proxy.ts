// A reverse proxy in a dozen lines: an app that sends each request on to a backend through
// a warren ClientConnection and returns the backend's response unchanged. Both bodies pass
// through as they stream: a chunked body keeps its chunks, their extensions, the last
// chunk's extensions and the trailers, each way. The proxy keeps one backend connection
// per client connection (in session.store), made on its first request and closed with it.
// ClientResponse.headers leaves out the response's hop-by-hop fields (RFC 9110 §7.6.1).
//
//   node dist/examples/reverse-proxy.js
//
// Run directly, it serves the echo app of `warren echo` on a Unix socket in a temporary
// directory, the proxy in front of it on [::1]:0 (127.0.0.1:0 when the host has no IPv6),
// sends a chunked request with extensions and trailers through the proxy with a warren
// Client, prints what the backend saw and exits. Import `proxyApp` to use it elsewhere.
//
// The proxy (between proxy:begin and proxy:end) is 12 lines of code, without comments
// and blank lines; test/reverse-proxy.test.ts checks that it stays under 20.

import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { echoApp, type EchoReport } from 'warren/testing';
import { ChunkedBodyIter, Client, Server, describeAddress, type Address, type App, type ClientConnection } from 'warren';

// proxy:begin
/** An app that forwards every request to `backend` and answers with the backend's response. */
export function proxyApp(backend: Address): App {
  const client = new Client(backend);
  const app: App = async (session, request) => {
    let conn = session.store.get(client) as ClientConnection | undefined;
    // A backend connection that closed (or will: Connection: close) is replaced by a new one.
    if (conn === undefined || !conn.usable) session.store.set(client, (conn = await client.connect()));
    return conn.request(request.method, request.buildProxyUri(), request.headers, request.body);
  };
  // When the client's connection closes, so does its backend connection.
  app.onConnect = (session, socket) => {
    socket.on('close', () => (session.store.get(client) as ClientConnection | undefined)?.close());
  };
  return app;
}
// proxy:end

/** Listens on the IPv6 loopback, or on 127.0.0.1 (saying so) where the host has no IPv6. */
async function listenLoopback(app: App): Promise<Server> {
  try {
    return await new Server(['::1', 0], app).listen();
  } catch (error) {
    console.log(`note: IPv6 loopback (::1) is not available (${(error as Error).message}); the proxy uses 127.0.0.1`);
    return new Server(['127.0.0.1', 0], app).listen();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-proxy-'));
  const backend = await new Server(join(dir, 'backend.sock'), echoApp).listen();
  const proxy = await listenLoopback(proxyApp(backend.address));
  console.log(`backend (echo) on ${describeAddress(backend.address)}, proxy on ${describeAddress(proxy.address)}`);
  const conn = await new Client(proxy.address).connect();
  try {
    const body = new ChunkedBodyIter([
      { data: 'hello', extensions: [['a', '1'], ['q', 'x y']] },
      { data: 'world' },
      { trailers: [['X-Sum', '10']], extensions: [['end', null]] },
    ]);
    const response = await conn.post('/echo/path?x=1', { 'Content-Type': 'text/plain' }, body);
    console.log(`POST /echo/path?x=1 through the proxy -> ${response.status} ${response.reason}`);
    const report = (await response.body!.json()) as EchoReport;
    console.log(`the backend saw: ${report.method} ${report.target} HTTP/${report.version}`);
    for (const [name, value] of report.headers) console.log(`  ${name}: ${value}`);
    console.log(`  body: ${JSON.stringify(Buffer.from(report.body, 'base64').toString('utf8'))}`);
    for (const chunk of report.chunks ?? []) console.log(`  chunk ${chunk.size} ${JSON.stringify(chunk.extensions)}`);
    for (const [name, value] of report.trailers ?? []) console.log(`  trailer ${name}: ${value}`);
  } finally {
    conn.close();
    await proxy.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
