// Keeps the static-files bench from rotting: its quick mode runs as a child process, every
// request's status is checked by the bench itself, and it must print its four rows and
// write its JSON report. The numbers are not checked.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-static.test.js; the bench is dist/bench/static.js.
const BENCH = fileURLToPath(new URL('../bench/static.js', import.meta.url));

test('bench/static --quick serves memory, a file, a 304 and a large file, and writes its JSON', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout, report }) => {
    const rows = ['\\d+ B from memory \\(no file system\\) +\\d+ req/s', '\\d+ B file through staticFiles +\\d+ req/s', '304 revalidation \\(If-None-Match\\) +\\d+ req/s', '4 MiB file +\\d+ MiB/s, RSS'];
    for (const row of rows) assert.match(stdout, new RegExp(`^  ${row}`, 'm'), row);
    const json = report as { mode: string; requestsPerSecond: Record<string, number>; download: { mib: number } };
    assert.equal(json.mode, 'quick');
    assert.deepEqual(Object.keys(json.requestsPerSecond), ['memory', 'file', 'notModified']);
    assert.ok(Object.values(json.requestsPerSecond).every((n) => n > 0));
    assert.equal(json.download.mib, 4);
  });
});

test('bench/static refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
