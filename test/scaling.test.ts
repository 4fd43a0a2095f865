// Scaling past one process: two processes on one TCP port with reusePort, both serving; a
// child given a listening socket as fd 3 with LISTEN_FDS/LISTEN_PID, as systemd does,
// serving on it; and the refusals (reusePort where it cannot work, socket activation gone wrong).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, Server, WarrenError, socketActivation, checkListenAddress, type Address } from '../src/index.js';
import { checkReusePort } from '../src/transport/listen-address.js';
import { startWorker, workerArgs } from './lib/workers.js';

/** Requests bounded in number: enough that two workers sharing by 4-tuple hash are both hit (1 - 2^-99 odds). */
const MAX_TRIES = 100;

/** One GET on a new connection; resolves with the pid that answered. */
async function whoAnswers(address: Address): Promise<number> {
  const conn = await new Client(address).connect();
  try {
    const response = await conn.get('/');
    const body = await response.body!.text();
    assert.equal(body, `pid ${response.headers['x-pid']}`);
    return Number(response.headers['x-pid']);
  } finally {
    conn.close();
  }
}

const reusePortHere = process.platform === 'linux' || process.platform === 'freebsd';

describe('reusePort', () => {
  test('two processes listen on one port and both serve', async (t) => {
    if (!reusePortHere) return t.skip(`reusePort is not tested on ${process.platform}`);
    const a = await startWorker({ address: ['127.0.0.1', 0], reusePort: true });
    const port = (a.address as [string, number])[1];
    const b = await startWorker({ address: ['127.0.0.1', port], reusePort: true });
    try {
      assert.deepEqual(b.address, ['127.0.0.1', port]);
      // Without reusePort the port is taken: the option is what lets them share it.
      await assert.rejects(new Server(['127.0.0.1', port], () => ({ status: 200 })).listen(), { code: 'EADDRINUSE' });
      const seen = new Set<number>();
      for (let i = 0; i < MAX_TRIES && seen.size < 2; i++) seen.add(await whoAnswers(['127.0.0.1', port]));
      assert.deepEqual([...seen].sort(), [a.pid, b.pid].sort(), `both workers answered within ${MAX_TRIES} connections`);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test('examples/multi-process.ts: every worker answers', (t) => {
    if (!reusePortHere) return t.skip(`reusePort is not tested on ${process.platform}`);
    const example = fileURLToPath(new URL('../examples/multi-process.js', import.meta.url));
    const run = spawnSync(process.execPath, [example], { env: { ...process.env, WARREN_DEMO_ONCE: '1' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^2 workers serving on http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(run.stdout.match(/^worker \d+ answered \d+ connection/gm)?.length, 2, run.stdout);
    assert.match(run.stdout, /every worker answered/);
  });

  test('refused with a WarrenError where it cannot work', () => {
    assert.throws(() => new Server('/tmp/x.sock', () => ({ status: 200 }), { reusePort: true }), (error: unknown) => error instanceof WarrenError && error.code === 'misuse' && /Unix socket/.test(error.message));
    assert.throws(() => new Server({ fd: 3 }, () => ({ status: 200 }), { reusePort: true }), (error: unknown) => error instanceof WarrenError && error.code === 'misuse' && /ReusePort=yes/.test(error.message));
    assert.throws(() => checkReusePort(['127.0.0.1', 0], 'darwin'), (error: unknown) => error instanceof WarrenError && error.code === 'unsupported' && /darwin/.test(error.message));
    assert.throws(() => new Server(['127.0.0.1', 0], () => ({ status: 200 }), { reusePort: 'yes' as unknown as boolean }), /reusePort must be true or false/);
  });
});

describe('an inherited socket', () => {
  test('a child given a listening socket as fd 3, socket-activation style, serves on it', async () => {
    const parent = createServer();
    await new Promise<void>((resolve) => parent.listen(0, '127.0.0.1', resolve));
    const port = (parent.address() as { port: number }).port;
    const fd = (parent as unknown as { _handle: { fd: number } })._handle.fd;
    assert.ok(fd > 2, `the listening socket has a descriptor (${fd})`);
    // systemd sets LISTEN_PID to the service's pid; sh's exec keeps its pid for node.
    const child = await startWorker({}, {
      command: ['/bin/sh', ['-c', 'LISTEN_PID=$$ exec "$0" "$@"', process.execPath, ...workerArgs({ activation: true })]],
      stdio: ['pipe', 'pipe', 'pipe', fd],
      env: { ...process.env, LISTEN_FDS: '1' },
    });
    // The child holds its own copy now: the parent's goes, so only the child can answer.
    await new Promise<void>((resolve) => parent.close(() => resolve()));
    try {
      assert.deepEqual(child.address, ['127.0.0.1', port], 'the server reports the inherited socket\'s address');
      for (let i = 0; i < 3; i++) assert.equal(await whoAnswers(['127.0.0.1', port]), child.pid);
    } finally {
      await child.stop();
    }
  });

  test('{ fd } is checked like an address', () => {
    assert.deepEqual(checkListenAddress({ fd: 3 }), { fd: 3 });
    assert.deepEqual(checkListenAddress({ fd: 4, name: 'web' }), { fd: 4, name: 'web' });
    assert.throws(() => checkListenAddress({ fd: 1 }), /stdin, stdout or stderr/);
    assert.throws(() => checkListenAddress({ fd: -1 }), /file descriptor number/);
    assert.throws(() => checkListenAddress({ fd: 3, port: 80 }), /the key port too/);
    assert.throws(() => checkListenAddress({ path: '/x' }), /got one without fd \(keys: path\): a Unix socket address is a path string/);
  });

  test('a descriptor that is not a socket fails at listen()', async () => {
    // fd 0 is refused up front; a high fd that is not open fails in the kernel.
    await assert.rejects(new Server({ fd: 999 }, () => ({ status: 200 })).listen());
  });
});

describe('socketActivation()', () => {
  const pid = 4242;
  test('reads LISTEN_FDS from fd 3, with names', () => {
    assert.deepEqual(socketActivation({ env: { LISTEN_FDS: '2', LISTEN_PID: '4242', LISTEN_FDNAMES: 'web:admin' }, pid }), [{ fd: 3, name: 'web' }, { fd: 4, name: 'admin' }]);
    assert.deepEqual(socketActivation({ env: { LISTEN_FDS: '1', LISTEN_PID: '4242' }, pid }), [{ fd: 3 }]);
  });

  test('unsetEnvironment takes the variables away', () => {
    const env: Record<string, string | undefined> = { LISTEN_FDS: '1', LISTEN_PID: '4242', LISTEN_FDNAMES: 'web', OTHER: 'x' };
    socketActivation({ env, pid, unsetEnvironment: true });
    assert.deepEqual(env, { OTHER: 'x' });
  });

  test('fails with a sentence when the variables are absent or wrong', () => {
    const fails = (env: Record<string, string>, pattern: RegExp): void =>
      assert.throws(() => socketActivation({ env, pid }), (error: unknown) => error instanceof WarrenError && error.code === 'socket-activation' && pattern.test(error.message));
    fails({}, /LISTEN_FDS is not set: this process was not started by systemd socket activation/);
    fails({ LISTEN_FDS: '1' }, /LISTEN_PID is not set/);
    fails({ LISTEN_FDS: '1', LISTEN_PID: '17' }, /LISTEN_PID is 17 but this process is 4242/);
    fails({ LISTEN_FDS: '1', LISTEN_PID: 'x' }, /LISTEN_PID must be a process id/);
    fails({ LISTEN_FDS: 'two', LISTEN_PID: '4242' }, /LISTEN_FDS must be a count/);
    fails({ LISTEN_FDS: '0', LISTEN_PID: '4242' }, /LISTEN_FDS is 0/);
    fails({ LISTEN_FDS: '2', LISTEN_PID: '4242', LISTEN_FDNAMES: 'web' }, /names 1 socket\(s\) but LISTEN_FDS is 2/);
  });
});
