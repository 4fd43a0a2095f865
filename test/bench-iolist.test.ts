// Keeps the iolist benchmark from rotting: its quick mode runs as a child process, prints
// a line per page and writes its JSON report; an unknown argument is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-iolist.test.js; the bench is dist/bench/iolist.js.
const BENCH = fileURLToPath(new URL('../bench/iolist.js', import.meta.url));

test('bench/iolist --quick prints each page\'s two figures and writes its JSON', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout, report }) => {
    for (const name of ['small page', 'large page', '1 MiB Uint8Array']) {
      assert.match(stdout, new RegExp(`^${name}.* iolist +\\d+\\.\\d\\d +joined first +\\d+\\.\\d\\d$`, 'm'), `no line for ${name}`);
    }
    const json = report as { mode: string; results: { iolistUs: number; joinedUs: number }[] };
    assert.equal(json.mode, 'quick');
    assert.equal(json.results.length, 3);
    for (const r of json.results) assert.ok(r.iolistUs > 0 && r.joinedUs > 0);
  });
});

test('bench/iolist refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
