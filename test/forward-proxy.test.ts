// examples/forward-proxy.ts against the clients people point at a proxy: curl -p -x (plain
// HTTP and HTTPS with a client certificate through the tunnel), Python's http.client with
// set_tunnel(), and warren's own tunnel(); and the proxy's refusals.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Pool, Server, SwitchRefusedError, type App } from '../src/index.js';
import { proxyApp } from '../examples/forward-proxy.js';
import { run } from './lib/cli.js';
import { testCredentials } from './lib/transports.js';

const hello: App = (session, request) => ({ status: 200, body: `hello via tunnel: ${request.uri}${session.tls === null ? '' : ' over tls'}` });

let proxy: Server;
let plain: Server;
let secure: Server;
const port = (server: Server): number => (server.address as [string, number])[1];

before(async () => {
  const { server, client } = testCredentials();
  proxy = await new Server(['127.0.0.1', 0], proxyApp()).listen();
  plain = await new Server(['127.0.0.1', 0], hello).listen();
  secure = await new Server(['127.0.0.1', 0], hello, { tls: { cert: server.certPem, key: server.keyPem, ca: client.caPem } }).listen();
});

after(async () => {
  await Promise.all([proxy.close(), plain.close(), secure.close()]);
});

/** Everything a stream sends until it ends. */
function readAll(stream: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

describe('forward proxy example', () => {
  test('curl -p -x tunnels plain HTTP, and HTTPS with a client certificate end to end', async () => {
    const via = `http://127.0.0.1:${port(proxy)}`;
    const http = await run('curl', ['-sS', '--fail', '-p', '-x', via, `http://127.0.0.1:${port(plain)}/one`]);
    assert.equal(http.code, 0, http.stderr);
    assert.equal(http.stdout, 'hello via tunnel: /one');
    const { server, client } = testCredentials();
    const https = await run('curl', ['-sS', '--fail', '-p', '-x', via, '--cacert', server.caPath, '--cert', client.certPath, '--key', client.keyPath, `https://127.0.0.1:${port(secure)}/two`]);
    assert.equal(https.code, 0, https.stderr);
    assert.equal(https.stdout, 'hello via tunnel: /two over tls');
  });

  test("Python's http.client with set_tunnel()", async () => {
    const script = [
      'import http.client, sys',
      `c = http.client.HTTPConnection("127.0.0.1", ${port(proxy)}, timeout=10)`,
      `c.set_tunnel("127.0.0.1", ${port(plain)})`,
      'c.request("GET", "/three")',
      'r = c.getresponse()',
      'sys.stdout.write(f"{r.status} {r.read().decode()}")',
    ].join('\n');
    const result = await run('python3', ['-c', script]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '200 hello via tunnel: /three');
  });

  test("warren's tunnel(): HTTP spoken over the stream; refusals for other hosts, other methods, closed ports", async () => {
    const pool = new Pool(proxy.address);
    const tunnel = await pool.tunnel(`127.0.0.1:${port(plain)}`);
    tunnel.stream.write('GET /four HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    const text = await readAll(tunnel.stream);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(text.endsWith('\r\n\r\nhello via tunnel: /four'), text);
    await assert.rejects(pool.tunnel('example.com:443'), (error: SwitchRefusedError) => error.code === 'tunnel-refused' && error.response.status === 403);
    const closed = new Server(['127.0.0.1', 0], hello);
    await closed.listen();
    const gone = port(closed);
    await closed.close();
    const refused = await pool.tunnel(`127.0.0.1:${gone}`).catch((error: SwitchRefusedError) => error);
    assert.ok(refused instanceof SwitchRefusedError);
    assert.equal(refused.response.status, 502);
    assert.match(await refused.response.body!.text(), /ECONNREFUSED/);
    const get = await pool.request('GET', '/');
    assert.equal(get.status, 405);
    assert.equal(get.fields.get('allow'), 'CONNECT');
    await get.body!.text();
    await pool.close();
  });
});
