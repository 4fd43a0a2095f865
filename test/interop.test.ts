// Real third-party clients against a warren server: curl (Unix, abstract, TCP, chunked
// upload, HTTP/1.0), Python's http.client, and Node's own http client.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { Server, type App } from '../src/index.js';
import { TRANSPORTS } from './lib/transports.js';

const run = promisify(execFile);

const echo: App = async (_s, request) => {
  const body = request.body === null ? '' : Buffer.from(await request.body.bytes()).toString();
  const chunked = request.body?.chunked ?? false;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: request.method, uri: request.uri, version: request.version, body, chunked, host: request.headers['host'] ?? null }),
  };
};

async function have(command: string, args: string[]): Promise<string | null> {
  try {
    await run(command, args);
    return null;
  } catch (error) {
    return `${command} is not installed (${(error as Error).message.split('\n')[0]}); .ci/run installs it`;
  }
}

describe('curl', () => {
  let missing: string | null = null;
  const servers: Server[] = [];
  const at: Record<string, Server> = {};
  before(async () => {
    missing = await have('curl', ['--version']);
    for (const transport of TRANSPORTS.filter((t) => t.name !== 'ipv6' && t.serverTls === undefined)) {
      const server = new Server(transport.address(), echo);
      await server.listen();
      servers.push(server);
      at[transport.name] = server;
    }
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const curl = async (args: string[]): Promise<Record<string, unknown>> => JSON.parse((await run('curl', ['-sS', '--fail-with-body', ...args])).stdout);

  test('over a Unix socket, with no Host required', async (t) => {
    if (missing) return t.skip(missing);
    const out = await curl(['--unix-socket', at['unix']!.address as string, 'http://x/a?b=1']);
    assert.deepEqual(out, { method: 'GET', uri: '/a?b=1', version: '1.1', body: '', chunked: false, host: 'x' });
  });

  test('over an abstract socket', async (t) => {
    if (missing) return t.skip(missing);
    const name = (at['abstract']!.address as string).slice(1);
    const out = await curl(['--abstract-unix-socket', name, 'http://x/abs']);
    assert.equal(out['uri'], '/abs');
  });

  test('a chunked upload over TCP', async (t) => {
    if (missing) return t.skip(missing);
    const [host, port] = at['ipv4']!.address as [string, number];
    const out = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', 'some data', `http://${host}:${port}/up`]);
    assert.deepEqual([out['method'], out['body'], out['chunked']], ['POST', 'some data', true]);
  });

  test('HTTP/1.0', async (t) => {
    if (missing) return t.skip(missing);
    const [host, port] = at['ipv4']!.address as [string, number];
    const { stdout } = await run('curl', ['-sS', '-i', '--http1.0', `http://${host}:${port}/old`]);
    assert.match(stdout, /^HTTP\/1\.0 200 OK\r\n/);
    assert.match(stdout, /"version":"1.0"/);
  });
});

describe("Python's http.client", () => {
  let server: Server;
  let missing: string | null = null;
  before(async () => {
    missing = await have('python3', ['--version']);
    server = new Server(['127.0.0.1', 0], echo);
    await server.listen();
  });
  after(() => server.close());

  test('keep-alive requests with bodies on one connection', async (t) => {
    if (missing) return t.skip(missing);
    const [, port] = server.address as [string, number];
    const script = `
import http.client, json, sys
c = http.client.HTTPConnection('127.0.0.1', ${port})
out = []
for i in range(3):
    c.request('POST', '/p/%d' % i, body=b'x' * i, headers={'X-I': str(i)})
    r = c.getresponse()
    out.append([r.status, r.getheader('Content-Type'), json.loads(r.read())])
c.request('PUT', '/chunks', body=iter([b'ab', b'cd']), encode_chunked=True, headers={'Transfer-Encoding': 'chunked'})
r = c.getresponse()
out.append([r.status, None, json.loads(r.read())])
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script]);
    const out = JSON.parse(stdout) as [number, string | null, Record<string, unknown>][];
    assert.deepEqual(out.slice(0, 3).map(([status, type, body]) => [status, type, body['uri'], body['body']]), [
      [200, 'application/json', '/p/0', ''],
      [200, 'application/json', '/p/1', 'x'],
      [200, 'application/json', '/p/2', 'xx'],
    ]);
    assert.deepEqual([out[3]![2]['body'], out[3]![2]['chunked']], ['abcd', true]);
  });
});

describe("Node's http client", () => {
  test('an agent with keep-alive, over every transport but IPv6', async () => {
    for (const transport of TRANSPORTS.filter((t) => t.name !== 'ipv6' && t.serverTls === undefined)) {
      const server = new Server(transport.address(), echo);
      await server.listen();
      const address = server.address;
      const target = typeof address === 'string' ? { socketPath: address } : { host: address[0], port: address[1] };
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ ...target, method: 'POST', path: '/n', headers: { host: 'h' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end('payload');
      });
      assert.equal(JSON.parse(body).body, 'payload', transport.name);
      await server.close();
    }
  });
});
