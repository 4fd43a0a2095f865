// Instructions per W1 round trip, counted by valgrind's callgrind: the one figure on this
// shared machine that no other load moves, so an A/B of a change needs one run, not ten.
// Each side is counted in its own process with the raw limit's side as the peer: a
// server (warren, node:http, raw) with the raw client, a client (warren, node:http, undici,
// raw) with the raw server. A count is user space only (the kernel's work is the same for
// all, see docs/performance.md) and is (count after warm-up + N round trips - count after
// warm-up) / N, so start-up and the JIT's first compiles fall out.
//
//   node dist/bench/instructions.js [--quick] [--json FILE] [--rounds N]
//   (needs valgrind: Debian's package `valgrind`)

import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { withTimeout } from './lib/timeout.js';
import { serveHere, serveInChild, type ServerKind } from './lib/servers.js';
import { makeDriver, type ClientKind } from './suite/drivers.js';

type Side = 'server' | 'client';
type Kind = 'warren' | 'node:http' | 'undici' | 'raw';
interface Count {
  readonly side: Side;
  readonly kind: Kind;
  readonly instructions: number;
}

const SELF = fileURLToPath(import.meta.url);
const FULL: readonly (readonly [Side, Kind])[] = [
  ['server', 'warren'],
  ['server', 'node:http'],
  ['server', 'raw'],
  ['client', 'warren'],
  ['client', 'node:http'],
  ['client', 'undici'],
  ['client', 'raw'],
];
/** Enough to keep the harness from rotting: valgrind starts node slowly. */
const QUICK: typeof FULL = [
  ['server', 'warren'],
  ['server', 'raw'],
];
/** Round trips in both runs before the counted ones: the JIT has compiled the hot paths by then. */
const WARM_UP = { full: 4000, quick: 200 };
const ROUNDS = { full: 20_000, quick: 200 };

// --- counted process: one side in this process, its peer in a child valgrind does not follow

