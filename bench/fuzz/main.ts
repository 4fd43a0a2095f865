// npm run fuzz -- --seconds N [--target NAME[,NAME]] [--seed S] [--jobs J] [--list]
// Runs each target for N seconds with fast-check, J targets at a time in child processes
// (one target runs in this process), and prints executions per target, and for a failure
// the shrunk counterexample with its seed and path to replay it. Exit 1 on any failure.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { TARGETS } from './targets.js';
import type { Target } from './target.js';

/** What one target's run came to: the line a child prints last, as JSON. */
export interface FuzzResult {
  readonly target: string;
  readonly executions: number;
  readonly seconds: number;
  readonly seed: number;
  readonly failed: boolean;
  readonly counterexample?: string;
  readonly error?: string;
  readonly path?: string;
}

function runTarget(t: Target, seconds: number, seed: number): FuzzResult {
  let executions = 0;
  const started = performance.now();
  const details = fc.check(
    fc.property(t.input, (input) => {
      executions++;
      t.check(input);
    }),
    { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false, endOnFailure: false },
  );
  const elapsed = (performance.now() - started) / 1000;
  if (!details.failed) return { target: t.name, executions, seconds: elapsed, seed, failed: false };
  const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
  return {
    target: t.name,
    executions,
    seconds: elapsed,
    seed,
    failed: true,
    counterexample: fc.stringify(details.counterexample),
    error,
    path: details.counterexamplePath ?? '',
  };
}

function args(argv: readonly string[]): { seconds: number; targets: string[]; seed: number; jobs: number; json: boolean; list: boolean } {
  const out = { seconds: 10, targets: [] as string[], seed: Date.now() % 2 ** 31, jobs: 2, json: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seconds') out.seconds = Number(next());
    else if (a === '--target') out.targets.push(...next().split(','));
    else if (a === '--seed') out.seed = Number(next());
    else if (a === '--jobs') out.jobs = Number(next());
    else if (a === '--json') out.json = true;
    else if (a === '--list') out.list = true;
    else throw new Error(`unknown argument ${JSON.stringify(a)}: use --seconds N, --target NAME, --seed S, --jobs J, --list`);
  }
  if (!(out.seconds > 0)) throw new Error(`--seconds must be a positive number, got ${out.seconds}`);
  if (!Number.isInteger(out.jobs) || out.jobs < 1) throw new Error(`--jobs must be a positive integer, got ${out.jobs}`);
  const names = new Set(TARGETS.map((t) => t.name));
  for (const name of out.targets) if (!names.has(name)) throw new Error(`no target ${JSON.stringify(name)}: the targets are ${[...names].join(', ')}`);
  return out;
}

function child(name: string, seconds: number, seed: number): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--target', name, '--seconds', String(seconds), '--seed', String(seed), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    p.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as FuzzResult);
      } catch {
        resolve({ target: name, executions: 0, seconds: 0, seed, failed: true, error: `the child exited ${code} without a result: ${out.slice(-2000)}` });
      }
    });
  });
}

function report(r: FuzzResult): void {
  const rate = r.seconds > 0 ? Math.round(r.executions / r.seconds) : 0;
  console.log(`${r.failed ? 'FAIL' : 'ok  '} ${r.target.padEnd(16)} ${String(r.executions).padStart(10)} executions in ${r.seconds.toFixed(1)} s (${rate}/s)`);
  if (r.failed) {
    console.log(`  seed ${r.seed}, path ${JSON.stringify(r.path)}: replay with --target ${r.target} --seed ${r.seed}`);
    console.log(`  counterexample: ${r.counterexample}`);
    console.log(`  ${(r.error ?? '').split('\n').join('\n  ')}`);
  }
}

async function main(): Promise<void> {
  const o = args(process.argv.slice(2));
  if (o.list) {
    for (const t of TARGETS) console.log(`${t.name}\n${t.invariants.map((i) => `  - ${i}`).join('\n')}`);
    return;
  }
  const chosen = o.targets.length === 0 ? TARGETS : TARGETS.filter((t) => o.targets.includes(t.name));
  let results: FuzzResult[];
  if (chosen.length === 1) {
    results = [runTarget(chosen[0]!, o.seconds, o.seed)];
    if (o.json) {
      console.log(JSON.stringify(results[0]));
      process.exitCode = results[0]!.failed ? 1 : 0;
      return;
    }
  } else {
    console.log(`fuzz: ${chosen.length} targets, ${o.seconds} s each, ${o.jobs} at a time, seed ${o.seed}`);
    results = [];
    const queue = [...chosen];
    await Promise.all(
      Array.from({ length: Math.min(o.jobs, queue.length) }, async () => {
        for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
          const r = await child(t.name, o.seconds, o.seed);
          report(r);
          results.push(r);
        }
      }),
    );
  }
  if (chosen.length === 1) report(results[0]!);
  const failed = results.filter((r) => r.failed).length;
  const total = results.reduce((n, r) => n + r.executions, 0);
  console.log(`fuzz: ${total} executions, ${failed} target(s) failed`);
  console.log(`fuzz-summary ${JSON.stringify(results.map((r) => ({ target: r.target, executions: r.executions, failed: r.failed })))}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  });
}
