// The `warren` command line: `warren echo ADDRESS` run as a child process, on 127.0.0.1,
// ::1, a Unix socket path and an abstract socket; requests through node's http client
// and through raw sockets (chunk extensions, trailers, pipelining), answers checked
// exactly; usage errors, address errors, and a graceful exit on SIGINT/SIGTERM.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { connect, createServer, type NetConnectOpts } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Address } from '../src/index.js';
import { TIMEOUT, startEcho, stopWarren, tempDir, warren, type Echo } from './lib/cli.js';

function connectOpts(address: Address): NetConnectOpts & RequestOptions {
  return typeof address === 'string' ? { path: address, socketPath: address } : { host: address[0], port: address[1] };
}

interface HttpAnswer {
  status: number;
  headers: string[];
  json: unknown;
}

/** One request with node's http client: headers exactly as given (no Host or Connection added). */
function httpExchange(address: Address, method: string, path: string, headers: string[], body?: Buffer): Promise<HttpAnswer> {
  const { path: _unixPath, ...target } = connectOpts(address);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...target, method, path, headers, setHost: false, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode!, headers: res.rawHeaders, json: JSON.parse(Buffer.concat(parts).toString('utf8')) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface RawAnswer {
  head: string;
  headers: [string, string][];
  json: unknown;
}

/** Writes `pieces` in turn on one connection, then reads answers until the server closes. */
function rawExchange(address: Address, pieces: string[]): Promise<RawAnswer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(connectOpts(address), async () => {
      for (const piece of pieces) {
        socket.write(Buffer.from(piece, 'latin1'));
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const parts: Buffer[] = [];
    socket.setTimeout(TIMEOUT, () => socket.destroy(new Error('no close from the server')));
    socket.on('data', (part: Buffer) => parts.push(part));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(splitResponses(Buffer.concat(parts)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Responses with Content-Length bodies, one after another. */
function splitResponses(data: Buffer): RawAnswer[] {
  const out: RawAnswer[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at, 'latin1');
    assert.ok(end >= 0, `an unfinished head: ${JSON.stringify(data.subarray(at).toString('latin1'))}`);
    const [head, ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    const length = Number(headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1]);
    assert.ok(Number.isInteger(length), `no Content-Length in ${JSON.stringify(lines)}`);
    const body = data.subarray(end + 4, end + 4 + length);
    assert.equal(body.length, length, 'a cut body');
    out.push({ head: head!, headers, json: JSON.parse(body.toString('utf8')) });
    at = end + 4 + length;
  }
  return out;
}

const CHUNKED_REQUEST =
  'POST /upload?x=1 HTTP/1.1\r\nHost: cli.test\r\ntransfer-encoding: chunked\r\nX-Case: Kept\r\nConnection: close\r\n\r\n' +
  '5;a=b;c="d e"\r\nhello\r\n' +
  '1\r\n,\r\n' +
  '6;solo\r\n world\r\n' +
  '0;last=1;q="\\"x\\""\r\nDigest: sha-256=abc\r\nx-trailer: two words\r\n\r\n';

const CHUNKED_REPORT = {
  method: 'POST',
  target: '/upload?x=1',
  version: '1.1',
  headers: [
    ['Host', 'cli.test'],
    ['transfer-encoding', 'chunked'],
    ['X-Case', 'Kept'],
    ['Connection', 'close'],
  ],
  body: Buffer.from('hello, world').toString('base64'),
  chunks: [
    { size: 5, extensions: [['a', 'b'], ['c', 'd e']] },
    { size: 1, extensions: [] },
    { size: 6, extensions: [['solo', null]] },
    { size: 0, extensions: [['last', '1'], ['q', '"x"']] },
  ],
  trailers: [
    ['Digest', 'sha-256=abc'],
    ['x-trailer', 'two words'],
  ],
};

describe('warren echo on 127.0.0.1', () => {
  let running: Echo;

  it('prints the bound address', async () => {
    running = await startEcho('127.0.0.1:0');
    assert.equal(typeof running.address, 'object');
    const [host, port] = running.address as readonly [string, number];
    assert.equal(host, '127.0.0.1');
    assert.ok(Number.isInteger(port) && port > 0);
  });

  it('describes a GET from node:http exactly', async () => {
    const answer = await httpExchange(running.address, 'GET', '/path/to?q=1&r', ['Host', 'example.test', 'X-Mixed', 'One', 'x-lower', 'two', 'X-Mixed', 'Three', 'Connection', 'close']);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.headers.slice(0, 2), ['Content-Type', 'application/json']);
    assert.deepEqual(answer.json, {
      method: 'GET',
      target: '/path/to?q=1&r',
      version: '1.1',
      headers: [
        ['Host', 'example.test'],
        ['X-Mixed', 'One'],
        ['x-lower', 'two'],
        ['X-Mixed', 'Three'],
        ['Connection', 'close'],
      ],
      body: '',
    });
  });

  it('describes a body of known length, binary bytes intact', async () => {
    const body = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x41]);
    const answer = await httpExchange(running.address, 'PUT', '/bin', ['Host', 'h', 'Content-Length', String(body.length), 'Connection', 'close'], body);
    assert.deepEqual(answer.json, {
      method: 'PUT',
      target: '/bin',
      version: '1.1',
      headers: [
        ['Host', 'h'],
        ['Content-Length', '8'],
        ['Connection', 'close'],
      ],
      body: body.toString('base64'),
    });
  });

  it('describes a chunked body: every chunk with its extensions, the last one too, and the trailers', async () => {
    const [answer, ...more] = await rawExchange(running.address, [CHUNKED_REQUEST]);
    assert.equal(more.length, 0);
    assert.equal(answer!.head, 'HTTP/1.1 200 OK');
    assert.deepEqual(answer!.headers[0], ['Content-Type', 'application/json']);
    assert.deepEqual(answer!.json, CHUNKED_REPORT);
  });

  it('describes the same chunked body arriving in pieces split mid-chunk and mid-extension', async () => {
    const at = (text: string, plus: number): number => CHUNKED_REQUEST.indexOf(text) + plus;
    const cuts = [at('\r\n\r\n', 2), at('c="d', 4), at('hello', 2), at(' world', 3), at('last=', 2), at('Digest', 3)];
    const pieces = cuts.map((cut, i) => CHUNKED_REQUEST.slice(i === 0 ? 0 : cuts[i - 1], cut));
    pieces.push(CHUNKED_REQUEST.slice(cuts[cuts.length - 1]));
    const [answer] = await rawExchange(running.address, pieces);
    assert.deepEqual(answer!.json, CHUNKED_REPORT);
  });

  it('describes a chunked body without trailers as trailers []', async () => {
    const [answer] = await rawExchange(running.address, ['POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n']);
    assert.deepEqual(answer!.json, {
      method: 'POST',
      target: '/',
      version: '1.1',
      headers: [
        ['Host', 'h'],
        ['Transfer-Encoding', 'chunked'],
        ['Connection', 'close'],
      ],
      body: 'YWJj',
      chunks: [
        { size: 3, extensions: [] },
        { size: 0, extensions: [] },
      ],
      trailers: [],
    });
  });

  it('answers pipelined requests in order on one connection', async () => {
    const answers = await rawExchange(running.address, [
      'GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.0\r\nHost: h\r\n\r\n',
    ]);
    assert.deepEqual(
      answers.map((a) => a.json),
      [
        { method: 'GET', target: '/a', version: '1.1', headers: [['Host', 'h']], body: '' },
        { method: 'POST', target: '/b', version: '1.1', headers: [['Host', 'h'], ['Content-Length', '2']], body: 'aGk=' },
        { method: 'GET', target: '/c', version: '1.0', headers: [['Host', 'h']], body: '' },
      ],
    );
  });

  it('finishes a request in flight on SIGTERM, then exits 0', async () => {
    const socket = connect(connectOpts(running.address));
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const parts: Buffer[] = [];
    socket.on('data', (part: Buffer) => parts.push(part));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // The app is now waiting for the rest of the body.
    socket.write('POST /slow HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    running.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(running.child.exitCode, null, 'warren exited with a request in flight');
    socket.write('0\r\n\r\n');
    await closed;
    const [answer, ...more] = splitResponses(Buffer.concat(parts));
    assert.equal(more.length, 0);
    assert.deepEqual(answer!.headers.find(([name]) => name === 'Connection'), ['Connection', 'close']);
    assert.equal((answer!.json as { body: string }).body, 'YWI=');
    const { code, signal } = await running.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    assert.match(running.stderr(), /SIGTERM/);
  });
});

describe('warren echo and signals', () => {
  it('exits 0 on a SIGTERM sent as soon as the listening line is out', async () => {
    for (let i = 0; i < 3; i++) await stopWarren(await startEcho('127.0.0.1:0'), 'SIGTERM');
  });

  it('exits 0 on a SIGINT sent as soon as the listening line is out', async () => {
    for (let i = 0; i < 3; i++) await stopWarren(await startEcho('127.0.0.1:0'), 'SIGINT');
  });
});

describe('warren echo on ::1', () => {
  it('listens, answers and exits on SIGINT', async (t) => {
    const probe = createServer();
    const ipv6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!ipv6) return t.skip('no IPv6 loopback on this host');
    const running = await startEcho('[::1]:0');
    const [host, port] = running.address as readonly [string, number];
    assert.equal(host, '::1');
    const answer = await httpExchange(['::1', port], 'GET', '/', ['Host', `[::1]:${port}`, 'Connection', 'close']);
    assert.deepEqual(answer.json, { method: 'GET', target: '/', version: '1.1', headers: [['Host', `[::1]:${port}`], ['Connection', 'close']], body: '' });
    await stopWarren(running, 'SIGINT');
  });
});

describe('warren echo on a Unix socket path', () => {
  it('listens on the path, answers without Host, and exits on SIGINT', async () => {
    const path = join(tempDir(), 'echo.sock');
    const running = await startEcho(path);
    assert.equal(running.address, path);
    const viaHttp = await httpExchange(path, 'GET', '/over/unix', ['Host', 'localhost', 'Connection', 'close']);
    assert.deepEqual(viaHttp.json, { method: 'GET', target: '/over/unix', version: '1.1', headers: [['Host', 'localhost'], ['Connection', 'close']], body: '' });
    const [raw] = await rawExchange(path, ['GET / HTTP/1.1\r\nConnection: close\r\n\r\n']);
    assert.deepEqual(raw!.json, { method: 'GET', target: '/', version: '1.1', headers: [['Connection', 'close']], body: '' });
    const [chunked] = await rawExchange(path, [CHUNKED_REQUEST]);
    assert.deepEqual(chunked!.json, CHUNKED_REPORT);
    await stopWarren(running, 'SIGINT');
  });
});

describe('warren echo on an abstract socket', { skip: process.platform !== 'linux' && 'abstract sockets are Linux only' }, () => {
  it('prints the name with its NUL as JSON, answers, and exits on SIGTERM', async () => {
    const name = `warren-test-${randomBytes(6).toString('hex')}`;
    const running = await startEcho(`@${name}`);
    assert.equal(running.address, `\0${name}`);
    const [raw] = await rawExchange(`\0${name}`, [CHUNKED_REQUEST]);
    assert.deepEqual(raw!.json, CHUNKED_REPORT);
    const viaHttp = await httpExchange(`\0${name}`, 'DELETE', '/thing', ['Connection', 'close']);
    assert.deepEqual(viaHttp.json, { method: 'DELETE', target: '/thing', version: '1.1', headers: [['Connection', 'close']], body: '' });
    await stopWarren(running, 'SIGTERM');
  });
});

describe('warren usage', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const { code, stdout, stderr } = await warren('--help');
    assert.equal(code, 0);
    assert.match(stdout, /^usage: warren echo ADDRESS/);
    assert.match(stdout, /@name/);
    assert.equal(stderr, '');
  });

  it('echo --help prints the usage too', async () => {
    const { code, stdout } = await warren('echo', '--help');
    assert.equal(code, 0);
    assert.match(stdout, /^usage: warren echo ADDRESS/);
  });

  for (const args of [[], ['frob'], ['echo'], ['echo', '127.0.0.1:0', 'extra']]) {
    it(`exits 2 with the usage on stderr for: warren ${args.join(' ')}`, async () => {
      const { code, stdout, stderr } = await warren(...args);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /^warren: .+\nusage: warren echo ADDRESS/);
    });
  }

  for (const [arg, reason] of [
    ['nonsense', "'nonsense' is not an address: it has no port"],
    ['8080', 'for port 8080 on loopback write 127.0.0.1:8080'],
    ['relative.sock', 'a Unix socket path must be absolute'],
    ['[::1]:99999', "the port must be a number from 0 to 65535; got '99999'"],
    ['::1:80', 'write an IPv6 address in brackets'],
  ] as const) {
    it(`exits 2 with the parse error for the address ${arg}`, async () => {
      const { code, stdout, stderr } = await warren('echo', arg);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.ok(stderr.startsWith('warren: '), stderr);
      assert.ok(stderr.includes(reason), stderr);
      assert.equal(stderr.split('\n').length, 2, 'one line');
    });
  }

  it('exits 1 when the address is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const { code, stderr } = await warren('echo', `127.0.0.1:${port}`);
      assert.equal(code, 1);
      assert.match(stderr, /^warren: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
