// Slowloris at the connection limit: more slow heads than maxConnections, each a byte a
// second and reconnecting when dropped. The server sheds the oldest partial head to admit
// a new connection, so a normal client is answered at once; the head timeout still cuts
// the slow ones (408). Sized for npm test (64 slots, 200 attackers); `npm run soak` runs 1,000 at 512.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Server, type App } from '../src/index.js';
import { Slowloris } from './lib/slowloris.js';
import { noLeaks, noStrays, resources, within } from './lib/leaks.js';

const hello: App = () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' });

test('200 slowloris sockets against maxConnections 64: 20 of 20 fresh requests answered, p99 under 1 s; the head timeout cuts the slow ones', { timeout: 30_000 }, async () => {
  const before = resources();
  await noStrays(async () => {
    const sheds: string[] = [];
    const server = await new Server(['127.0.0.1', 0], hello, {
      maxConnections: 64,
      headTimeout: 1500,
      onError: (error) => sheds.push((error as { code?: string }).code ?? String(error)),
    }).listen();
    const [host, port] = server.address as readonly [string, number];
    const attack = new Slowloris(host, port, 200, 1000);
    try {
    await attack.opened(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(server.connections <= 64, `the server holds ${server.connections} connections, over its limit of 64`);
    const client = new Client(['127.0.0.1', port], { connectTimeout: 5000, headersTimeout: 5000 });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      const conn = await within(client.connect(), 5000, `connect ${i}`);
      const response = await within(conn.get('/'), 5000, `request ${i}`);
      assert.equal(response.status, 200);
      assert.equal(await response.body!.text(), 'hello');
      conn.close();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p99 = times[Math.ceil(times.length * 0.99) - 1]!;
    console.log(`slowloris 200 vs maxConnections 64: 20/20 answered, p50 ${times[9]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${sheds.length} sheds`);
    assert.ok(p99 < 1000, `p99 ${p99.toFixed(0)} ms is not under 1 s`);
    assert.ok(sheds.length > 0 && sheds.every((code) => code === 'connection-shed'), `onError saw ${[...new Set(sheds)].join(', ')}`);
    // Reconnecting attackers shed each other before their head timeout; once they stop, the
    // slow heads admitted still meet it (1.5 s, checked by a coarse tick).
    attack.calm();
    const until = Date.now() + 5000;
    while (attack.counts.timedOut === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(attack.counts.timedOut > 0, 'no slow head was answered 408 by the head timeout');
    } finally {
      await attack.stop();
    }
    await within(server.close({ timeout: 2000 }), 5000, 'server.close()');
  });
  await noLeaks(before);
});
