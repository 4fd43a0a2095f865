// Keeps the benchmark suite from rotting: its quick mode runs as a child process against
// real server children, every pair's first exchange is checked by the harness, and it must
// print the machine, a table per workload, the ratios and the idle memory, and write its
// JSON report. The numbers themselves are not checked: the quick mode is too short for them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

// This file runs as dist/test/bench-suite.test.js; the suite is dist/bench/suite/main.js.
const SUITE = fileURLToPath(new URL('../bench/suite/main.js', import.meta.url));
const CHART = fileURLToPath(new URL('../bench/suite/chart.js', import.meta.url));

interface Report {
  bench: string;
  mode: string;
  plan: { runs: number };
  machine: { cpu: string; cores: number; node: string };
  conditions: string[];
  workloads: {
    id: string;
    variant: string;
    condition: string;
    unit: string;
    results: { pair: string; median: number; min: number; max: number; runs: number[]; cpu?: { clientUs: number; serverUs: number } }[];
  }[];
  ratios: { workload: string; condition: string; name: string; value: number }[];
  memory: { connections: number; requested: number; servers: { server: string; connections: number; rssBeforeKiB: number; rssAfterKiB: number }[] };
  skipped: { what: string; reason: string }[];
}

test('bench suite --quick runs every workload and writes its JSON', { timeout: 130_000 }, () => {
  quickRun(SUITE, 120_000, ({ stdout: out, report: parsed, json, dir }) => {
    for (const id of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6']) assert.match(out, new RegExp(`^${id} \\[[^\\]]+\\] .+$`, 'm'), `no table for ${id}`);
    assert.match(out, /^ {2}pair +median +min +max +unit$/m);
    assert.match(out, /^ {2}warren -> warren +[\d,]+ +[\d,]+ +[\d,]+ +round trips\/s/m);
    assert.match(out, /^ratio W1 unix +warren<->warren \/ raw limit +\d+\.\d\d$/m);
    assert.match(out, /^ratio W1 unix +warren<->warren \/ node:http<->node:http +\d+\.\d\d$/m);
    assert.match(out, /^ratio W3 unix +warren pipelined \/ W1 warren<->warren sequential +\d+\.\d\d$/m);
    assert.match(out, /^ratio W6 100 conn +warren \/ node:http +\d+\.\d\d$/m);
    assert.match(out, /^idle memory: [\d,]+ keep-alive connections/m);
    assert.match(out, /^ {2}warren +[\d.]+ MiB +[\d.]+ MiB/m);
    assert.match(out, /^ {2}node:http +[\d.]+ MiB +[\d.]+ MiB/m);
    assert.match(out, /^ {2}raw +[\d.]+ MiB +[\d.]+ MiB/m);
    assert.match(out, /^ {2}warren -> raw +[\d,]+ .+round trips\/s +[\d.]+ \+ +[\d.]+/m);
    assert.match(out, /^ratio W1 unix +client: warren->raw \/ raw limit +\d+\.\d\d$/m);
    // fastify is a server of the suite: behind undici and the raw client, and under W6's load.
    assert.match(out, /^ {2}undici -> fastify +[\d,]+ /m);
    assert.match(out, /^ {2}raw -> fastify +[\d,]+ /m);
    assert.match(out, /^ratio W1 unix +server: undici->warren \/ undici->fastify +\d+\.\d\d$/m);
    assert.match(out, /^ratio W1 unix +server: raw->warren \/ raw->fastify +\d+\.\d\d$/m);
    assert.match(out, /^ratio W6 100 conn +warren \/ fastify +\d+\.\d\d$/m);
    // The quick run measures without the keep-awake loops only, and says so in every table's title.
    assert.match(out, /^W1 \[unix, no keep-awake\] /m);
    assert.doesNotMatch(out, /^W\d \[[^\]]*, keep-awake\]/m);

    const report = parsed as Report;
    assert.equal(report.bench, 'suite');
    assert.equal(report.mode, 'quick');
    assert.equal(report.machine.node, process.version);
    assert.ok(report.machine.cores > 0);
    const keys = report.workloads.map((w) => `${w.id} ${w.variant}`);
    for (const key of ['W1 unix', 'W1 127.0.0.1', 'W2 unix', 'W2 127.0.0.1', 'W3 unix', 'W4 unix', 'W5 unix', 'W6 1 conn', 'W6 10 conn', 'W6 100 conn']) {
      assert.ok(keys.includes(key), `no ${key} in ${keys.join(', ')}`);
    }
    // ::1 is measured, or skipped with a reason.
    assert.ok(keys.includes('W1 ::1') || report.skipped.some((s) => s.what.includes('::1') && s.reason !== ''));
    for (const w of report.workloads) {
      assert.ok(w.results.length >= 3, `${w.id} ${w.variant}: ${w.results.length} pairs`);
      for (const r of w.results) {
        const where = `${w.id} ${w.variant} ${r.pair}`;
        assert.equal(r.runs.length, report.plan.runs, `${where}: runs`);
        assert.ok(r.min > 0 && r.min <= r.median && r.median <= r.max, `${where}: min ${r.min} median ${r.median} max ${r.max}`);
        // Sequential workloads say where the time went: CPU per round trip at each end. The
        // client's is read in µs and is never zero; the server child's comes in 10 ms ticks
        // from /proc, and a quick run's few round trips may see none.
        if (w.unit === 'round trips/s') {
          const cpu = r.cpu;
          assert.ok(cpu !== undefined && Number.isFinite(cpu.clientUs) && cpu.clientUs > 0 && Number.isFinite(cpu.serverUs) && cpu.serverUs >= 0, `${where}: cpu ${JSON.stringify(cpu)}`);
        }
      }
    }
    assert.ok(report.ratios.length > 20);
    for (const r of report.ratios) assert.ok(Number.isFinite(r.value) && r.value > 0, `${r.workload} ${r.name}: ${r.value}`);
    assert.equal(report.memory.requested, 1000);
    assert.deepEqual(
      report.memory.servers.map((s) => s.server),
      ['warren', 'node:http', 'raw'],
    );
    for (const s of report.memory.servers) {
      assert.ok(s.connections > 0 && s.connections <= 1000);
      assert.ok(s.rssBeforeKiB > 0 && s.rssAfterKiB > 0, `${s.server}: RSS`);
    }

    // The chart script takes that JSON.
    const svg = join(dir, 'chart.svg');
    const chart = spawnSync(process.execPath, [CHART, json, svg], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(chart.status, 0, chart.stderr);
    const text = readFileSync(svg, 'utf8');
    assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(text, /warren → warren/);
    assert.match(text, /<\/svg>\n$/);
  });
});

test('bench suite --awake both measures W1-W5 with and without the keep-awake loops, side by side', { timeout: 100_000 }, () => {
  quickRun(
    SUITE,
    90_000,
    ({ stdout: out, report: parsed }) => {
      for (const transport of ['unix', '127.0.0.1']) {
        for (const condition of ['keep-awake', 'no keep-awake']) assert.match(out, new RegExp(`^W2 \\[${transport}, ${condition}\\] `, 'm'), `no W2 ${transport} ${condition} table`);
      }
      assert.match(out, /^ +keep-awake +no keep-awake$/m);
      // Both conditions of a ratio on one line.
      assert.match(out, /^ratio W2 unix +warren<->warren \/ node:http<->node:http +\d+\.\d\d +\d+\.\d\d$/m);
      const report = parsed as Report;
      assert.deepEqual(report.conditions, ['keep-awake', 'no keep-awake']);
      const w2 = report.workloads.filter((w) => w.id === 'W2' && w.variant === 'unix');
      assert.deepEqual(w2.map((w) => w.condition).sort(), ['keep-awake', 'no keep-awake']);
      for (const w of w2) assert.ok(w.results.every((r) => r.runs.length === report.plan.runs && r.median > 0));
      assert.ok(report.ratios.some((r) => r.condition === 'keep-awake') && report.ratios.some((r) => r.condition === 'no keep-awake'));
    },
    ['--only', 'W2', '--awake', 'both'],
  );
});

test('bench suite refuses an unknown argument', () => {
  assertRefusesUnknownArgument(SUITE);
});
