// The differential against node's llhttp on a fixed-seed batch (a few thousand messages,
// seconds): zero cases where both accept with different framing, and every case where one
// refuses falls in a class docs/deviations.md argues, under the key it uses there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { run } from '../bench/fuzz/differential/main.js';
import { DOCUMENTED } from '../bench/fuzz/differential/documented.js';

const COUNT = Number(process.env.WARREN_DIFFERENTIAL_COUNT ?? 5000);

test(`differential: ${COUNT} messages, no different framing, every disagreement documented`, () => {
  const t = run(COUNT, 17);
  assert.equal(t.count, COUNT);
  assert.ok(t.classes.agree! > COUNT / 2, `most cases agree: ${JSON.stringify(t.classes)}`);
  assert.deepEqual(t.framing.map((f) => `${f.key}: ${JSON.stringify(f.example.text)}`), []);
  assert.deepEqual(t.undocumented, []);
});

test('every documented key is argued in docs/deviations.md', () => {
  const doc = readFileSync(new URL('../../docs/deviations.md', import.meta.url), 'utf8');
  for (const key of DOCUMENTED) assert.ok(doc.includes(`\`${key}\``), `docs/deviations.md does not argue ${key}`);
});
