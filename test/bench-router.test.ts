// Keeps the router benchmark from rotting: its quick mode runs as a child process, both
// engines must agree on every lookup (the bench asserts it), and it prints a row per
// engine and a ratio line per table size, and writes its JSON report.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-router.test.js; the bench is dist/bench/router.js.
const BENCH = fileURLToPath(new URL('../bench/router.js', import.meta.url));

test('bench/router --quick runs, checks both engines agree and prints the ratios', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout, report }) => {
    for (const size of [10, 100, 1000]) {
      for (const engine of ['warren find', 'find-my-way find', 'warren Router']) {
        assert.match(stdout, new RegExp(`^  ${size} ${engine} +[\\d,]+ +[\\d,]+ +[\\d,]+  lookups/s`, 'm'), `no row for ${size} ${engine}`);
      }
      assert.match(stdout, new RegExp(`^ratio warren/find-my-way ${size} \\d+\\.\\d\\d$`, 'm'), `no ratio line for ${size}`);
    }
    const json = report as { mode: string; results: { routes: number; ratio: number; warrenFind: { median: number } }[] };
    assert.equal(json.mode, 'quick');
    assert.deepEqual(json.results.map((r) => r.routes), [10, 100, 1000]);
    for (const r of json.results) assert.ok(Number.isFinite(r.ratio) && r.ratio > 0 && r.warrenFind.median > 0, `${r.routes}: ratio ${r.ratio}`);
  });
});

test('bench/router refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
