// npm test runs every fuzz target for WARREN_FUZZ_SECONDS (default 20) through the runner,
// two targets at a time in child processes, and fails if any target found a counterexample
// (the runner prints it with its seed). The long runs are `npm run fuzz -- --seconds N`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TARGETS } from '../bench/fuzz/targets.js';

const SECONDS = Number(process.env.WARREN_FUZZ_SECONDS ?? 20);
const runner = fileURLToPath(new URL('../bench/fuzz/main.js', import.meta.url));
// Two at a time: about targets × seconds / 2, plus start-up and shrinking.
const budget = ((TARGETS.length * SECONDS) / 2 + 60) * 1000;

test(`fuzz: every target for ${SECONDS} s, no counterexample`, { timeout: budget + 30_000 }, () => {
  const r = spawnSync(process.execPath, [runner, '--seconds', String(SECONDS), '--jobs', '2'], { encoding: 'utf8', timeout: budget });
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) console.log(out);
  assert.equal(r.status, 0, out);
  const summary = /^fuzz-summary (.*)$/m.exec(r.stdout);
  assert.ok(summary !== null, out);
  const results = JSON.parse(summary[1]!) as { target: string; executions: number; failed: boolean }[];
  assert.deepEqual(results.map((x) => x.target).sort(), TARGETS.map((t) => t.name).sort());
  for (const x of results) {
    assert.equal(x.failed, false, x.target);
    assert.ok(x.executions > 0, `${x.target} ran`);
  }
});