/** A counted process runs `steps` round trips in all (warm-up included). */
async function counted(side: Side, kind: Kind, steps: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warren-instructions-'));
  const path = join(dir, 's.sock');
  try {
    if (side === 'server') {
      const server = await serveHere(kind as ServerKind, path);
      const driver = fork(SELF, ['--drive', path, String(steps)], { execArgv: [], stdio: 'inherit' });
      const [code] = (await withTimeout(once(driver, 'exit'), RUN_TIMEOUT_MS, 'the raw client')) as [number | null];
      // The process exits right after the count: nothing to wait for.
      void server.close();
      if (code !== 0) throw new Error(`the raw client exited with ${code}`);
    } else {
      const server = await serveInChild('raw', path);
      try {
        await drive(kind as ClientKind, path, steps);
      } finally {
        await server.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `steps` W1 round trips. */
async function drive(kind: ClientKind, path: string, steps: number): Promise<void> {
  const driver = await makeDriver(kind, 'json', { path });
  for (let i = 0; i < steps; i++) await driver.step();
  await driver.close();
}

// --- parent: two valgrind runs per side and kind, N and 0 round trips after the warm-up

function valgrindVersion(): string | null {
  const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/**
 * V8's --predictable runs its collector and compiler on the main thread, at points set by
 * the work alone: two counts of one build then differ by 0.2%, not by the 2-9% that
 * background threads finishing at other moments gave.
 */
const COUNTED_FLAGS = ['--predictable'];

/** valgrind runs node some 50 times slower: a full count of one side takes about a minute. */
const RUN_TIMEOUT_MS = 10 * 60_000;

/** Counting runs still going: a failed bench kills them instead of leaving them behind. */
const running = new Set<ChildProcess>();

function countRun(side: Side, kind: Kind, steps: number): Promise<number> {
  const counting = new Promise<number>((resolve, reject) => {
    const child = spawn('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...COUNTED_FLAGS, SELF, '--count', side, kind, String(steps)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || collected === null) reject(new Error(`counting the ${kind} ${side} failed (exit ${code}):\n${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
  return withTimeout(counting, RUN_TIMEOUT_MS, `counting the ${kind} ${side}`);
}

const SIDES: readonly string[] = ['server', 'client'];
const KINDS: Record<Side, readonly string[]> = { server: ['warren', 'node:http', 'raw'], client: ['warren', 'node:http', 'undici', 'raw'] };

async function main(argv: readonly string[]): Promise<void> {
  // The counted process and its driver child end as soon as their loop does: valgrind reports at exit.
  if (argv[0] === '--count') {
    const [side, kind, steps] = argv.slice(1);
    if (!SIDES.includes(side!) || !KINDS[side as Side].includes(kind!) || !/^[0-9]+$/.test(steps ?? '')) throw new Error(`--count takes a side, a kind of it and a number of round trips: ${argv.join(' ')}`);
    return counted(side as Side, kind as Kind, Number(steps)).then(() => process.exit(0));
  }
  if (argv[0] === '--drive') return drive('raw', argv[1]!, Number(argv[2])).then(() => process.exit(0));
  const options = parseArgs(argv);
  const version = valgrindVersion();
  if (version === null) {
    console.error('valgrind is not installed (Debian: apt-get install valgrind): there is nothing to count with');
    process.exit(1);
  }
  const mode = options.quick ? 'quick' : 'full';
  const rounds = options.rounds ?? ROUNDS[mode];
  const warm = WARM_UP[mode];
  const machine = thisMachine();
  console.log('warren instruction counts: user-space instructions per W1 round trip (POST / with 108 bytes -> 200 + 108 bytes), one side per process');
  console.log(machineLine(machine));
  console.log(`mode: ${mode}: ${version} --tool=callgrind, node ${COUNTED_FLAGS.join(' ')}; (count after ${warm} + ${rounds} round trips - count after ${warm}) / ${rounds}; the peer is the raw limit's other side`);
  if (options.quick) console.log('quick: a smoke run of the harness; in so few cold round trips the counts are noise, even below zero');
  const started = Date.now();
  const counts: Count[] = [];
  for (const [side, kind] of options.quick ? QUICK : FULL) {
    // A full run counts the two in parallel; a quick one, inside the test suite, keeps to one CPU.
    const [base, more] = options.quick
      ? [await countRun(side, kind, warm), await countRun(side, kind, warm + rounds)]
      : await Promise.all([countRun(side, kind, warm), countRun(side, kind, warm + rounds)]);
    const count = { side, kind, instructions: Math.round((more - base) / rounds) };
    counts.push(count);
    console.log(`  ${`${kind} ${side}`.padEnd(20)}${count.instructions.toLocaleString('en-US').padStart(10)}  instructions per round trip`);
  }
  console.log('\nratios (instructions; below 1: fewer than the other)');
  for (const side of ['server', 'client'] as const) {
    const of = (kind: Kind): number | undefined => counts.find((c) => c.side === side && c.kind === kind)?.instructions;
    const warren = of('warren');
    for (const peer of ['raw', 'node:http', 'undici'] as const) {
      const other = of(peer);
      if (warren !== undefined && other !== undefined) console.log(`ratio ${side}  warren / ${peer}`.padEnd(34) + (warren / other).toFixed(2));
    }
    const raw = of('raw');
    if (warren !== undefined && raw !== undefined) console.log(`warren's own work, ${side}: ${(warren - raw).toLocaleString('en-US')} instructions per round trip over the raw ${side}'s`);
  }
  console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (options.json !== null) {
    writeFileSync(options.json, `${JSON.stringify({ bench: 'instructions', date: new Date().toISOString(), mode, commit: gitCommit(), machine, valgrind: version, warmUp: warm, rounds, counts }, null, 2)}\n`);
    console.log(`results written to ${options.json}`);
  }
}

const USAGE = `usage: node dist/bench/instructions.js [--quick] [--json FILE] [--rounds N]
  --quick      count only the warren and raw servers, over ${ROUNDS.quick} round trips (a smoke run; its numbers mean nothing)
  --json FILE  also write the counts as JSON
  --rounds N   round trips counted per side (default ${ROUNDS.full}; more averages the JIT's late work better)`;

function parseArgs(argv: readonly string[]): { quick: boolean; json: string | null; rounds: number | null } {
  let quick = false;
  let json: string | null = null;
  let rounds: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) json = argv[++i]!;
    else if (arg === '--rounds' && /^[1-9][0-9]*$/.test(argv[i + 1] ?? '')) rounds = Number(argv[++i]);
    else {
      console.error(`unknown or incomplete argument: ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  return { quick, json, rounds };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  for (const child of running) child.kill('SIGKILL');
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
