// The timing harness of the benchmarks: calibrate a batch size per case, warm it up,
// then time rounds of whole batches with process.hrtime.bigint(), interleaving the cases
// of a group round by round so that drift (thermal, noisy neighbours, GC debt) is shared.
// Every batch reports a checksum; a batch whose checksum is not what that many operations
// must produce fails the run, so no case can be measured while it silently does nothing.

import { spread, type Spread } from './stats.js';

/** One thing to time. `run(n)` does n operations and returns their checksum. */
export interface Case {
  readonly label: string;
  readonly run: (n: number) => number;
  /** What `run(n)` must return, divided by n (e.g. fields per parsed head). */
  readonly checksumPerOp: number;
}

export interface Plan {
  /** Time spent running a case before its rounds count (also used to calibrate). */
  readonly warmupMs: number;
  /** The length one timed round aims at. */
  readonly roundMs: number;
  readonly rounds: number;
}

/** Operations per second over the rounds of one case. */
export interface Summary extends Spread {
  readonly label: string;
  /** Ops/s of each round, in the order they ran. */
  readonly samples: readonly number[];
  /** Operations per timed round. */
  readonly opsPerRound: number;
}

/** Times one batch of n operations; returns seconds. Throws when the checksum is wrong. */
function timeBatch(c: Case, n: number): number {
  const t0 = process.hrtime.bigint();
  const got = c.run(n);
  const t1 = process.hrtime.bigint();
  const want = c.checksumPerOp * n;
  if (got !== want) {
    throw new Error(`${c.label}: checksum ${got} after ${n} operations, expected ${want}: the case is not doing its work`);
  }
  return Number(t1 - t0) / 1e9;
}

/** Warms a case up and returns how many operations make one round of about plan.roundMs. */
function calibrate(c: Case, plan: Plan): number {
  const target = plan.roundMs / 1000;
  let n = 1;
  let spent = 0;
  let seconds = timeBatch(c, n);
  spent += seconds;
  // Grow the batch until it is long enough for the clock to measure well.
  while (seconds < target / 10) {
    n *= 2;
    seconds = timeBatch(c, n);
    spent += seconds;
  }
  let perOp = seconds / n;
  while (spent < plan.warmupMs / 1000) {
    seconds = timeBatch(c, n);
    spent += seconds;
    perOp = seconds / n;
  }
  return Math.max(1, Math.round(target / perOp));
}

/** Measures the cases of one group: calibrated one by one, then timed in interleaved rounds. */
export function measureGroup(cases: readonly Case[], plan: Plan): Summary[] {
  const sizes = cases.map((c) => calibrate(c, plan));
  const samples: number[][] = cases.map(() => []);
  const forward = cases.map((_, i) => i);
  const backward = [...forward].reverse();
  for (let round = 0; round < plan.rounds; round++) {
    // Alternate the order so that no case always runs right after the same other one.
    for (const i of round % 2 === 0 ? forward : backward) {
      const seconds = timeBatch(cases[i]!, sizes[i]!);
      samples[i]!.push(sizes[i]! / seconds);
    }
  }
  return cases.map((c, i) => ({
    label: c.label,
    ...spread(samples[i]!),
    samples: samples[i]!,
    opsPerRound: sizes[i]!,
  }));
}
