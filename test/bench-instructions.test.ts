// Keeps the instruction-count bench from rotting: its quick mode counts the warren and raw
// servers under valgrind and must print both counts and their ratio, and write its JSON.
// The numbers are not checked: in 200 cold round trips the JIT's compiles land in either of
// the two runs, so a quick count can come out anywhere, below zero included (seen). Without
// valgrind there is nothing to run it with: the test says so and skips.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-instructions.test.js; the bench is dist/bench/instructions.js.
const BENCH = fileURLToPath(new URL('../bench/instructions.js', import.meta.url));
const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status === 0;

test(
  'bench/instructions --quick counts the warren and raw servers and writes its JSON',
  { timeout: 250_000, skip: valgrind ? false : 'valgrind is not installed (Debian package valgrind)' },
  () => {
    // Under valgrind on a loaded 2-CPU machine (the rest of the suite running beside it) the quick run has taken 110 s.
    quickRun(BENCH, 240_000, ({ stdout, report }) => {
      for (const kind of ['warren', 'raw']) {
        assert.match(stdout, new RegExp(`^  ${kind} server +-?[\\d,]+  instructions per round trip$`, 'm'), `no count for the ${kind} server`);
      }
      assert.match(stdout, /^ratio server  warren \/ raw +-?\d+\.\d\d$/m);
      const json = report as { bench: string; mode: string; counts: { side: string; kind: string; instructions: number }[] };
      assert.equal(json.bench, 'instructions');
      assert.equal(json.mode, 'quick');
      assert.deepEqual(
        json.counts.map((c) => `${c.kind} ${c.side}`),
        ['warren server', 'raw server'],
      );
      for (const count of json.counts) assert.ok(Number.isInteger(count.instructions), `${count.kind}: ${count.instructions}`);
    });
  },
);

test('bench/instructions refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
