// Keeps the userland bench from rotting: its quick mode runs as a child process, every
// pair's round trips are checked by the bench itself, and it must print both workloads'
// tables and what warren adds, and write its JSON report. The numbers are not checked.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// This file runs as dist/test/bench-userland.test.js; the bench is dist/bench/userland.js.
const BENCH = fileURLToPath(new URL('../bench/userland.js', import.meta.url));

test('bench/userland --quick runs every pair and writes its JSON', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-userland-'));
  try {
    const json = join(dir, 'result.json');
    const child = spawnSync(process.execPath, [BENCH, '--quick', '--json', json], { encoding: 'utf8', timeout: 50_000 });
    assert.equal(child.error, undefined, String(child.error));
    assert.equal(child.status, 0, `exit ${child.status}\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`);
    const out = child.stdout;
    assert.match(out, /^machine: .+, \d+ cores, node v\d+/m);
    for (const pair of ['fixed <-> fixed \\(floor\\)', 'warren -> fixed', 'fixed -> warren', 'warren <-> warren', 'core alone, both roles']) {
      assert.equal(out.match(new RegExp(`^  ${pair} +[\\d,]+ +[\\d,]+ +[\\d,]+  ns per round trip$`, 'gm'))?.length, 2, `no row for ${pair} in both workloads`);
    }
    assert.equal(out.match(/^added by warren over the floor \(medians\): client -?\d+ ns, server -?\d+ ns, both -?\d+ ns$/gm)?.length, 2);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { mode: string; workloads: { op: string; rows: { name: string; runs: number[] }[] }[] };
    assert.equal(report.mode, 'quick');
    assert.deepEqual(report.workloads.map((w) => w.op), ['json', 'example']);
    for (const workload of report.workloads) {
      assert.equal(workload.rows.length, 5);
      for (const row of workload.rows) assert.ok(row.runs.length === 2 && row.runs.every((ns) => ns > 0), `${workload.op} ${row.name}: ${row.runs}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
