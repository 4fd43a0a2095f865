// Keeps the WebSocket benchmark from rotting: its quick mode runs as a child process and
// prints, for each case, a row per server and the ratio, and its JSON report.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-websocket.test.js; the bench is dist/bench/websocket.js.
const BENCH = fileURLToPath(new URL('../bench/websocket.js', import.meta.url));

test('bench/websocket --quick runs each case on both servers and prints the ratios', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout, report }) => {
    for (const name of ['echo, 1 connection', 'echo, 50 connections', 'handshake + close']) {
      assert.ok(stdout.includes(`\n${name}\n`), `no case ${name}`);
      const json = (report as { results: Record<string, { warren: { median: number }; 'node:http': { median: number }; ratio: number }> }).results[name]!;
      assert.ok(json.warren.median > 0 && json['node:http'].median > 0, name);
      assert.ok(Number.isFinite(json.ratio) && json.ratio > 0);
    }
    assert.match(stdout, /^  warren +[\d,]+ +[\d,]+ +[\d,]+  round trips\/s/m);
    assert.match(stdout, /^ratio warren\/node:http \d+\.\d\d$/m);
  });
});

test('bench/websocket refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
