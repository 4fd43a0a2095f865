// Smoke runs of the compiled examples and of the main demo (WARREN_DEMO_ONCE=1): each is
// a child process that serves, exercises itself, prints what it got and exits 0.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { helloApp } from '../examples/hello.js';
import { ipv6App } from '../examples/ipv6.js';
import { uploadApp } from '../examples/streaming-upload.js';
import { unixApp } from '../examples/unix-socket.js';
import { Server } from '../src/index.js';

const TIMEOUT = 15_000;
const children = new Set<ChildProcess>();

after(() => {
  for (const child of children) child.kill('SIGKILL');
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs dist/examples/NAME.js to its end, killing it past TIMEOUT. */
function runExample(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  const file = fileURLToPath(new URL(`../examples/${name}.js`, import.meta.url));
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Starts dist/examples/NAME.js without WARREN_DEMO_ONCE and waits for its 'serving until Ctrl-C' line. */
async function startServing(name: string, args: string[]): Promise<{ stdout: string; interrupt(): Promise<void> }> {
  const file = fileURLToPath(new URL(`../examples/${name}.js`, import.meta.url));
  const env = { ...process.env };
  delete env['WARREN_DEMO_ONCE'];
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve([code, signal]);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'serving' line within ${TIMEOUT} ms:\n${stdout}\n${stderr}`)), TIMEOUT);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (stdout.includes('serving until Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(([code, signal]) => reject(new Error(`${name} ended (${code ?? signal}) before serving:\n${stdout}\n${stderr}`)));
  });
  return {
    stdout,
    async interrupt() {
      child.kill('SIGINT');
      assert.deepEqual(await exited, [0, null], `stdout:\n${stdout}\nstderr:\n${stderr}`);
    },
  };
}

function assertClean(run: Run): void {
  assert.equal(run.signal, null, `killed by ${run.signal} (over ${TIMEOUT} ms?); stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(run.code, 0, `exit code ${run.code}; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}

describe('examples', () => {
  it('export their apps, and importing them runs nothing', async () => {
    for (const app of [helloApp, ipv6App, uploadApp, unixApp]) assert.equal(typeof app, 'function');
    const server = await new Server(['127.0.0.1', 0], async (session, request, bodies) => (request.path[0] === 'upload' ? uploadApp(session, request, bodies) : helloApp(session, request, bodies))).listen();
    try {
      const base = `http://127.0.0.1:${(server.address as readonly [string, number])[1]}`;
      const hello = await fetch(`${base}/example`);
      assert.equal(await hello.text(), 'hello, world');
      const upload = await fetch(`${base}/upload`, { method: 'PUT', body: 'abc' });
      assert.deepEqual(await upload.json(), { bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', pieces: 1, chunked: false });
    } finally {
      await server.close();
    }
  });

  it('demo (WARREN_DEMO_ONCE=1) sends each request it prints and exits', async () => {
    const run = await runExample('demo', [], { WARREN_DEMO_ONCE: '1' });
    assertClean(run);
    assert.match(run.stdout, /Unix socket +\/\S+echo\.sock/);
    assert.match(run.stdout, /TCP +127\.0\.0\.1:\d+/);
    for (const step of ['# 1.', '# 2.', '# 3.', '# 4.', '# 5.']) assert.ok(run.stdout.includes(step), `no ${step} in:\n${run.stdout}`);
    assert.ok(run.stdout.includes('"chunks":[{"size":7,"extensions":[["part","1"],["note","a b"]]}'), run.stdout);
    assert.ok(run.stdout.includes('"trailers":[["Digest","sha-256=demo"],["X-Note","sent after the body"]]'), run.stdout);
    assert.equal(run.stdout.match(/"target":"\/[ab]"/g)?.length, 2);
    assert.match(run.stdout, /demo done\n$/);
  });

  it('demo without WARREN_DEMO_ONCE prints the commands and serves until SIGINT', async () => {
    const serving = await startServing('demo', []);
    const stdout = serving.stdout;
    const port = /TCP +127\.0\.0\.1:(\d+)/.exec(stdout)![1];
    assert.match(stdout, /^curl --unix-socket \/\S+echo\.sock 'http:\/\/localhost\/hello\?name=warren'$/m);
    assert.ok(stdout.includes(`curl -i 'http://127.0.0.1:${port}/hello?name=warren'`), stdout);
    assert.match(stdout, /-H 'Transfer-Encoding: chunked' --data-binary @-/);
    assert.match(stdout, /^python3 -c 'import socket/m);
    await serving.interrupt();
  });

  it('hello --serve serves until SIGINT', async () => {
    const serving = await startServing('hello', ['--serve']);
    assert.match(serving.stdout, /^GET \/example -> 200 OK "hello, world"$/m);
    await serving.interrupt();
  });

  it('protocol-demo', async () => {
    const run = await runExample('protocol-demo');
    assertClean(run);
    assert.match(run.stdout, /end-of-message extensions=\[\["final",null\]\] trailers=\[\["Digest","sha-256=abc"\]\]/);
  });

  it('hello', async () => {
    const run = await runExample('hello');
    assertClean(run);
    assert.match(run.stdout, /^hello: listening on 127\.0\.0\.1:\d+$/m);
    assert.match(run.stdout, /^GET \/example -> 200 OK "hello, world"$/m);
    assert.match(run.stdout, /^PUT \/example -> 405 Method Not Allowed ""$/m);
    assert.match(run.stdout, /^GET \/other -> 404 Not Found ""$/m);
  });

  it('hello on an address from argv (an abstract socket on Linux, else a path)', async () => {
    const address = process.platform === 'linux' ? `@warren-hello-${process.pid}-${Date.now()}` : `/tmp/warren-hello-${process.pid}.sock`;
    const run = await runExample('hello', [address]);
    assertClean(run);
    assert.ok(run.stdout.includes(`hello: listening on ${address}\n`), run.stdout);
    assert.match(run.stdout, /^GET \/example -> 200 OK "hello, world"$/m);
  });

  it('hello refuses a bad address with exit 2', async () => {
    const run = await runExample('hello', ['nonsense']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /'nonsense' is not an address/);
  });

  it('unix-socket', async () => {
    const run = await runExample('unix-socket');
    assertClean(run);
    assert.match(run.stdout, /^listening on \/\S+\/app\.sock$/m);
    assert.match(run.stdout, /GET \/second -> 200 \{"socket":"\/\S+\/app\.sock","request":2,"target":"\/second"\}/);
    assert.match(run.stdout, /the socket file is removed/);
    if (process.platform === 'linux') assert.match(run.stdout, /GET \/second -> 200 \{"socket":"@warren-example-[\d-]+","request":2/);
  });

  it('ipv6', async () => {
    const run = await runExample('ipv6');
    assertClean(run);
    assert.match(run.stdout, /GET http:\/\/\[::1\]:\d+\/ -> 200 hello, \[::1\]:\d+|IPv6 loopback \(::1\) is not available/);
  });

  it('streaming-upload', async () => {
    const run = await runExample('streaming-upload');
    assertClean(run);
    const hash = /sha256 ([0-9a-f]{64})\)/.exec(run.stdout)?.[1];
    assert.ok(hash !== undefined, run.stdout);
    assert.match(run.stdout, new RegExp(`^chunked +: server read 8388608 bytes in \\d+ pieces, sha256 ${hash} matches`, 'm'));
    assert.match(run.stdout, new RegExp(`^Content-Length: server read 8388608 bytes in \\d+ pieces, sha256 ${hash} matches`, 'm'));
  });

  it('mutual-tls: the listed device is greeted by CN, the unlisted one is 403, other CAs and no certificate are refused', async () => {
    const { mutualTlsApp } = await import('../examples/mutual-tls.js');
    assert.equal(typeof mutualTlsApp([]), 'function');
    const run = await runExample('mutual-tls');
    assertClean(run);
    assert.match(run.stdout, /^device-a: serving https:\/\/127\.0\.0\.1:\d+\//m);
    assert.match(run.stdout, /^device-b \(on the list\): +GET \/ -> 200 hello, device-b$/m);
    assert.match(run.stdout, /^device-c \(same CA, not listed\): +GET \/ -> 403 /m);
    assert.match(run.stdout, /^device-d \(another CA\): +GET \/ -> refused: (tls-failed|connection-closed)$/m);
    assert.match(run.stdout, /^device-e \(no certificate\): +GET \/ -> refused: tls-failed$/m);
  });
});

describe('web-app examples', () => {
  it('the main demo, the datebook (WARREN_DEMO_ONCE=1), runs its scripted session and exits', async () => {
    const run = await runExample('datebook/main', [], { WARREN_DEMO_ONCE: '1' });
    assertClean(run);
    assert.match(run.stdout, /^POST \/tasks\/new -> 200$/m);
    assert.match(run.stdout, /the bad date is shown again as typed, with its message/);
    assert.match(run.stdout, /the attachment came back byte for byte/);
    assert.match(run.stdout, /^GET \/ -> 421$/m);
    assert.match(run.stdout, /datebook demo done\n$/);
  });

  it('the datebook without WARREN_DEMO_ONCE prints its URL and serves until SIGINT', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const data = mkdtempSync(join(tmpdir(), 'warren-datebook-serve-'));
    const saved = { PORT: process.env['PORT'], WARREN_DEMO_DATA: process.env['WARREN_DEMO_DATA'] };
    process.env['PORT'] = '0';
    process.env['WARREN_DEMO_DATA'] = data;
    try {
      const serving = await startServing('datebook/main', []);
      const url = /warren\/app: serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(serving.stdout)?.[1];
      assert.ok(url, serving.stdout);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>Tasks · datebook<\/title>/);
      await serving.interrupt();
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name]; else process.env[name] = value;
      rmSync(data, { recursive: true, force: true });
    }
  });

  it("intro: kali's intro demo, with its failing page, escaping and 404", async () => {
    const run = await runExample('intro');
    assertClean(run);
    assert.match(run.stdout, /^GET \/ -> 200 "<!doctype html><title>warren\/app intro<\/title>/m);
    assert.match(run.stdout, /^GET \/add\/2\/3 -> 200 "2 \+ 3 = 5\\n"$/m);
    assert.match(run.stdout, /^GET \/add\/x\/3 -> 400 /m);
    assert.match(run.stdout, /^GET \/search\?q=%3Cscript%3Ealert\(1\)%3C%2Fscript%3E -> 200 ".*&lt;script&gt;alert\(1\)&lt;\/script&gt;/m);
    assert.doesNotMatch(run.stdout, /<b><script>/);
    assert.equal(run.stdout.match(/^GET \/fails -> 500 /gm)?.length, 1);
    assert.equal(run.stdout.match(/^GET \/fails -> 200 /gm)?.length, 4);
    assert.match(run.stdout, /^GET \/nowhere -> 404 /m);
  });
});

describe("the README's notes app", () => {
  it('shows a bad note again with its message, saves a good one, escapes both', async () => {
    const run = await runExample('notes', [], { WARREN_DEMO_ONCE: '1' });
    assertClean(run);
    assert.match(run.stdout, /^bad note -> 200: is not a date: write it as YYYY-MM-DD, such as 2026-12-31\.$/m);
    assert.match(run.stdout, /^good note -> 303$/m);
    assert.match(run.stdout, /^list -> <ul><li>&lt;b&gt;hi&lt;\/b&gt; <small>2026-12-31<\/small><\/ul>$/m);
  });
});
