// Keeps the protocol benchmark from rotting: its quick mode runs as a child process, its
// checks (both parsers really parse) must pass, and it must print every ratio line and
// write its JSON report.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// This file runs as dist/test/bench-protocol.test.js; the bench is dist/bench/protocol.js.
const BENCH = fileURLToPath(new URL('../bench/protocol.js', import.meta.url));
const BENCHMARKS = ['chrome-head', 'tiny-get', 'chunked-64k', 'chunked-64k-reads'];

test('bench/protocol --quick runs, checks both parsers and prints the ratios', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  try {
    const json = join(dir, 'result.json');
    const started = Date.now();
    const child = spawnSync(process.execPath, [BENCH, '--quick', '--json', json], { encoding: 'utf8', timeout: 50_000 });
    const elapsed = Date.now() - started;
    assert.equal(child.error, undefined, String(child.error));
    assert.equal(child.status, 0, `exit ${child.status}\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`);
    assert.ok(elapsed < 10_000, `the quick run took ${elapsed} ms; keep it under 10 s`);
    const out = child.stdout;
    assert.match(out, /^machine: .+, \d+ cores, node v\d+/m);
    for (const name of BENCHMARKS) {
      assert.match(out, new RegExp(`^ratio warren/llhttp ${name} +\\d+\\.\\d\\d$`, 'm'), `no ratio line for ${name}`);
    }
    for (const name of ['chrome-head', 'tiny-get']) {
      assert.match(out, new RegExp(`^ratio warren/llhttp ${name}\\[keep-alive\\+204\\] +\\d+\\.\\d\\d$`, 'm'), `no keep-alive ratio line for ${name}`);
    }

    const report = JSON.parse(readFileSync(json, 'utf8')) as {
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench/protocol refuses an unknown argument', () => {
  const child = spawnSync(process.execPath, [BENCH, '--nope'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.status, 2);
  assert.match(child.stderr, /usage:/);
});
