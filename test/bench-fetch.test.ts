// Keeps the fetch benchmark from rotting: its quick mode runs as a child process, every
// client must read the same answer (the bench asserts it), and it prints a row per client,
// the ratio against undici, and its JSON report; Node's global fetch either has its row or
// a line saying why this Node refuses the Agent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-fetch.test.js; the bench is dist/bench/fetch.js.
const BENCH = fileURLToPath(new URL('../bench/fetch.js', import.meta.url));

test('bench/fetch --quick runs, prints each client and the ratio', { timeout: 90_000 }, () => {
  quickRun(BENCH, 80_000, ({ stdout, report }) => {
    for (const client of ['warren createFetch', 'undici fetch \\+ Agent']) {
      assert.match(stdout, new RegExp(`^  ${client} +[\\d,]+ +[\\d,]+ +[\\d,]+  req/s`, 'm'), `no row for ${client}`);
    }
    assert.match(stdout, /^  global fetch \+ Agent(: not on this Node \(.+\)| +[\d,]+ +[\d,]+ +[\d,]+  req\/s)/m);
    assert.match(stdout, /^ratio createFetch\/undici \d+\.\d\d$/m);
    const json = report as { mode: string; ratio: number; results: Record<string, { median: number }> };
    assert.equal(json.mode, 'quick');
    assert.ok(Number.isFinite(json.ratio) && json.ratio > 0, `ratio ${json.ratio}`);
    assert.ok(json.results['warren createFetch']!.median > 0);
  });
});

test('bench/fetch refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
