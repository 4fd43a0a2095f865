// TempServer: a warren server in a child process, on every address kind; graceful close,
// failures reported with their reason, and a child that dies with its parent.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Address } from '../transport/address.js';
import { TempServer } from './index.js';
import { inheritedExecArgv } from './temp-server.js';

const APPS = new URL('./fixtures/apps.js', import.meta.url);
const TEMP_SERVER = new URL('./temp-server.js', import.meta.url);

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** One request over a fresh connection (no agent, so no keep-alive left behind). */
function request(address: Address, options: { method?: string; body?: string } = {}): Promise<Reply> {
  const where: http.RequestOptions =
    typeof address === 'string' ? { socketPath: address } : { host: address[0], port: address[1] };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...where, path: '/', method: options.method ?? 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A GET whose response body arrives in parts: `first` is the first part, `reply` the whole. */
function inFlight(address: Address): { first: Promise<string>; reply: Promise<Reply> } {
  let first!: (text: string) => void;
  const firstPart = new Promise<string>((resolve) => (first = resolve));
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = http.get({ host: address[0], port: address[1] as number, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (chunks.length === 0) first(chunk.toString());
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('the response was cut short')));
    });
    req.on('error', reject);
  });
  // Handled here too, as it may fail before the test awaits it.
  reply.catch(() => {});
  return { first: firstPart, reply };
}

