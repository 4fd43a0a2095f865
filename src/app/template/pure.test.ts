// What the template engine promises by construction, checked on its compiled files: the
// parsers and the compiler import nothing from node: (only folder.ts reads files), and no
// file evaluates text as code (no eval, no new Function), so template text or data can never
// configure or run the engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(here).filter((name) => name.endsWith('.js') && !name.endsWith('.test.js'));

function imports(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const text = readFileSync(new URL(name, new URL(`file://${here}`)), 'utf8');
  for (const m of text.matchAll(/^import .* from '([^']+)';$/gm)) {
    const target = m[1]!;
    if (target.startsWith('./')) imports(target.slice(2), seen);
    else seen.add(target);
  }
  return seen;
}

test('the parsers and the compiler reach no node: module, by any chain of imports; only folder.js does', () => {
  assert.ok(sources.length >= 10, sources.join());
  for (const name of sources) {
    const reached = [...imports(name)].filter((m) => m.startsWith('node:'));
    if (name === 'folder.js') assert.deepEqual(reached.sort(), ['node:fs', 'node:path']);
    else assert.deepEqual(reached, [], `${name} reaches ${reached.join(', ')}`);
  }
});

test('no template file evaluates text as code', () => {
  for (const name of sources) {
    const text = readFileSync(new URL(name, new URL(`file://${here}`)), 'utf8');
    assert.doesNotMatch(text, /\beval\s*\(|new Function|\bFunction\s*\(/, name);
  }
});
