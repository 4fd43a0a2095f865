// Keeps the protocol benchmark from rotting: its quick mode runs as a child process, its
// checks (both parsers really parse) must pass, and it must print every ratio line and
// write its JSON report.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-protocol.test.js; the bench is dist/bench/protocol.js.
const BENCH = fileURLToPath(new URL('../bench/protocol.js', import.meta.url));
const BENCHMARKS = ['chrome-head', 'tiny-get', 'chunked-64k', 'chunked-64k-reads'];

test('bench/protocol --quick runs, checks both parsers and prints the ratios', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout: out, report: json, elapsedMs }) => {
    assert.ok(elapsedMs < 10_000, `the quick run took ${elapsedMs} ms; keep it under 10 s`);
    for (const name of BENCHMARKS) {
      assert.match(out, new RegExp(`^ratio warren/llhttp ${name} +\\d+\\.\\d\\d$`, 'm'), `no ratio line for ${name}`);
    }
    for (const name of ['chrome-head', 'tiny-get']) {
      assert.match(out, new RegExp(`^ratio warren/llhttp ${name}\\[keep-alive\\+204\\] +\\d+\\.\\d\\d$`, 'm'), `no keep-alive ratio line for ${name}`);
    }

    const report = json as {
      mode: string;
      machine: { node: string; cores: number };
      benchmarks: { name: string; unit: string; llhttp: { opsPerSecond: { median: number } }; ratios: { ratio: number }[] }[];
    };
    assert.equal(report.mode, 'quick');
    assert.equal(report.machine.node, process.version);
    assert.deepEqual(
      report.benchmarks.map((b) => b.name),
      BENCHMARKS,
    );
    for (const b of report.benchmarks) {
      assert.ok(b.llhttp.opsPerSecond.median > 0, `${b.name}: llhttp median`);
      for (const r of b.ratios) assert.ok(Number.isFinite(r.ratio) && r.ratio > 0, `${b.name}: ratio ${r.ratio}`);
    }
  });
});

test('bench/protocol refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
