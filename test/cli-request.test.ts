// `warren request` run as a child process against `warren echo` (also a child) on a Unix
// socket and on 127.0.0.1, and against small in-process servers: the status line, the
// field lines as received and the raw body on stdout; chunk and trailer lines on stderr for
// a chunked response; -H, --data, --data-file and --chunked as the echo saw them; exit 0
// on any response, 1 with the error's code when none came, 2 for bad usage.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EchoReport } from '../src/cli/echo.js';
import { withTimeout } from '../bench/lib/timeout.js';
import { ChunkedBodyIter, Server, formatCliAddress, type Address, type App } from '../src/index.js';
import { TIMEOUT, startEcho, tempDir, warren, type Run } from './lib/cli.js';

const servers: Server[] = [];

after(async () => {
  for (const server of servers) {
    // A connection the server never learns is closed would make close() wait forever: fail instead.
    await withTimeout(server.close(), 5000, () => `server.close() (${server.connections} connections left)`);
  }
});

const warrenRequest = (...args: string[]): Promise<Run> => warren('request', ...args);

interface Shown {
  statusLine: string;
  fields: string[];
  body: Buffer;
}

/** Splits stdout into the status line, the field lines and the body after the empty line. */
function shown(run: Run): Shown {
  const stdout = run.stdoutBytes;
  const end = stdout.indexOf('\n\n');
  assert.ok(end >= 0, `no empty line after the head in stdout:\n${stdout.toString('latin1')}\nstderr:\n${run.stderr}`);
  const [statusLine, ...fields] = stdout.subarray(0, end).toString('latin1').split('\n');
  return { statusLine: statusLine!, fields, body: stdout.subarray(end + 2) };
}

/** A run that got the echo's answer: exit 0, 200, and the report. */
function echoed(run: Run): { fields: string[]; report: EchoReport } {
  assert.equal(run.code, 0, `stderr: ${run.stderr}`);
  const { statusLine, fields, body } = shown(run);
  assert.equal(statusLine, 'HTTP/1.1 200 OK');
  assert.equal(fields[0], 'Content-Type: application/json');
  assert.equal(fields[1], `Content-Length: ${body.length}`);
  assert.equal(run.stderr, '');
  return { fields, report: JSON.parse(body.toString('utf8')) as EchoReport };
}

const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');

async function serve(address: Address, app: App): Promise<string> {
  const server = await new Server(address, app, { onError: () => {} }).listen();
  servers.push(server);
  return formatCliAddress(server.address);
}

