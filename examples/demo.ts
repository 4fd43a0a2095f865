// The main demo (npm start): the echo app of `warren echo` served in-process on a Unix
// socket in a temporary directory and on 127.0.0.1 (a free port), with ready-to-paste
// commands that exercise both; then it serves until Ctrl-C. Each answer is JSON telling
// what the server parsed: header lines as received, the body, chunks with their
// extensions, trailers.
//
// WARREN_DEMO_ONCE=1 (the tests use it): instead of waiting, the demo sends the same
// requests itself with node's http and net modules, prints the answers and exits 0.
// The protocol core on its own, without sockets, is examples/protocol-demo.ts.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echoApp, type EchoReport } from 'warren/testing';
import { Server } from 'warren';

// Raw requests for what curl 7.88 cannot send: chunk extensions with trailers (curl has
// no option for either; --trailer is not in 7.88), and two requests in one write. The
// printed commands and the WARREN_DEMO_ONCE run send exactly these bytes.
const TRAILERS_REQUEST =
  'POST /upload HTTP/1.1\r\nHost: demo\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
  '7;part=1;note="a b"\r\nhello, \r\n5;part=2\r\nworld\r\n0;final\r\nDigest: sha-256=demo\r\nX-Note: sent after the body\r\n\r\n';
const PIPELINED_REQUESTS = 'GET /a HTTP/1.1\r\nHost: demo\r\n\r\nGET /b HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n';

const dir = mkdtempSync(join(tmpdir(), 'warren-demo-'));
const socketPath = join(dir, 'echo.sock');
const unix = await new Server(socketPath, echoApp).listen();
const tcp = await new Server(['127.0.0.1', 0], echoApp).listen();
const port = (tcp.address as readonly [string, number])[1];

async function stop(): Promise<void> {
  await Promise.all([unix.close(), tcp.close()]);
  rmSync(dir, { recursive: true, force: true });
}

console.log(`warren echo servers listening on:
  Unix socket  ${socketPath}
  TCP          127.0.0.1:${port}
`);

if (process.env['WARREN_DEMO_ONCE'] === '1') {
  try {
    await runOnce();
  } finally {
    await stop();
  }
  console.log('\ndemo done');
} else {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  printCommands();
  console.log('serving until Ctrl-C');
  await interrupted;
  console.log('\nclosing');
  await stop();
}

function printCommands(): void {
  const sock = shellQuote(socketPath);
  const url = `http://127.0.0.1:${port}`;
  console.log(`Try these (each answer is JSON describing the request as the server parsed it):

# 1. A GET over the Unix socket (the host in the URL is only for the Host header):
curl --unix-socket ${sock} 'http://localhost/hello?name=warren'

# 2. The same over TCP, with the response head (-i):
curl -i '${url}/hello?name=warren'

# 3. A chunked upload over the Unix socket: curl sends a body of unknown length from
#    stdin in chunks when told so (or use -T - for a chunked PUT):
printf 'hello, world' | curl --unix-socket ${sock} -H 'Transfer-Encoding: chunked' --data-binary @- http://localhost/upload

# 4. Chunk extensions and trailers: curl 7.88 can send neither (--trailer does not exist
#    in 7.88), so write the request by hand, with python3:
python3 -c ${shellQuote(pythonRaw(port, TRAILERS_REQUEST))}
#    or with node:
node -e ${shellQuote(nodeRaw(port, TRAILERS_REQUEST))}

# 5. Pipelining: two requests in one write, two answers in order on one connection:
python3 -c ${shellQuote(pythonRaw(port, PIPELINED_REQUESTS))}
`);
}

async function runOnce(): Promise<void> {
  console.log('# 1. GET over the Unix socket');
  const one = await httpExchange({ socketPath, path: '/hello?name=warren', headers: { Host: 'localhost' } });
  show(one);
  assert.equal(one.status, 200);
  assert.equal(one.report.target, '/hello?name=warren');

  console.log('\n# 2. GET over TCP');
  const two = await httpExchange({ host: '127.0.0.1', port, path: '/hello?name=warren' });
  show(two);
  assert.equal(two.status, 200);
  assert.equal(two.report.method, 'GET');

  console.log('\n# 3. chunked upload over the Unix socket');
  const three = await httpExchange({ socketPath, method: 'POST', path: '/upload', headers: { Host: 'localhost', 'Transfer-Encoding': 'chunked' } }, ['hello, ', 'world']);
  show(three);
  assert.equal(Buffer.from(three.report.body, 'base64').toString(), 'hello, world');
  assert.ok(three.report.chunks !== undefined && three.report.chunks.length >= 2);

  console.log('\n# 4. chunk extensions and trailers, raw over TCP');
  const four = await rawExchange(TRAILERS_REQUEST);
  console.log(four);
  const report = JSON.parse(four.slice(four.indexOf('\r\n\r\n') + 4)) as EchoReport;
  assert.deepEqual(report.chunks, [
    { size: 7, extensions: [['part', '1'], ['note', 'a b']] },
    { size: 5, extensions: [['part', '2']] },
    { size: 0, extensions: [['final', null]] },
  ]);
  assert.deepEqual(report.trailers, [['Digest', 'sha-256=demo'], ['X-Note', 'sent after the body']]);

  console.log('\n# 5. pipelining, raw over TCP');
  const five = await rawExchange(PIPELINED_REQUESTS);
  console.log(five);
  const targets = [...five.matchAll(/"target":"([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(targets, ['/a', '/b']);
}

interface Exchange {
  status: number;
  head: string;
  report: EchoReport;
}

function httpExchange(options: RequestOptions, pieces: string[] = []): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent: false, ...options }, (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('error', reject);
      res.on('end', () => {
        const head = [`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`];
        for (let i = 0; i < res.rawHeaders.length; i += 2) head.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        try {
          resolve({ status: res.statusCode ?? 0, head: head.join('\n'), report: JSON.parse(Buffer.concat(parts).toString()) as EchoReport });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

function show(exchange: Exchange): void {
  console.log(`${exchange.head}\n\n${JSON.stringify(exchange.report)}`);
}

/** Writes `text` on a new TCP connection and returns everything read until the server closes. */
function rawExchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.from(text, 'latin1')));
    const parts: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (part: Buffer) => parts.push(part));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
  });
}

/** A python3 program writing `text` to 127.0.0.1:port and printing what comes back until the close. */
function pythonRaw(port: number, text: string): string {
  const bytes = text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\r', '\\r').replaceAll('\n', '\\n');
  return `import socket, sys; s = socket.create_connection(("127.0.0.1", ${port})); s.sendall(b"${bytes}"); [sys.stdout.buffer.write(d) for d in iter(lambda: s.recv(65536), b"")]`;
}

/** The same as a node one-liner. */
function nodeRaw(port: number, text: string): string {
  return `const s = require("net").connect(${port}, "127.0.0.1", () => s.write(${JSON.stringify(text)})); s.pipe(process.stdout)`;
}

/** `text` as one shell word. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
