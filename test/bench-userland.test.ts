// Keeps the userland bench from rotting: its quick mode runs as a child process, every
// pair's round trips are checked by the bench itself, and it must print both workloads'
// tables and what warren adds, and write its JSON report. The numbers are not checked.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-userland.test.js; the bench is dist/bench/userland.js.
const BENCH = fileURLToPath(new URL('../bench/userland.js', import.meta.url));

test('bench/userland --quick runs every pair and writes its JSON', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout: out, report: json }) => {
    for (const pair of ['fixed <-> fixed \\(floor\\)', 'warren -> fixed', 'fixed -> warren', 'warren <-> warren', 'core alone, both roles']) {
      assert.equal(out.match(new RegExp(`^  ${pair} +[\\d,]+ +[\\d,]+ +[\\d,]+  ns per round trip$`, 'gm'))?.length, 2, `no row for ${pair} in both workloads`);
    }
    assert.equal(out.match(/^added by warren over the floor \(medians\): client -?\d+ ns, server -?\d+ ns, both -?\d+ ns$/gm)?.length, 2);
    const report = json as { mode: string; workloads: { op: string; rows: { name: string; runs: number[] }[] }[] };
    assert.equal(report.mode, 'quick');
    assert.deepEqual(report.workloads.map((w) => w.op), ['json', 'example']);
    for (const workload of report.workloads) {
      assert.equal(workload.rows.length, 5);
      for (const row of workload.rows) assert.ok(row.runs.length === 2 && row.runs.every((ns) => ns > 0), `${workload.op} ${row.name}: ${row.runs}`);
    }
  });
});

test('bench/userland refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