/** Resolves with the connect error code, or null if the connection was accepted. */
function connectError(address: Address): Promise<string | null> {
  const options = typeof address === 'string' ? { path: address } : { host: address[0], port: address[1] };
  return new Promise((resolve) => {
    const socket = net.connect(options);
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Whether `pid` is a live process; a zombie (exited, not yet reaped) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

async function gone(pid: number, within: number): Promise<boolean> {
  const end = Date.now() + within;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !alive(pid);
}

function abstractName(): string {
  return `\0warren-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

async function ipv6Loopback(): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::1', port: 0 }, () => probe.close(() => resolve(true)));
  });
}

describe('TempServer', { concurrency: true }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'warren-temp-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves on 127.0.0.1 with the port the kernel chose, and close() ends the child', async () => {
    const server = await TempServer.start(['127.0.0.1', 0], APPS, 'hello', 'hello, world');
    assert.equal(typeof server.address, 'object');
    const [host, port] = server.address as readonly [string, number];
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0);
    assert.ok(Object.isFrozen(server.address));
    assert.ok(server.running);
    assert.ok(alive(server.pid));
    assert.deepEqual(await request(server.address), { status: 200, body: 'hello, world' });
    assert.deepEqual(await request(server.address), { status: 200, body: 'hello, world' });
    assert.deepEqual(await server.close(), { code: 0, signal: null });
    assert.equal(server.running, false);
    assert.equal(alive(server.pid), false);
    assert.equal(await connectError(server.address), 'ECONNREFUSED');
    // close() again is the same answer.
    assert.deepEqual(await server.close(), { code: 0, signal: null });
  });

  test('serves on ::1', async (t) => {
    if (!(await ipv6Loopback())) {
      t.skip('no IPv6 loopback here');
      return;
    }
    const server = await TempServer.start(['::1', 0], APPS, 'hello', 'six');
    try {
      assert.equal(server.address[0], '::1');
      assert.deepEqual(await request(server.address), { status: 200, body: 'six' });
    } finally {
      await server.close();
    }
  });

  test('serves on a Unix socket, and close() removes the socket file', async () => {
    const path = join(dir, 'hello.sock');
    const server = await TempServer.start(path, APPS.href, 'hello', 'unix');
    assert.equal(server.address, path);
    assert.ok(existsSync(path));
    assert.deepEqual(await request(path), { status: 200, body: 'unix' });
    assert.deepEqual(await server.close(), { code: 0, signal: null });
    assert.equal(existsSync(path), false);
  });

  test('serves on an abstract socket; the module may be an absolute path', async () => {
    const name = abstractName();
    const server = await TempServer.start(name, fileURLToPath(APPS), 'hello', 'abstract');
    assert.equal(server.address, name);
    assert.deepEqual(await request(name), { status: 200, body: 'abstract' });
    await server.close();
    assert.equal(await connectError(name), 'ECONNREFUSED');
  });

  test('startWith() passes Server options; the builder may be async', async () => {
    const server = await TempServer.startWith({
      address: ['127.0.0.1', 0],
      module: APPS,
      exportName: 'echoMethod',
      options: { maxBodyBytes: 4 },
    });
    try {
      assert.deepEqual(await request(server.address, { method: 'PUT', body: 'tiny' }), { status: 200, body: 'PUT' });
      assert.equal((await request(server.address, { method: 'PUT', body: 'too large' })).status, 413);
    } finally {
      await server.close();
    }
  });

  test('close() lets an exchange in flight finish', async () => {
    const server = await TempServer.start(['127.0.0.1', 0], APPS, 'trickle', 'first,', 'rest', 100);
    const exchange = inFlight(server.address);
    assert.equal(await exchange.first, 'first,');
    const closed = server.close();
    assert.deepEqual(await exchange.reply, { status: 200, body: 'first,rest' });
    assert.deepEqual(await closed, { code: 0, signal: null });
  });

  test('close() kills a child that does not finish in time', async () => {
    const server = await TempServer.start(['127.0.0.1', 0], APPS, 'trickle', 'first,', 'never', 60_000);
    const exchange = inFlight(server.address);
    assert.equal(await exchange.first, 'first,');
    assert.deepEqual(await server.close(100), { code: null, signal: 'SIGKILL' });
    await assert.rejects(exchange.reply);
  });

  test('kill() ends the child at once and removes the Unix socket file it left', async () => {
    const path = join(dir, 'killed.sock');
    const server = await TempServer.start(path, APPS, 'hello', 'x');
    assert.deepEqual(await server.kill(), { code: null, signal: 'SIGKILL' });
    assert.equal(alive(server.pid), false);
    assert.equal(existsSync(path), false);
    assert.deepEqual(await server.close(), { code: null, signal: 'SIGKILL' });
  });

  test('start() rejects naming a missing export, and lists what there is', async () => {
    await assert.rejects(TempServer.start(abstractName(), APPS, 'nope'), (error: Error) => {
      assert.match(error.message, /no export named "nope"/);
      assert.ok(error.message.includes(APPS.href));
      assert.match(error.message, /hello/);
      return true;
    });
  });

  test('start() rejects naming a module that does not exist', async () => {
    const missing = new URL('./fixtures/missing-module.js', import.meta.url);
    await assert.rejects(TempServer.start(abstractName(), missing, 'hello'), /cannot import the app module .*missing-module\.js/);
  });

  test('start() rejects with what went wrong in the child', async () => {
    await assert.rejects(TempServer.start(abstractName(), APPS, 'fail', 'boom'), /fail\(\) in .* failed: boom/);
    await assert.rejects(TempServer.start(abstractName(), APPS, 'notAnApp'), /notAnApp\(\) in .* returned an object, not an app function/);
    await assert.rejects(TempServer.start(abstractName(), APPS, 'notAFunction'), /"notAFunction" .* is a number, not a function/);
    await assert.rejects(TempServer.start(abstractName(), APPS, 'exitNow', 3), /child exited with code 3 before it was ready/);
  });

  test('start() rejects when the address is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      await assert.rejects(TempServer.start(['127.0.0.1', port], APPS, 'hello', 'x'), /EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  test('start() rejects and kills a child that does not report in time', async () => {
    const started = Date.now();
    await assert.rejects(
      TempServer.startWith({ address: abstractName(), module: APPS, exportName: 'hang', startTimeout: 300 }),
      /did not report within 300 ms while starting hang .*; it was killed/,
    );
    assert.ok(Date.now() - started < 2000);
  });

  test('start() checks its arguments before starting a child', async () => {
    await assert.rejects(TempServer.start('relative.sock', APPS, 'hello'), TypeError);
    await assert.rejects(TempServer.start(['127.0.0.1', 0], './fixtures/apps.js', 'hello'), /file: URL or an absolute path/);
    await assert.rejects(TempServer.start(['127.0.0.1', 0], new URL('https://example.com/app.js'), 'hello'), /must be a file: URL/);
    await assert.rejects(TempServer.start(['127.0.0.1', 0], APPS, ''), /exportName/);
    const fn = (() => {}) as unknown as string;
    await assert.rejects(TempServer.start(['127.0.0.1', 0], APPS, 'hello', fn), /args\[0\] is a function/);
    await assert.rejects(
      TempServer.startWith({ address: ['127.0.0.1', 0], module: APPS, exportName: 'hello', args: [{ at: new Date() } as never] }),
      /args\[0\]\.at is a Date/,
    );
    await assert.rejects(
      TempServer.startWith({ address: ['127.0.0.1', 0], module: APPS, exportName: 'hello', startTimeout: 0 }),
      /startTimeout must be a positive integer/,
    );
  });

  test('the child exits when its parent dies', async () => {
    const script = `
      const { TempServer } = await import(${JSON.stringify(TEMP_SERVER.href)});
      const server = await TempServer.start(['127.0.0.1', 0], ${JSON.stringify(APPS.href)}, 'hello', 'orphan');
      process.stdout.write(server.pid + ' ' + server.address[1] + '\\n', () => process.exit(0));
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
      });
      parent.once('exit', (code) => setTimeout(() => reject(new Error(`the parent exited with ${code} and wrote ${JSON.stringify(text)}`)), 100));
    });
    const [pid, port] = line.split(' ').map(Number) as [number, number];
    try {
      assert.ok(pid > 0 && port > 0, line);
      assert.ok(await gone(pid, 2000), `the child ${pid} outlived its parent`);
      assert.equal(await connectError(['127.0.0.1', port]), 'ECONNREFUSED');
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      parent.stdout.destroy();
    }
  });
});

