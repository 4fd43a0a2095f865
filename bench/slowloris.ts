// npm run bench:slowloris -- [--attackers 1000] [--requests 20]: the full-size
// slowloris: 1,000 slow heads (a byte a second, reconnecting when shed) against the default
// maxConnections (512) and headTimeout (10 s); a normal client then makes 20 requests, each
// on a fresh connection. Prints answered/total, p50, p99 and the sheds; fails unless all
// are answered with p99 under 1 s. (test/load-slowloris.test.ts is the npm test size.)

import { parseArgs } from 'node:util';
import { Client, Server, type App } from '../src/index.js';
import { Slowloris } from '../test/lib/slowloris.js';

const { values } = parseArgs({ options: { attackers: { type: 'string', default: '1000' }, requests: { type: 'string', default: '20' } } });
const attackers = Number(values.attackers);
const requests = Number(values.requests);

const app: App = () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' });
let sheds = 0;
const server = await new Server(['127.0.0.1', 0], app, { onError: () => void sheds++ }).listen();
const [host, port] = server.address as readonly [string, number];
const attack = new Slowloris(host, port, attackers, 1000);
await attack.opened(attackers, 30_000);
// Let the attack settle into its steady state: every slot held by a slow head.
await new Promise((resolve) => setTimeout(resolve, 2000));
const held = server.connections;
const client = new Client(['127.0.0.1', port], { connectTimeout: 5000, headersTimeout: 5000 });
const times: number[] = [];
let answered = 0;
for (let i = 0; i < requests; i++) {
  const start = performance.now();
  try {
    const conn = await client.connect();
    const response = await conn.get('/');
    if (response.status === 200 && (await response.body!.text()) === 'hello') answered++;
    conn.close();
  } catch (error) {
    console.error(`request ${i}:`, error);
  }
  times.push(performance.now() - start);
}
await attack.stop();
await server.close({ timeout: 2000 });
times.sort((a, b) => a - b);
const p = (q: number): number => times[Math.min(times.length - 1, Math.ceil(times.length * q) - 1)]!;
console.log(
  `slowloris: ${attackers} attackers vs maxConnections ${server.options.maxConnections} (${held} held); ${answered}/${requests} answered; p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms; ${sheds} sheds, ${attack.counts.opened} attacker connections`,
);
if (answered !== requests || p(0.99) >= 1000) process.exitCode = 1;
