// warren's own CPU per round trip, without the kernel: the client and the server drivers
// talk over in-memory sockets in one process, so what the socket pair costs (syscalls,
// wake-ups, the other process) is gone and what is left is warren's JavaScript. On this
// noisy 2-core machine that is the steady figure to optimise by; the suite's CPU columns
// (npm run bench) are the same thing with the kernel in, and move by a microsecond.
//
// Every pair runs the same loop: one step is one W1 (or W2) round trip, each write is
// copied and handed to the peer in the next turn of the event loop (setImmediate), as a
// socket's read would be. `fixed bytes` sides write prepared bytes, as the suite's raw
// limit does: the fixed client waits for the response's byte count, the fixed server
// answers each read at once (here a request always arrives in one read). So
// `pair - floor` is what warren adds. The
// protocol core alone (both roles, no driver, no event loop) is timed beside them.
//
//   node dist/bench/userland.js [--quick] [--json FILE]

import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ClientConnection } from '../src/client/connection.js';
import { resolveClientOptions } from '../src/client/options.js';
import { Connection, type ReceivedEvent, type NoEvent } from '../src/protocol/index.js';
import { ServerConnection } from '../src/server/connection.js';
import { resolveServerOptions } from '../src/server/options.js';
import { Session } from '../src/server/session.js';
import { Deadlines } from '../src/transport/deadlines.js';
import { gitCommit } from './lib/git.js';
import { withTimeout } from './lib/timeout.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { spread, tableHeader, tableRow, type Spread } from './lib/stats.js';
import { suite } from './suite/apps.js';
import { HELLO, JSON_108 } from './suite/payloads.js';

/** The parts of a net.Socket the drivers use, in memory; a write reaches the peer one event-loop turn later. */
class MemorySocket extends EventEmitter {
  peer: MemorySocket | null = null;
  destroyed = false;
  readonly writableNeedDrain = false;
  writableCorked = 0;
  readonly #held: Buffer[] = [];