test('inheritedExecArgv drops the flags a child must not get', () => {
  assert.deepEqual(
    inheritedExecArgv([
      '--enable-source-maps', '--test', '--test-reporter', 'spec', '--test-reporter-destination=stdout',
      '--import', 'tsx', '--inspect-brk=9229', '--watch', '--input-type=module', '-e', 'code', '--max-old-space-size=64',
    ]),
    ['--enable-source-maps', '--import', 'tsx', '--max-old-space-size=64'],
  );
  assert.deepEqual(inheritedExecArgv(['-pe', '1+1', '--conditions=dev']), ['--conditions=dev']);
});

test('a script that starts a TempServer of itself fails fast with what to do, instead of forking children', async () => {
  const script = fileURLToPath(new URL('./fixtures/recursive.js', import.meta.url));
  const started = Date.now();
  const run = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => run.kill('SIGKILL'), 25_000);
  const code = await new Promise<number | null>((resolve) => run.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  // The fixture's startTimeout is 30 s: a chain of children would end only there, or at the kill.
  assert.ok(Date.now() - started < 20_000, `it took ${Date.now() - started} ms`);
  assert.notEqual(code, 0, output);
  assert.match(output, /called inside a TempServer child/);
  assert.match(output, /Move the builder to its own module/);
  assert.match(output, /TempServer\.inProcess\(app\)/);
  assert.doesNotMatch(output, /listening on/);
});

test('TempServer.inProcess() serves an app in this process behind the same interface', async () => {
  const server = await TempServer.inProcess(() => ({ status: 200, body: 'in process' }));
  assert.equal(server.pid, process.pid);
  assert.equal(server.running, true);
  assert.deepEqual(await request(server.address), { status: 200, body: 'in process' });
  assert.deepEqual(await server.close(), { code: 0, signal: null });
  assert.equal(server.running, false);
  assert.equal(await connectError(server.address), 'ECONNREFUSED');
  const killed = await TempServer.inProcess(() => ({ status: 200 }), { address: join(tmpdir(), `warren-inprocess-${process.pid}.sock`) });
  assert.equal(typeof killed.address, 'string');
  assert.deepEqual(await killed.kill(), { code: null, signal: 'SIGKILL' });
  assert.deepEqual(await killed.exited, { code: null, signal: 'SIGKILL' });
});
