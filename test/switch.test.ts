// Protocol switches over every transport (Unix, abstract, IPv4, IPv6, TLS over IPv4 and
// over Unix), both roles: the server hands a 101 or a CONNECT's 2xx to the app's `switch`,
// the client's upgrade() and tunnel() hand over the stream. Raw sockets check the wire;
// warren's client checks the client half against warren's server.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Server, Client, Pool, RequestError, SwitchRefusedError, type Address, type App, type ServerHooks, type ServerOptions, type SwitchHandler } from '../src/index.js';
import { RawClient } from './lib/raw.js';
import { TRANSPORTS, ipv6Unavailable, type Transport } from './lib/transports.js';

/** Collects what a stream receives, as latin1, until `ready` holds (or it ends, or 5 s pass). */
async function readUntil(stream: Socket, ready: (text: string) => boolean, start = ''): Promise<string> {
  let text = start;
  if (ready(text)) return text;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out; got ${JSON.stringify(text)}`)), 5000);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (ready(text)) done(null);
    };
    const onEnd = (): void => done(ready(text) ? null : new Error(`the stream ended; got ${JSON.stringify(text)}`));
    const done = (error: Error | null): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      if (error === null) resolve(text);
      else reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
  });
}

/** A switch that answers every line it reads with the line upper-cased: the head's bytes first. */
const shout: SwitchHandler = (stream, head) => {
  let pending = head.toString('latin1');
  const flush = (): void => {
    for (let i = pending.indexOf('\n'); i !== -1; i = pending.indexOf('\n')) {
      stream.write(`${pending.slice(0, i).toUpperCase()}\n`);
      pending = pending.slice(i + 1);
    }
  };
  flush();
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    flush();
  });
  stream.on('end', () => stream.end());
};

/** Upgrades to `shout` (offered as 'shout'), opens CONNECT tunnels to `shout`; refuses the rest as the path says. */
const switcher: App = (_session, request) => {
  if (request.method === 'CONNECT') {
    if (request.uri === 'denied:443') return { status: 407, headers: { 'proxy-authenticate': 'Basic realm="proxy"' }, body: 'who are you?' };
    return { status: 200, switch: shout };
  }
  if (request.path[0] === 'plain') return { status: 200, body: `plain ${request.uri}` };
  if (request.path[0] === 'refuse') return { status: 426, headers: { upgrade: 'shout' }, body: 'upgrade elsewhere' };
  if (request.headers['upgrade'] === undefined && request.fields.get('upgrade') === null) return { status: 400, body: 'no upgrade' };
  return { status: 101, headers: { upgrade: 'shout' }, switch: shout };
};

async function serve(transport: Transport, app: App, options: ServerOptions & ServerHooks = {}): Promise<Server> {
  const tls = transport.serverTls?.();
  const server = new Server(transport.address(), app, { onError: () => {}, ...(tls === undefined ? {} : { tls }), ...options });
  await server.listen();
  return server;
}

let skipIpv6: string | null = null;
before(async () => {
  skipIpv6 = await ipv6Unavailable();
});

const UPGRADE = 'GET /chat HTTP/1.1\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: shout\r\n\r\n';

for (const transport of TRANSPORTS) {
  describe(`protocol switches over ${transport.name}`, () => {
    const run = (name: string, fn: () => Promise<void>): void => {
      test(name, async (t) => {
        if (transport.name === 'ipv6' && skipIpv6 !== null) return t.skip(skipIpv6);
        await fn();
      });
    };
    const raw = (address: Address): Promise<RawClient> => RawClient.connect(address, transport.clientTls?.());
    const client = (address: Address): Client => new Client(address, transport.clientOptions());

    run('a 101 hands the socket over; bytes sent with the request reach the app once, whole, in order; pipelined requests behind it are never parsed', async () => {
      let calls = 0;
      let head = '';
      const app: App = (session, request) => {
        calls++;
        const response = switcher(session, request, undefined as never) as { status: number; switch?: SwitchHandler };
        if (response.status !== 101) return response;
        return { ...response, switch: (stream, bytes) => ((head = bytes.toString('latin1')), shout(stream, bytes)) };
      };
      const server2 = await serve(transport, app);
      const peer2 = await raw(server2.address);
      // One write: the request, the new protocol's first lines, and what looks like a request.
      const after = 'one\ntwo\nGET /plain HTTP/1.1\r\nHost: t\r\n\r\n';
      peer2.write(UPGRADE + after);
      await peer2.until(() => peer2.text.includes('GET /PLAIN HTTP/1.1'), 5000, 'the upper-cased lines');
      assert.match(peer2.text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(peer2.text, /\r\nUpgrade: shout\r\n/i);
      assert.match(peer2.text, /\r\nConnection: upgrade\r\n/i);
      assert.equal(head, after, 'the head holds everything after the request, once');
      assert.ok(peer2.text.endsWith('\r\n\r\nONE\nTWO\nGET /PLAIN HTTP/1.1\r\nHOST: T\r\n\r\n'), JSON.stringify(peer2.text));
      assert.equal(calls, 1, 'the bytes behind the Upgrade request went to the new protocol, not to the app');
      peer2.write('three\n');
      await peer2.until(() => peer2.text.endsWith('THREE\n'), 5000, 'a line after the switch');
      peer2.close();
      await server2.close();
    });

    run("the client's upgrade() resolves with the 101, the stream and the head; the connection then serves no request", async () => {
      const server = await serve(transport, switcher);
      const conn = await client(server.address).connect();
      const switched = await conn.upgrade('/chat', 'shout', { 'x-extra': '1' });
      assert.equal(switched.response.status, 101);
      assert.equal(switched.response.body, null);
      assert.equal(switched.response.fields.get('upgrade'), 'shout');
      switched.stream.write('hello\n');
      const text = await readUntil(switched.stream, (t) => t.includes('HELLO\n'), switched.head.toString('latin1'));
      assert.equal(text, 'HELLO\n');
      assert.equal(conn.usable, false);
      await assert.rejects(conn.get('/plain'), (error: RequestError) => error.code === 'connection-closed' && !error.sent);
      conn.close();
      assert.equal(switched.stream.destroyed, false, "close() leaves a switched stream to its owner");
      switched.stream.end();
      await readUntil(switched.stream, () => false).catch(() => {});
      await server.close();
    });

    run('an upgrade goes out alone: the request before it is answered first, the one behind it is refused unsent', async () => {
      const seen: string[] = [];
      const app: App = async (session, request) => {
        seen.push(`${request.uri} ${request.headers['upgrade'] ?? request.fields.get('upgrade') ?? '-'}`);
        if (request.uri === '/plain/slow') await new Promise((resolve) => setTimeout(resolve, 50));
        return switcher(session, request, undefined as never);
      };
      const server = await serve(transport, app);
      const conn = await new Client(server.address, { ...transport.clientOptions(), pipelining: 4 }).connect();
      const first = conn.get('/plain/slow');
      const upgrade = conn.upgrade('/chat', 'shout');
      const behind = conn.get('/plain/after');
      const response = await first;
      assert.equal(await response.body!.text(), 'plain /plain/slow');
      const switched = await upgrade;
      await assert.rejects(behind, (error: RequestError) => error.code === 'connection-closed' && error.sent === false);
      assert.deepEqual(seen, ['/plain/slow -', '/chat shout']);
      switched.stream.destroy();
      await server.close();
    });

    run('a refused upgrade (426 or 400) rejects with the response readable, and the connection goes on', async () => {
      const server = await serve(transport, switcher);
      const conn = await client(server.address).connect();
      const refused = await conn.upgrade('/refuse', 'shout').then(
        () => assert.fail('a 426 is not a switch'),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof SwitchRefusedError);
      assert.equal(refused.code, 'upgrade-refused');
      assert.equal(refused.sent, true);
      assert.equal(refused.response.status, 426);
      assert.match(refused.message, /426/);
      assert.equal(await refused.response.body!.text(), 'upgrade elsewhere');
      const plain = await conn.get('/plain/next');
      assert.equal(await plain.body!.text(), 'plain /plain/next');
      conn.close();
      // A 400 from a server that does not switch at all.
      const bare = await serve(transport, () => ({ status: 400, body: 'no' }));
      const other = await client(bare.address).connect();
      await assert.rejects(other.upgrade('/chat', 'shout'), (error: SwitchRefusedError) => error.code === 'upgrade-refused' && error.response.status === 400);
      other.close();
      await Promise.all([server.close(), bare.close()]);
    });

    run("tunnel() opens a CONNECT tunnel; a 407 rejects with the proxy's response", async () => {
      const server = await serve(transport, switcher);
      const pool = new Pool(server.address, transport.clientOptions());
      const tunnel = await pool.tunnel('example.test:443');
      assert.equal(tunnel.response.status, 200);
      assert.equal(pool.connections, 0, 'the connection left the pool');
      tunnel.stream.write('through\n');
      assert.equal(await readUntil(tunnel.stream, (t) => t.includes('\n'), tunnel.head.toString('latin1')), 'THROUGH\n');
      tunnel.stream.destroy();
      const denied = await pool.tunnel('denied:443').then(
        () => assert.fail('a 407 is not a tunnel'),
        (error: unknown) => error,
      );
      assert.ok(denied instanceof SwitchRefusedError);
      assert.equal(denied.code, 'tunnel-refused');
      assert.equal(denied.response.status, 407);
      assert.equal(denied.response.fields.get('proxy-authenticate'), 'Basic realm="proxy"');
      assert.equal(await denied.response.body!.text(), 'who are you?');
      await pool.close();
      await server.close();
    });

    run('a CONNECT over HTTP/1.0 (as Python sends it) opens a tunnel too, with the bytes after it', async () => {
      const server = await serve(transport, switcher);
      const peer = await raw(server.address);
      peer.write('CONNECT example.test:443 HTTP/1.0\r\n\r\nearly\n');
      await peer.until(() => peer.text.endsWith('EARLY\n'), 5000, 'the tunnel');
      assert.match(peer.text, /^HTTP\/1\.0 200 OK\r\n/);
      assert.doesNotMatch(peer.text, /content-length|transfer-encoding/i);
      peer.close();
      await server.close();
    });

    run('misused switches are 500s with a sentence: 101 unasked, to another protocol, on HTTP/1.0, without switch; switch on a 200', async () => {
      const errors: string[] = [];
      const app: App = (_s, request) => {
        switch (request.path[0]) {
          case 'other':
            return { status: 101, headers: { upgrade: 'h2c' }, switch: shout };
          case 'bare':
            return { status: 101, headers: { upgrade: 'shout' } };
          case 'ok-switch':
            return { status: 200, switch: shout };
          default:
            return { status: 101, headers: { upgrade: 'shout' }, switch: shout };
        }
      };
      const server = await serve(transport, app, { onError: (error) => errors.push(String(error)) });
      const cases: [string, RegExp][] = [
        ['GET /unasked HTTP/1.1\r\nHost: t\r\n\r\n', /did not|without Upgrade/],
        ['GET /other HTTP/1.1\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: shout\r\n\r\n', /"h2c", which the client did not offer/],
        ['GET /old HTTP/1.0\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: shout\r\n\r\n', /101 to an HTTP\/1\.0 request/],
        ['GET /bare HTTP/1.1\r\nHost: t\r\nConnection: upgrade\r\nUpgrade: shout\r\n\r\n', /without `switch`/],
        ['GET /ok-switch HTTP/1.1\r\nHost: t\r\n\r\n', /only a 101/],
      ];
      for (const [request, why] of cases) {
        const peer = await raw(server.address);
        peer.write(request);
        await peer.closed();
        assert.match(peer.text, /^HTTP\/1\.[01] 500 Internal Server Error\r\n/, request);
        assert.match(errors.at(-1) ?? '', why, request);
      }
      assert.equal(errors.length, cases.length);
      await server.close();
    });

    run('a peer that closes while the app decides: no live stream is handed over, writing to it crashes nothing, no error, close() ends at once', async () => {
      const errors: unknown[] = [];
      const seen: boolean[] = [];
      let answered!: () => void;
      const decided = new Promise<void>((resolve) => (answered = resolve));
      const app: App = async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        // The switch, if any, runs as this promise settles: well before this timer.
        setTimeout(answered, 50);
        return {
          status: 101,
          headers: { upgrade: 'shout' },
          switch: (stream) => {
            seen.push(stream.readableEnded || stream.destroyed);
            stream.write('anyone there?\n');
          },
        };
      };
      const server = await serve(transport, app, { onError: (error) => errors.push(error) });
      const peer = await raw(server.address);
      peer.write(UPGRADE);
      await new Promise((resolve) => setTimeout(resolve, 5));
      peer.socket.destroy();
      await decided;
      const started = Date.now();
      await server.close({ timeout: 2000 });
      assert.ok(Date.now() - started < 1500, 'close() did not wait for the timeout');
      // Gone (a reset closes the socket: no switch) or half-closed (the switch sees the end): never a live stream.
      assert.ok(seen.length === 0 || (seen.length === 1 && seen[0] === true), JSON.stringify(seen));
      assert.deepEqual(errors, []);
    });

    run('a switch that throws or rejects goes to onError and the stream is destroyed', async () => {
      const errors: unknown[] = [];
      const app: App = (_s, request) => ({
        status: 101,
        headers: { upgrade: 'shout' },
        switch: request.path[0] === 'async' ? async () => Promise.reject(new Error('async boom')) : () => {
          throw new Error('boom');
        },
      });
      const server = await serve(transport, app, { onError: (error) => errors.push(error) });
      for (const path of ['sync', 'async']) {
        const peer = await raw(server.address);
        peer.write(UPGRADE.replace('/chat', `/${path}`));
        await peer.closed();
        assert.match(peer.text, /^HTTP\/1\.1 101 /);
      }
      assert.deepEqual(errors.map((e) => (e as Error).message), ['boom', 'async boom']);
      await server.close();
    });

    run('server.close() ends an open tunnel: the peer sees the end; one that stays open is destroyed at the timeout', async () => {
      const server = await serve(transport, switcher);
      const conn = await client(server.address).connect();
      const tunnel = await conn.tunnel('example.test:443');
      const ended = readUntil(tunnel.stream, () => false).catch((error: Error) => error.message);
      const closing = server.close();
      assert.match(await ended, /ended/);
      await closing;
      // A peer that keeps its side open.
      const stubborn = await serve(transport, (_s, request) => (request.method === 'CONNECT' ? { status: 200, switch: () => {} } : { status: 404 }));
      const held = await client(stubborn.address).connect();
      const open = await held.tunnel('example.test:443');
      open.stream.on('data', () => {});
      open.stream.on('end', () => {}); // half-open: this side never ends
      const started = Date.now();
      await stubborn.close({ timeout: 200 });
      assert.ok(Date.now() - started < 3000);
      await new Promise((resolve) => (open.stream.destroyed ? resolve(null) : open.stream.once('close', resolve)));
    });
  });
}

describe('the client against a scripted server', () => {
  /** A server that answers the first request it reads with `reply`, in one write. */
  async function scripted(reply: string): Promise<{ port: number; requests: string[]; close(): Promise<void> }> {
    const { createServer } = await import('node:net');
    const requests: string[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n') && requests.length === 0) {
          requests.push(text);
          socket.write(reply);
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as { port: number }).port,
      requests,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  test("upgrade() sends Connection: upgrade and Upgrade; the bytes behind the 101, in the same packet, are the head, whole", async () => {
    const server = await scripted('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: shout\r\n\r\nfirst words');
    const conn = await new Client(['127.0.0.1', server.port]).connect();
    const switched = await conn.upgrade('/chat', 'shout', { 'x-who': 'me' });
    assert.equal(switched.head.toString('latin1'), 'first words');
    assert.match(server.requests[0]!, /^GET \/chat HTTP\/1\.1\r\n/);
    assert.match(server.requests[0]!, /\r\nConnection: upgrade\r\n/);
    assert.match(server.requests[0]!, /\r\nUpgrade: shout\r\n/);
    assert.match(server.requests[0]!, /\r\nx-who: me\r\n/);
    switched.stream.destroy();
    await server.close();
  });

  test('a 101 to a protocol not offered fails with invalid-switch and ends the stream; misused arguments fail unsent', async () => {
    const server = await scripted('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n');
    const conn = await new Client(['127.0.0.1', server.port]).connect();
    await assert.rejects(conn.upgrade('/chat', 'shout'), (error: RequestError) => error.code === 'invalid-switch' && /"h2c"/.test(error.message));
    await server.close();
    const other = await scripted('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const fresh = await new Client(['127.0.0.1', other.port]).connect();
    await assert.rejects(fresh.upgrade('/chat', 'not a token'), (error: RequestError) => error.code === 'misuse' && !error.sent && /upgrade\(\) takes the protocol/.test(error.message));
    await assert.rejects(fresh.upgrade('/chat', 'shout', { connection: 'close' }), (error: RequestError) => error.code === 'misuse' && /sets connection itself/.test(error.message));
    await assert.rejects(fresh.tunnel('no-port'), (error: RequestError) => error.code === 'misuse' && /host:port/.test(error.message));
    assert.deepEqual(other.requests, [], 'nothing was sent');
    fresh.close();
    await other.close();
  });
});
