// Sequential fetch() GETs per second over a Unix socket, against one warren server in a
// child process: warren's createFetch against undici's fetch with an Agent dialing the
// socket (the way Node's fetch reaches a Unix socket), and Node's global fetch given that
// same Agent as its dispatcher where this Node takes it (it depends on the bundled undici:
// the row says why when it does not). Each request reads its body; rounds interleave the
// clients so a change of load hits them alike; the median of the rounds is reported.
//
//   node dist/bench/fetch.js [--quick] [--json FILE]
//
// --quick: a few short rounds, for smoke tests (numbers are not meaningful).
// --json FILE: also write the results as JSON.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { Pool, createFetch } from '../src/index.js';
import { benchArgs } from './lib/args.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { serveInChild } from './lib/servers.js';
import { isNoisy, spread, tableHeader, tableRow, type Spread } from './lib/stats.js';
import { HELLO } from './suite/payloads.js';

const USAGE = `usage: node dist/bench/fetch.js [--quick] [--json FILE]
  --quick      a few short rounds, for smoke tests (numbers are not meaningful)
  --json FILE  also write the results as JSON`;

const options = benchArgs('fetch', USAGE, process.argv.slice(2));
const RUNS = options.quick ? 3 : 7;
const REQUESTS = options.quick ? 200 : 5000;
const URL_ = 'http://localhost/example';

type Get = () => Promise<string>;

interface Client {
  readonly name: string;
  readonly get: Get;
  close(): Promise<void>;
}

/** Requests per second of each client: a warm-up, then RUNS rounds of REQUESTS sequential GETs each, clients interleaved. */
async function measure(clients: readonly Client[]): Promise<Spread[]> {
  const rates: number[][] = clients.map(() => []);
  for (const client of clients) for (let i = 0; i < REQUESTS / 4; i++) await client.get();
  for (let run = 0; run < RUNS; run++) {
    for (const [c, client] of clients.entries()) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < REQUESTS; i++) await client.get();
      rates[c]!.push(REQUESTS / (Number(process.hrtime.bigint() - start) / 1e9));
    }
  }
  return rates.map(spread);
}

/** Node's global fetch with an undici Agent from node_modules as dispatcher: null when this Node's fetch refuses it, with why. */
async function globalFetchClient(agent: Agent): Promise<Client | string> {
  const get: Get = async () => (await fetch(URL_, { dispatcher: agent } as unknown as RequestInit)).text();
  try {
    assert.equal(await get(), HELLO.toString());
    return { name: 'global fetch + Agent', get, close: async () => {} };
  } catch (error) {
    const e = error as Error & { cause?: Error };
    return `${e.message}${e.cause === undefined ? '' : `: ${e.cause.message}`}`;
  }
}

async function main(): Promise<void> {
  const machine = thisMachine();
  const commit = gitCommit();
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-fetch-'));
  const socketPath = join(dir, 'warren.sock');
  const server = await serveInChild('warren', socketPath);
  try {
    const pool = new Pool(socketPath, { maxConnections: 1 });
    const warren = createFetch(pool);
    const agent = new Agent({ connect: { socketPath }, connections: 1 });
    const clients: Client[] = [
      { name: 'warren createFetch', get: async () => (await warren(URL_)).text(), close: () => warren.close() },
      { name: 'undici fetch + Agent', get: async () => (await undiciFetch(URL_, { dispatcher: agent })).text(), close: () => agent.close() },
    ];
    const global = await globalFetchClient(agent);
    if (typeof global !== 'string') clients.push(global);
    // Every client reads the same answer before anything is timed.
    for (const client of clients) assert.equal(await client.get(), HELLO.toString(), client.name);

    console.log('Sequential fetch() GETs per second over a Unix socket, one warren server in a child process, one connection per client.');
    console.log(machineLine(machine));
    const undiciVersion = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;
    console.log(`commit: ${commit ?? 'unknown'}; undici ${undiciVersion} from node_modules, Node's own undici ${process.versions['undici'] ?? 'unknown'}`);
    console.log(`${RUNS} rounds of ${REQUESTS.toLocaleString('en-US')} GET /example per client, interleaved${options.quick ? ' (--quick: numbers are not meaningful)' : ''}`);
    console.log(tableHeader('client'));
    const spreads = await measure(clients);
    clients.forEach((client, i) => console.log(tableRow(client.name, spreads[i]!, 'req/s', isNoisy(spreads[i]!) ? '  noisy' : '')));
    if (typeof global === 'string') console.log(`  global fetch + Agent: not on this Node (${global})`);
    const ratio = spreads[0]!.median / spreads[1]!.median;
    console.log(`ratio createFetch/undici ${ratio.toFixed(2)}`);
    const globalRatio = typeof global === 'string' ? null : spreads[0]!.median / spreads[2]!.median;
    if (globalRatio !== null) console.log(`ratio createFetch/global-fetch ${globalRatio.toFixed(2)}`);
    for (const client of clients) await client.close();
    if (options.json !== null) {
      const report = {
        bench: 'fetch',
        mode: options.quick ? 'quick' : 'full',
        commit,
        machine,
        runs: RUNS,
        requestsPerRun: REQUESTS,
        results: Object.fromEntries(clients.map((c, i) => [c.name, spreads[i]])),
        globalFetch: typeof global === 'string' ? { works: false, why: global } : { works: true },
        ratio,
        globalRatio,
      };
      mkdirSync(dirname(options.json), { recursive: true });
      writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`results written to ${options.json}`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
