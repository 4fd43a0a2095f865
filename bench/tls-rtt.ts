// Sequential round trips per second over TLS through one keep-alive connection on TCP
// 127.0.0.1, with client certificates both ways (mutual TLS, EC P-256 keys from a TempPKI):
// servers in separate processes, clients in this one, same run: warren Client -> warren
// server (a TempServer), node:https (https.Agent keep-alive, maxSockets 1) -> node:https
// server, and the mixed pairs that show each side's cost. Median of rounds. The handshake
// happens once per pair, before the rounds: this measures the HTTP exchange over TLS.
//
//   node dist/bench/tls-rtt.js [--quick]

import { fork } from 'node:child_process';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { Client } from '../src/index.js';
import { TempPKI, TempServer, type TempCredentials } from '../src/testing/index.js';
import { median, spread } from './lib/stats.js';

const quick = process.argv.includes('--quick');
const ROUND_MS = quick ? 300 : 2000;
const ROUNDS = quick ? 2 : 5;

type Driver = {
  name: string;
  /** The connection's protocol and cipher, as the server saw them. */
  tls: string;
  run: (ms: number) => Promise<number>;
  close: () => Promise<void>;
};

/** Both clients are timed by the same loop, so that only the client differs between pairs. */
async function roundTripsPerSecond(get: (path: string) => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await get('/example');
    n++;
  }
  return n / (ms / 1000);
}

async function warrenClient(port: number, me: TempCredentials): Promise<Driver> {
  // The address is an IP: the server's certificate is checked for 127.0.0.1.
  const conn = await new Client(['127.0.0.1', port], { tls: { ca: me.caPem, cert: me.certPem, key: me.keyPem } }).connect();
  const get = async (path: string): Promise<Uint8Array> => {
    const response = await conn.get(path);
    if (response.status !== 200) throw new Error(`warren client: GET ${path} -> ${response.status}`);
    return (await response.body?.bytes()) ?? new Uint8Array();
  };
  const tls = Buffer.from(await get('/tls')).toString();
  return {
    name: 'warren client',
    tls,
    run: async (ms) => {
      const rate = await roundTripsPerSecond(get, ms);
      if (!conn.usable) throw new Error('warren client: the connection is no longer usable; the rounds did not all use one connection');
      return rate;
    },
    close: async () => conn.close(),
  };
}

async function nodeClient(port: number, me: TempCredentials): Promise<Driver> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: me.caPem, cert: me.certPem, key: me.keyPem });
  let connections = 0;
  const get = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
        let text = '';
        res.setEncoding('latin1');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`node:https client: GET ${path} -> ${res.statusCode}`))));
      });
      req.on('socket', () => {
        if (!req.reusedSocket) connections++;
      });
      req.on('error', reject);
      req.end();
    });
  const tls = await get('/tls');
  return {
    name: 'node:https client',
    tls,
    run: async (ms) => {
      const rate = await roundTripsPerSecond(get, ms);
      if (connections !== 1) throw new Error(`node:https client: ${connections} connections, not one kept alive`);
      return rate;
    },
    close: async () => agent.destroy(),
  };
}

async function main(): Promise<void> {
  const pki = TempPKI.create({ name: 'warren bench CA' });
  try {
    const server = pki.server('localhost');
    const client = pki.client('bench client');
    // TempServer hands its options to the child as JSON: PEM text crosses as strings.
    const options = {
      maxRequestsPerConnection: 1e9,
      keepAliveTimeout: 600_000,
      tls: { cert: server.certPem, key: server.keyPem, ca: pki.caPem },
    };
    const warren = await TempServer.startWith({
      address: ['127.0.0.1', 0],
      module: new URL('./lib/tls-apps.js', import.meta.url),
      exportName: 'tlsHello',
      // A variable, not a literal: TempServerSpec.options is typed ServerOptions, which does not
      // list tls (that is in ServerHooks), though the child hands it to new Server() all the same.
      options,
    });
    const node = fork(new URL('./lib/node-https-child.js', import.meta.url), [server.certPath, server.keyPath, pki.caPath]);
    const nodePort = await new Promise<number>((resolve, reject) => {
      node.once('message', (message) => resolve((message as { address: AddressInfo }).address.port));
      node.once('exit', (code) => reject(new Error(`the node:https child exited with ${code}`)));
    });
    const warrenPort = (warren.address as readonly [string, number])[1];
    const pairs: [string, () => Promise<Driver>][] = [
      ['warren -> warren', () => warrenClient(warrenPort, client)],
      ['node:https -> node:https', () => nodeClient(nodePort, client)],
      ['node:https -> warren', () => nodeClient(warrenPort, client)],
      ['warren -> node:https', () => warrenClient(nodePort, client)],
    ];
    const drivers = new Map<string, Driver>();
    for (const [name, make] of pairs) {
      const driver = await make();
      await driver.run(200);
      drivers.set(name, driver);
    }
    const results = new Map<string, number[]>(pairs.map(([name]) => [name, []]));
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, driver] of drivers) results.get(name)!.push(await driver.run(ROUND_MS));
    }
    for (const driver of drivers.values()) await driver.close();
    await warren.close();
    node.kill();
    console.log(
      `${cpus()[0]?.model} x${cpus().length}, node ${process.version}; sequential GET /example over mutual TLS (EC P-256), ` +
        `one keep-alive connection, TCP 127.0.0.1, median of ${ROUNDS} x ${ROUND_MS} ms`,
    );
    for (const [name, values] of results) {
      const s = spread(values);
      const line = `${name.padEnd(26)} ${Math.round(s.median).toString().padStart(7)} round trips/s (min ${Math.round(s.min)}, max ${Math.round(s.max)})`;
      console.log(`${line.padEnd(80)} ${drivers.get(name)!.tls}`);
    }
    const w = median(results.get('warren -> warren')!);
    console.log(`ratio warren<->warren / node:https<->node:https: ${(w / median(results.get('node:https -> node:https')!)).toFixed(2)}x`);
  } finally {
    pki.cleanup();
  }
}

await main();
