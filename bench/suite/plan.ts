// What the suite measures: the plan (runs and their lengths), the client -> server pairs,
// and the workloads W1-W5 with the pairs each runs. W6 (concurrency) and the idle memory
// have their own files. Every pair of a workload moves the same bytes (payloads.ts).

import type { ServerKind } from '../lib/servers.js';
import type { ClientKind, Op } from './drivers.js';

export interface Plan {
  /** Timed runs per pair; the median, min and max are over these. */
  readonly runs: number;
  /** Untimed warm-up per pair before its runs. */
  readonly warmupMs: number;
  /** Length of one timed run of a one-connection workload (W1-W5). */
  readonly runMs: number;
  /** Length of one timed run of W6. */
  readonly loadMs: number;
  /** Idle keep-alive connections for the memory measurement (fewer if file descriptors are short). */
  readonly idleConnections: number;
}

export const FULL: Plan = { runs: 5, warmupMs: 200, runMs: 400, loadMs: 1000, idleConnections: 10_000 };
export const QUICK: Plan = { runs: 2, warmupMs: 40, runMs: 100, loadMs: 200, idleConnections: 1_000 };

/** Bounds on requests per run (every run is bounded in time and in count). */
export const MAX_REQUESTS: Record<Op, number> = { json: 500_000, example: 500_000, '64k': 200_000, pipeline: 2_000_000, upload: 200 };

export const WW = 'warren -> warren';
export const NN = 'node:http -> node:http';
export const UN = 'undici -> node:http';
export const UW = 'undici -> warren';
export const UF = 'undici -> fastify';
export const WN = 'warren -> node:http';
export const RR = 'raw -> raw (limit)';
export const RW = 'raw -> warren';
export const RN = 'raw -> node:http';
export const RF = 'raw -> fastify';
export const WR = 'warren -> raw';

export type Transport = 'unix' | '127.0.0.1' | '::1';

export interface Pair {
  readonly name: string;
  readonly client: ClientKind;
  readonly server: ServerKind;
  /** Said in the table: e.g. that this client cannot send chunk extensions. */
  readonly note?: string;
}

const PAIRS: Record<string, Pair> = {
  [WW]: { name: WW, client: 'warren', server: 'warren' },
  [NN]: { name: NN, client: 'node:http', server: 'node:http' },
  [UN]: { name: UN, client: 'undici', server: 'node:http' },
  [UW]: { name: UW, client: 'undici', server: 'warren' },
  [UF]: { name: UF, client: 'undici', server: 'fastify' },
  [WN]: { name: WN, client: 'warren', server: 'node:http' },
  [RR]: { name: RR, client: 'raw', server: 'raw' },
  [RW]: { name: RW, client: 'raw', server: 'warren' },
  [RN]: { name: RN, client: 'raw', server: 'node:http' },
  [RF]: { name: RF, client: 'raw', server: 'fastify' },
  [WR]: { name: WR, client: 'warren', server: 'raw' },
};

export type Unit = 'round trips/s' | 'requests/s' | 'MB/s';

export interface Workload {
  readonly id: string;
  /** The transport (W1-W5) or the number of connections (W6). */
  readonly variant: string;
  readonly title: string;
  readonly unit: Unit;
  readonly op: Op;
  readonly transport: Transport;
  readonly pairs: readonly Pair[];
}

const SEQUENTIAL = [WW, NN, UN, UW, UF, WN, RR];
const NO_EXT = 'node:http and undici cannot send chunk extensions: this client uploads without them';

/** W1-W5 over the transports this host has. */
export function workloads(transports: readonly Transport[]): Workload[] {
  const out: Workload[] = [];
  const seq = (id: string, op: Op, title: string): void => {
    for (const transport of transports) {
      const names = transport === 'unix' ? [...SEQUENTIAL, RW, RN, RF, WR] : SEQUENTIAL;
      out.push({ id, variant: transport, title, unit: 'round trips/s', op, transport, pairs: names.map((n) => PAIRS[n]!) });
    }
  };
  seq('W1', 'json', "Degu's workload: POST / with a 108-byte JSON body -> 200 + 108 bytes, sequential, one keep-alive connection");
  seq('W2', 'example', 'GET /example -> "hello, world", sequential, one keep-alive connection');
  out.push({
    id: 'W3',
    variant: 'unix',
    title: 'GET /example pipelined, 16 requests at a time on one connection',
    unit: 'requests/s',
    op: 'pipeline',
    transport: 'unix',
    pairs: [WW, UN, UW, UF, WN, RR, RW, RN, RF].map((n) => PAIRS[n]!),
  });
  out.push({
    id: 'W4',
    variant: 'unix',
    title: 'GET /64k -> a 64 KiB body, sequential, one keep-alive connection',
    unit: 'round trips/s',
    op: '64k',
    transport: 'unix',
    pairs: [...SEQUENTIAL, RW, RN, RF].map((n) => PAIRS[n]!),
  });
  out.push({
    id: 'W5',
    variant: 'unix',
    title: 'a chunked upload of 16 MiB in 16 KiB chunks with extensions (;n=<i>;sig="abc"), one connection',
    unit: 'MB/s',
    op: 'upload',
    transport: 'unix',
    pairs: [
      PAIRS[WW]!,
      { ...PAIRS[NN]!, note: NO_EXT },
      { ...PAIRS[UN]!, note: NO_EXT },
      { ...PAIRS[UW]!, note: NO_EXT },
      { ...PAIRS[UF]!, note: NO_EXT },
      PAIRS[WN]!,
      PAIRS[RR]!,
      PAIRS[RW]!,
      PAIRS[RN]!,
      PAIRS[RF]!,
    ],
  });
  return out;
}
