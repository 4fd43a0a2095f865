// Keeps the Hono benchmark from rotting: its quick mode runs as a child process, every
// server (warren's fetchApp and @hono/node-server twice, each in its own process) answer the
// load without an error, and it prints a row per server and a ratio line per connection
// count, and writes its JSON report.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-hono.test.js; the bench is dist/bench/hono.js.
const BENCH = fileURLToPath(new URL('../bench/hono.js', import.meta.url));

test('bench/hono --quick runs both servers and prints the ratios', { timeout: 90_000 }, () => {
  quickRun(BENCH, 80_000, ({ stdout, report }) => {
    for (const connections of [1, 50]) {
      for (const server of ['warren', 'node-server', 'node-server-plain']) {
        assert.match(stdout, new RegExp(`^  ${connections} ${server} +[\\d,]+ +[\\d,]+ +[\\d,]+  requests/s`, 'm'), `no row for ${connections} ${server}`);
      }
      for (const peer of ['node-server', 'node-server-plain']) {
        assert.match(stdout, new RegExp(`^ratio warren/${peer} ${connections} \\d+\\.\\d\\d$`, 'm'), `no ratio line for ${connections} ${peer}`);
      }
    }
    const json = report as { mode: string; results: { connections: number; server: string; requestsPerSecond: { median: number } }[]; ratios: { ratio: number }[] };
    assert.equal(json.mode, 'quick');
    assert.equal(json.results.length, 6);
    assert.equal(json.ratios.length, 4);
    for (const r of json.results) assert.ok(r.requestsPerSecond.median > 0, `${r.connections} ${r.server}: ${r.requestsPerSecond.median}`);
    for (const r of json.ratios) assert.ok(Number.isFinite(r.ratio) && r.ratio > 0);
  });
});

test('bench/hono refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