describe('warren request against warren echo', { timeout: TIMEOUT * 2 }, () => {
  let unix: string;
  let tcp: string;
  let dir: string;

  before(async () => {
    dir = tempDir();
    [unix, tcp] = (await Promise.all([startEcho(join(dir, 'echo.sock')), startEcho('127.0.0.1:0')])).map((echo) => echo.cliAddress);
  });

  it('GET over a Unix socket, with -H field lines sent in order and as spelled (no Host over a Unix socket)', async () => {
    const { report } = echoed(await warrenRequest(unix, 'GET', '/some/where?q=1', '-H', 'X-One: 1', '--header', 'x-TWO:   two  ', '-H', 'Accept: */*'));
    assert.equal(report.method, 'GET');
    assert.equal(report.target, '/some/where?q=1');
    assert.deepEqual(report.headers, [
      ['X-One', '1'],
      ['x-TWO', 'two'],
      ['Accept', '*/*'],
    ]);
    assert.equal(report.body, '');
    assert.equal(report.chunks, undefined);
  });

  it('POST --data over 127.0.0.1: a Host field and a Content-Length body', async () => {
    const port = tcp.slice(tcp.lastIndexOf(':') + 1);
    const { report } = echoed(await warrenRequest(tcp, 'POST', '/form', '--data', 'hello, wörld', '-H', 'Content-Type: text/plain'));
    assert.equal(report.method, 'POST');
    assert.deepEqual(report.headers, [
      ['Host', `127.0.0.1:${port}`],
      ['Content-Type', 'text/plain'],
      ['Content-Length', String(Buffer.byteLength('hello, wörld'))],
    ]);
    assert.equal(fromBase64(report.body).toString('utf8'), 'hello, wörld');
  });

  it('--data --chunked sends one chunk', async () => {
    const { report } = echoed(await warrenRequest(unix, 'PUT', '/x', '-d', 'hello', '--chunked'));
    assert.deepEqual(report.headers, [['Transfer-Encoding', 'chunked']]);
    assert.equal(fromBase64(report.body).toString('utf8'), 'hello');
    assert.deepEqual(report.chunks, [
      { size: 5, extensions: [] },
      { size: 0, extensions: [] },
    ]);
    assert.deepEqual(report.trailers, []);
  });

  it('--chunked alone sends an empty chunked body: the last chunk only', async () => {
    const { report } = echoed(await warrenRequest(tcp, 'POST', '/', '--chunked'));
    assert.deepEqual(report.chunks, [{ size: 0, extensions: [] }]);
    assert.equal(report.body, '');
  });

  it('--data-file sends the file as it is, with its length', async () => {
    const file = join(dir, 'data.bin');
    const data = randomBytes(100_000);
    writeFileSync(file, data);
    const { report } = echoed(await warrenRequest(unix, 'POST', '/upload', '--data-file', file));
    assert.deepEqual(report.headers, [['Content-Length', '100000']]);
    assert.ok(fromBase64(report.body).equals(data));
  });

  it('--data-file --chunked sends the file in 16 KiB chunks', async () => {
    const file = join(dir, 'data-chunked.bin');
    const data = randomBytes(40_000);
    writeFileSync(file, data);
    const { report } = echoed(await warrenRequest(tcp, 'POST', '/upload', '--data-file', file, '--chunked'));
    assert.equal(report.headers.at(-1)?.[0], 'Transfer-Encoding');
    assert.ok(fromBase64(report.body).equals(data));
    assert.deepEqual(
      report.chunks?.map((chunk) => chunk.size),
      [16384, 16384, 40_000 - 32768, 0],
    );
  });

  it('HEAD: the head, and no body', async () => {
    const run = await warrenRequest(unix, 'HEAD', '/');
    assert.equal(run.code, 0, run.stderr);
    const { statusLine, fields, body } = shown(run);
    assert.equal(statusLine, 'HTTP/1.1 200 OK');
    assert.match(fields.join('\n'), /^Content-Length: \d+$/m);
    assert.equal(body.length, 0);
  });
});

