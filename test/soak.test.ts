// The soak's smoke run: `npm run soak -- --seconds 10` must finish with 0 errors and no
// steady RSS growth (the soak's own exit code says both). The long run is not part of npm test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('a 10-second soak: mixed plain and TLS workload, 0 errors, no steady RSS growth', { timeout: 60_000 }, () => {
  const script = fileURLToPath(new URL('../bench/soak.js', import.meta.url));
  const run = spawnSync(process.execPath, [script, '--seconds', '10'], { encoding: 'utf8', timeout: 50_000 });
  const summary = run.stdout.split('\n').find((line) => line.startsWith('soak:')) ?? '';
  console.log(summary);
  assert.equal(run.status, 0, `the soak failed:\n${run.stdout}\n${run.stderr}`);
  assert.match(summary, / 0 errors,/);
});
