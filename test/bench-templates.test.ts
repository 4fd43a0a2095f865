// Keeps the templates bench from rotting: its quick mode runs as a child process (it checks
// itself that every engine renders the same page), prints a row per engine and the XSS
// table, and warren's column of that table never says LIVE. The speeds are not checked.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertRefusesUnknownArgument, quickRun } from './lib/bench.js';

const BENCH = fileURLToPath(new URL('../bench/templates.js', import.meta.url));

test('bench/templates --quick times every engine, and warren emits no live attack in the XSS table', { timeout: 60_000 }, () => {
  quickRun(BENCH, 50_000, ({ stdout, report }) => {
    for (const engine of ['warren html``', 'warren file template', 'Eta 4 \\(autoEscape\\)', 'Nunjucks 3 \\(autoescape\\)', 'warren html`` \\+ bytes', 'Eta 4 \\+ bytes']) assert.match(stdout, new RegExp(`^  ${engine} +[\\d,]+ +[\\d,]+ +[\\d,]+  pages/s$`, 'm'));
    const { rows, xss } = report as { rows: { name: string; runs: number[] }[]; xss: { case: string; verdicts: Record<string, string> }[] };
    assert.ok(rows.every((row) => row.runs.length === 3 && row.runs.every((r) => r > 0)));
    assert.ok(xss.length >= 9);
    for (const row of xss) {
      assert.match(row.verdicts['warren']!, /^(safe|refused \(.+\))$/, row.case);
      assert.ok(row.verdicts['warren json()'] === '' || /^(safe|refused)/.test(row.verdicts['warren json()']!), row.case);
    }
    // What the issue reports of the others: a live javascript: href and a live onmouseover.
    assert.equal(xss.find((row) => row.case === 'href javascript:')?.verdicts['Eta 4'], 'LIVE');
    assert.equal(xss.find((row) => row.case === 'unquoted onmouseover')?.verdicts['Nunjucks 3'], 'LIVE');
  });
});

test('bench/templates refuses an unknown argument', () => {
  assertRefusesUnknownArgument(BENCH);
});
