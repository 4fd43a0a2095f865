// The suite's results: a pair's runs summarized, a workload's table, and the ratios of
// medians, printed side by side for the two conditions of one run (with the keep-awake
// loops and without them, see bench/lib/keep-awake.ts), so both rows come from the same
// machine at the same time.

import { isNoisy, spread, tableHeader, tableRow } from '../lib/stats.js';
import { NN, RF, RN, RR, RW, UF, UN, UW, WN, WR, WW, type Pair, type Unit } from './plan.js';

/** Whether idle CPUs were kept from halting while a workload ran. W6 runs without: its load keeps every CPU busy. */
export type Condition = 'keep-awake' | 'no keep-awake';
export const CONDITIONS: readonly Condition[] = ['keep-awake', 'no keep-awake'];

export interface PairResult {
  readonly pair: string;
  readonly client: string;
  readonly server: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The value of every run, in the order they ran. */
  readonly runs: readonly number[];
  readonly note?: string;
  /** CPU time per request over the timed runs, in µs: the client's (this process) and the server child's. */
  readonly cpu?: { readonly clientUs: number; readonly serverUs: number };
}

export interface WorkloadResult {
  readonly id: string;
  readonly variant: string;
  readonly condition: Condition;
  readonly title: string;
  readonly unit: Unit;
  readonly results: PairResult[];
}

export interface Ratio {
  readonly workload: string;
  readonly condition: Condition;
  readonly name: string;
  readonly value: number;
}

/** CPU spent by both ends of a pair over its timed runs. */
export interface CpuTally {
  clientUs: number;
  serverUs: number;
  requests: number;
}

export function summarize(pair: Pair, runs: number[], cpu?: CpuTally): PairResult {
  return {
    pair: pair.name,
    client: pair.client,
    server: pair.server,
    ...spread(runs),
    runs,
    ...(pair.note === undefined ? {} : { note: pair.note }),
    ...(cpu === undefined || cpu.requests === 0 ? {} : { cpu: { clientUs: cpu.clientUs / cpu.requests, serverUs: cpu.serverUs / cpu.requests } }),
  };
}

/** The ratios of medians within each workload and condition. */
export function ratios(results: readonly WorkloadResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const w of results) {
    const find = (id: string, variant: string, pair: string): number | null =>
      results.find((x) => x.id === id && x.variant === variant && x.condition === w.condition)?.results.find((r) => r.pair === pair)?.median ?? null;
    const key = `${w.id} ${w.variant}`;
    const add = (name: string, a: number | null, b: number | null): void => {
      if (a !== null && b !== null && b > 0) out.push({ workload: key, condition: w.condition, name, value: a / b });
    };
    const m = (pair: string): number | null => find(w.id, w.variant, pair);
    if (w.id === 'W6') {
      const load = (server: string): number | null => m(`load -> ${server}`) ?? m(`wrk -> ${server}`);
      add('warren / raw (limit)', load('warren'), load('raw (limit)'));
      add('warren / node:http', load('warren'), load('node:http'));
      add('warren / fastify', load('warren'), load('fastify'));
      continue;
    }
    add('warren<->warren / raw limit', m(WW), m(RR));
    add('warren<->warren / node:http<->node:http', m(WW), m(NN));
    add('warren<->warren / undici->node:http', m(WW), m(UN));
    add('server: undici->warren / undici->node:http', m(UW), m(UN));
    add('server: undici->warren / undici->fastify', m(UW), m(UF));
    add('client: warren->node:http / undici->node:http', m(WN), m(UN));
    add('server: raw->warren / raw->node:http', m(RW), m(RN));
    add('server: raw->warren / raw->fastify', m(RW), m(RF));
    add('server: raw->warren / raw limit', m(RW), m(RR));
    add('client: warren->raw / raw limit', m(WR), m(RR));
    if (w.id === 'W3') {
      add('warren pipelined / W1 warren<->warren sequential', m(WW), find('W1', 'unix', WW));
      add('warren pipelined / W2 warren<->warren sequential', m(WW), find('W2', 'unix', WW));
    }
  }
  return out;
}

export function printWorkload(w: WorkloadResult): void {
  console.log(`\n${w.id} [${w.variant}, ${w.condition}] ${w.title}`);
  const sequential = w.unit === 'round trips/s';
  console.log(tableHeader('pair') + (sequential ? '  CPU µs per round trip: client + server' : ''));
  for (const r of w.results) {
    const flags = [isNoisy(r) ? 'noisy' : '', r.note === undefined ? '' : 'no extensions'].filter((f) => f !== '').join(', ');
    const cpu = sequential && r.cpu !== undefined ? `  ${r.cpu.clientUs.toFixed(1).padStart(5)} + ${r.cpu.serverUs.toFixed(1).padStart(5)}` : '';
    console.log(tableRow(r.pair, r, w.unit, `${cpu}${flags === '' ? '' : `  (${flags})`}`));
  }
}

/**
 * One line per workload and ratio, a column per condition the run measured (W1-W5 have
 * both when the run did; W6 only 'no keep-awake'), so the two rows read side by side.
 */
export function printRatios(all: readonly Ratio[]): void {
  const columns = CONDITIONS.filter((c) => all.some((r) => r.condition === c));
  const WIDTH = 15;
  console.log('\nratios of medians (above 1: the first is faster)');
  console.log(`${''.padEnd(6 + 15 + 51)}${columns.map((c) => c.padStart(WIDTH)).join('')}`);
  const seen = new Set<string>();
  for (const r of all) {
    const id = `${r.workload}\n${r.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const cells = columns.map((c) => {
      const value = all.find((x) => x.workload === r.workload && x.name === r.name && x.condition === c)?.value;
      return (value === undefined ? '-' : value.toFixed(2)).padStart(WIDTH);
    });
    console.log(`ratio ${r.workload.padEnd(14)} ${r.name.padEnd(50)}${cells.join('')}`);
  }
}