  setNoDelay(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  cork(): void {
    this.writableCorked++;
  }
  uncork(): void {
    if (--this.writableCorked === 0 && this.#held.length > 0) this.#send(Buffer.concat(this.#held.splice(0)));
  }
  write(data: Uint8Array): boolean {
    // A copy, as the peer's read is a buffer of its own.
    const copy = Buffer.from(data);
    if (this.writableCorked > 0) this.#held.push(copy);
    else this.#send(copy);
    return true;
  }
  end(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  #send(data: Buffer): void {
    const peer = this.peer!;
    setImmediate(() => peer.emit('data', data));
  }
}

function socketPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

type Op = 'json' | 'example';
type Side = 'warren' | 'fixed';

const REQUEST: Record<Op, Buffer> = {
  json: Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\nHost: bench\r\ncontent-type: application/json\r\nContent-Length: ${JSON_108.length}\r\n\r\n`, 'latin1'), JSON_108]),
  example: Buffer.from('GET /example HTTP/1.1\r\nHost: bench\r\n\r\n', 'latin1'),
};
const RESPONSE: Record<Op, Buffer> = {
  json: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: ${JSON_108.length}\r\n\r\n`, 'latin1'), JSON_108]),
  example: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${HELLO.length}\r\n\r\n`, 'latin1'), HELLO]),
};

/** One round trip per call, between a client side and a server side, each warren or fixed bytes. */
function pair(client: Side, server: Side, op: Op): () => Promise<void> {
  const [c, s] = socketPair();
  if (server === 'warren') {
    const options = resolveServerOptions({ maxRequestsPerConnection: 1e9, keepAliveTimeout: 600_000 }, true);
    const context = { app: suite(), options, onError: (error: unknown) => console.error(error), deadlines: new Deadlines([1000]), closed() {} };
    new ServerConnection(context, s as unknown as Socket, new Session('/bench'));
  } else {
    // Each request arrives in one read here: the answer goes back at once.
    s.on('data', () => s.write(RESPONSE[op]));
  }
  if (client === 'warren') {
    const conn = new ClientConnection({ options: resolveClientOptions({ host: 'bench' }), host: 'bench', deadlines: new Deadlines([1000]) }, c as unknown as Socket);
    const want = op === 'json' ? JSON_108 : HELLO;
    return async () => {
      const response = op === 'json' ? await conn.post('/', { 'content-type': 'application/json' }, JSON_108) : await conn.get('/example');
      const body = await response.body!.bytes();
      if (response.status !== 200 || !want.equals(body)) throw new Error(`${client} -> ${server}: not the response expected`);
    };
  }
  // Each response is written whole and delivered in one piece here, so every piece must be
  // the response expected: warren's server answering anything else fails the run.
  let done: (() => void) | null = null;
  c.on('data', (data: Buffer) => {
    if (!data.equals(RESPONSE[op])) throw new Error(`${client} -> ${server}: not the response expected: ${JSON.stringify(data.toString('latin1'))}`);
    done!();
  });
  return () =>
    new Promise<void>((resolve) => {
      done = resolve;
      c.write(REQUEST[op]);
    });
}

/** The protocol core alone, both roles, one W1 or W2 round trip per call: no driver, no event loop. */
function core(op: Op): () => void {
  const client = new Connection('client');
  const server = new Connection('server');
  const count = (conn: Connection): number => {
    let n = 0;
    for (;;) {
      const event: ReceivedEvent | NoEvent = conn.nextEvent();
      if (event === 'need-data' || event === 'paused') return n;
      n++;
    }
  };
  const json = op === 'json';
  const body = json ? JSON_108 : HELLO;
  // As the drivers send: each message whole, its head and body in one array.
  return () => {
    const request = client.send(
      json
        ? { type: 'request', method: 'POST', target: '/', fields: [['Host', 'bench'], ['content-type', 'application/json'], ['Content-Length', String(JSON_108.length)]], body: JSON_108 }
        : { type: 'request', method: 'GET', target: '/example', fields: [['Host', 'bench']], body: null },
    );
    if (request.length !== 1) throw new Error('core: a small request was not one array');
    server.receive(request[0]!);
    if (count(server) !== (json ? 3 : 2)) throw new Error('core: the server did not read one request');
    const response = server.send({
      type: 'response',
      status: 200,
      fields: json ? [['content-type', 'application/json'], ['Content-Length', '108']] : [['Content-Length', String(HELLO.length)]],
      body,
    });
    if (response.length !== 1) throw new Error('core: a small response was not one array');
    client.receive(response[0]!);
    if (count(client) !== 3) throw new Error('core: the client did not read one response');
  };
}

interface Plan {
  readonly runs: number;
  readonly warmup: number;
  readonly steps: number;
}

const FULL: Plan = { runs: 7, warmup: 30_000, steps: 40_000 };
const QUICK: Plan = { runs: 2, warmup: 500, steps: 500 };

interface Row {
  readonly name: string;
  readonly nsPerRoundTrip: Spread;
  readonly runs: number[];
}

const PAIRS: readonly [string, Side, Side][] = [
  ['fixed <-> fixed (floor)', 'fixed', 'fixed'],
  ['warren -> fixed', 'warren', 'fixed'],
  ['fixed -> warren', 'fixed', 'warren'],
  ['warren <-> warren', 'warren', 'warren'],
];

async function measure(op: Op, plan: Plan): Promise<Row[]> {
  const steps = PAIRS.map(([, client, server]) => pair(client, server, op));
  const coreStep = core(op);
  // A pair that never answers fails here instead of hanging the run.
  for (const [p, step] of steps.entries()) await withTimeout(step(), 2_000, `${PAIRS[p]![0]}: the first round trip`);
  for (const step of steps) for (let i = 0; i < plan.warmup; i++) await step();
  for (let i = 0; i < plan.warmup; i++) coreStep();
  const runs: number[][] = [...PAIRS, 'core'].map(() => []);
  // Interleaved run by run, so a slow moment of the machine is spread over every pair.
  for (let run = 0; run < plan.runs; run++) {
    for (let p = 0; p < steps.length; p++) {
      const step = steps[p]!;
      const started = process.hrtime.bigint();
      for (let i = 0; i < plan.steps; i++) await step();
      runs[p]!.push(Number(process.hrtime.bigint() - started) / plan.steps);
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < plan.steps; i++) coreStep();
    runs[steps.length]!.push(Number(process.hrtime.bigint() - started) / plan.steps);
  }
  const names = [...PAIRS.map(([name]) => name), 'core alone, both roles'];
  return names.map((name, i) => ({ name, nsPerRoundTrip: spread(runs[i]!), runs: runs[i]! }));
}

const USAGE = 'usage: node dist/bench/userland.js [--quick] [--json FILE]';

function args(): { quick: boolean; jsonFile: string | undefined } {
  const argv = process.argv.slice(2);
  let quick = false;
  let jsonFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--json' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) jsonFile = argv[++i];
    else {
      console.error(USAGE);
      process.exit(2);
    }
  }
  return { quick, jsonFile };
}

async function main(): Promise<void> {
  const { quick, jsonFile } = args();
  const plan = quick ? QUICK : FULL;
  const machine = thisMachine();
  console.log("warren userland bench: warren's own CPU per round trip, client and server over in-memory sockets in one process");
  console.log(machineLine(machine));
  console.log(`mode: ${quick ? 'quick (numbers are not meaningful)' : 'full'}: ${plan.runs} runs of ${plan.steps} round trips per pair, interleaved; median, min and max`);
  const report: { op: Op; rows: Row[]; added: { client: number; server: number; both: number } }[] = [];
  for (const op of ['json', 'example'] as const) {
    const rows = await measure(op, plan);
    const floor = rows[0]!.nsPerRoundTrip.median;
    const added = {
      client: rows[1]!.nsPerRoundTrip.median - floor,
      server: rows[2]!.nsPerRoundTrip.median - floor,
      both: rows[3]!.nsPerRoundTrip.median - floor,
    };
    console.log('');
    console.log(op === 'json' ? 'W1: POST / with a 108-byte JSON body -> 200 + 108 bytes' : 'W2: GET /example -> hello, world');
    console.log(tableHeader('pair'));
    for (const row of rows) console.log(tableRow(row.name, row.nsPerRoundTrip, 'ns per round trip'));
    console.log(`added by warren over the floor (medians): client ${Math.round(added.client)} ns, server ${Math.round(added.server)} ns, both ${Math.round(added.both)} ns`);
    report.push({ op, rows, added });
  }
  if (jsonFile !== undefined) {
    writeFileSync(jsonFile, `${JSON.stringify({ bench: 'warren-userland', mode: quick ? 'quick' : 'full', commit: gitCommit(), machine, plan, workloads: report }, null, 2)}\n`);
  }
}

await main();