describe('warren request against in-process servers', { timeout: TIMEOUT * 2 }, () => {
  it('a chunked response: chunk lines with extensions, the last chunk and the trailers on stderr; the data on stdout', async () => {
    const address = await serve(join(tempDir(), 'chunked.sock'), () => ({
      status: 200,
      headers: { 'Content-Type': 'text/plain', 'X-Kind': 'chunked' },
      body: new ChunkedBodyIter([
        { data: 'hello', extensions: [['a', '1'], ['q', 'x y']] },
        { data: ', ' },
        { data: 'world', extensions: [['flag', null], ['quote', 'say "hi"']] },
        { extensions: [['end', null], ['n', '3']], trailers: [['X-Sum', '12'], ['X-Note', 'a b']] },
      ]),
    }));
    const run = await warrenRequest(address, 'GET', '/');
    assert.equal(run.code, 0, run.stderr);
    const { statusLine, fields, body } = shown(run);
    assert.equal(statusLine, 'HTTP/1.1 200 OK');
    assert.deepEqual(fields.filter((field) => !field.startsWith('Date: ')), ['Content-Type: text/plain', 'X-Kind: chunked', 'Transfer-Encoding: chunked']);
    assert.equal(body.toString('utf8'), 'hello, world');
    assert.deepEqual(run.stderr.split('\n'), [
      'chunk 5;a=1;q="x y"',
      'chunk 2',
      'chunk 5;flag;quote="say \\"hi\\""',
      'chunk 0;end;n=3',
      'trailer X-Sum: 12',
      'trailer X-Note: a b',
      '',
    ]);
  });

  it('a 404 and a 500 exit 0, with their status lines and bodies', async () => {
    const address = await serve(['127.0.0.1', 0], (_session, request) =>
      request.path[0] === 'fail' ? { status: 500, reason: 'Broken Here', body: 'it broke\n' } : { status: 404, body: 'not here\n' },
    );
    const missing = await warrenRequest(address, 'GET', '/nothing');
    assert.equal(missing.code, 0, missing.stderr);
    assert.equal(shown(missing).statusLine, 'HTTP/1.1 404 Not Found');
    assert.equal(shown(missing).body.toString(), 'not here\n');
    const failed = await warrenRequest(address, 'DELETE', '/fail');
    assert.equal(failed.code, 0, failed.stderr);
    assert.equal(shown(failed).statusLine, 'HTTP/1.1 500 Broken Here');
    assert.equal(shown(failed).body.toString(), 'it broke\n');
  });

  it('a 2 MiB response body reaches stdout byte for byte', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const address = await serve(['127.0.0.1', 0], () => ({ status: 200, body: data }));
    const run = await warrenRequest(address, 'GET', '/big');
    assert.equal(run.code, 0, run.stderr);
    const { fields, body } = shown(run);
    assert.deepEqual(fields.filter((field) => !field.startsWith('Date: ')), [`Content-Length: ${data.length}`]);
    assert.ok(body.equals(data));
  });
});

describe('warren request failures', { timeout: TIMEOUT * 2 }, () => {
  it('a Unix socket nobody listens on: exit 1 and the code', async () => {
    const run = await warrenRequest(join(tempDir(), 'nobody.sock'), 'GET', '/');
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^warren: connect-failed: .*nobody\.sock/);
  });

  it('a TCP port nobody listens on: exit 1 and the code', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen({ host: '127.0.0.1', port: 0 }, () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const run = await warrenRequest(`127.0.0.1:${port}`, 'GET', '/');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^warren: connect-failed: .*ECONNREFUSED/);
  });

  it('a server that closes without answering: exit 1 and the code', async () => {
    const dead = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => dead.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const { port } = dead.address() as { port: number };
      const run = await warrenRequest(`127.0.0.1:${port}`, 'GET', '/');
      assert.equal(run.code, 1);
      // The core reports the close before a response as incomplete-message; a reset is connection-closed.
      assert.match(run.stderr, /^warren: (incomplete-message|connection-closed): /);
    } finally {
      dead.close();
    }
  });

  it('a data file that cannot be read: exit 1', async () => {
    const run = await warrenRequest('127.0.0.1:9', 'POST', '/', '--data-file', join(tempDir(), 'missing.bin'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^warren: cannot read .*missing\.bin: /);
  });

  for (const args of [
    [],
    ['/tmp/x.sock', 'GET'],
    ['/tmp/x.sock', 'GET', '/', 'extra'],
    ['relative.sock', 'GET', '/'],
    ['127.0.0.1:8080', 'GET', '/', '-H'],
    ['127.0.0.1:8080', 'GET', '/', '-H', 'no colon'],
    ['127.0.0.1:8080', 'GET', '/', '--data', 'a', '--data-file', '/etc/hostname'],
    ['127.0.0.1:8080', 'GET', '/', '--bogus'],
  ]) {
    it(`exits 2 with the usage on stderr for: warren request ${args.join(' ')}`, async () => {
      const run = await warrenRequest(...args);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^warren: .+\nusage: warren echo ADDRESS\n\s+warren request ADDRESS METHOD TARGET/);
      assert.equal(run.stdout, '');
    });
  }

  it('request --help prints the usage on stdout and exits 0', async () => {
    const run = await warrenRequest('--help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /warren request ADDRESS METHOD TARGET/);
  });
});
