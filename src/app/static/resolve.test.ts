// resolvePath(): every traversal form is refused from the name alone, what is served is
// decoded once, and no list of segments (random, encoded dots/slashes/unicode) throws or
// leads out of the root once joined.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import fc from 'fast-check';
import { encodeName, refusal, resolvePath } from './resolve.js';
import { decodeSegment } from '../path.js';

test('plain names resolve, decoded once; a last empty segment is a directory', () => {
  assert.deepEqual(resolvePath([]), { ok: true, names: [], directory: true });
  assert.deepEqual(resolvePath(['']), { ok: true, names: [], directory: true });
  assert.deepEqual(resolvePath(['css', 'app.css']), { ok: true, names: ['css', 'app.css'], directory: false });
  assert.deepEqual(resolvePath(['sub', '']), { ok: true, names: ['sub'], directory: true });
  assert.deepEqual(resolvePath(['a%20b.txt']), { ok: true, names: ['a b.txt'], directory: false });
  assert.deepEqual(resolvePath(['%E2%82%AC.txt']), { ok: true, names: ['€.txt'], directory: false });
  // Decoded once: %252e stays the name "%2e", a harmless file name, never a second decoding into "..".
  assert.deepEqual(resolvePath(['%252e%252e', 'x']), { ok: true, names: ['%2e%2e', 'x'], directory: false });
  assert.deepEqual(resolvePath(['a..b', 'c.']), { ok: true, names: ['a..b', 'c.'], directory: false });
});

const REFUSED: readonly (readonly string[])[] = [
  ['..'],
  ['..', 'etc', 'passwd'],
  ['a', '..', '..', 'x'],
  ['%2e%2e', 'x'],
  ['%2E%2E', 'x'],
  ['.%2e', 'x'],
  ['%2e.', 'x'],
  ['%2e'],
  ['.'],
  ['a', '.', 'b'],
  ['a%2fb'],
  ['..%2f..%2fetc%2fpasswd'],
  ['%2F'],
  ['a%5cb'],
  ['..%5c..%5cwindows'],
  ['%5C'],
  ['a%00.txt'],
  ['%00'],
  ['a%0a'],
  ['a%7f'],
  ['', 'etc'],
  ['a', '', 'b'],
  ['', ''],
  ['.git', 'config'],
  ['.env'],
  ['%2egit'],
  ['sub', '.hidden'],
];

for (const segments of REFUSED) {
  test(`refused with 403: /${segments.join('/')}`, () => {
    const r = resolvePath(segments);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.status, 403);
    assert.equal(!r.ok && r.code, 'refused-name');
    // The page never repeats the raw segment.
    assert.ok(!r.ok && !r.message.includes('%'));
  });
}

for (const segment of ['%', '%2', '%zz', '%ff', '%c3', '%ed%a0%80', 'a%e2%82']) {
  test(`malformed encoding is 400: ${segment}`, () => {
    const r = resolvePath([segment]);
    assert.deepEqual([r.ok, !r.ok && r.status, !r.ok && r.code], [false, 400, 'bad-encoding']);
  });
}

test('refusal() names the rule', () => {
  assert.equal(refusal('ok.txt'), null);
  assert.match(refusal('..')!, /\. or \.\./);
  assert.match(refusal('.x')!, /dot/);
  assert.match(refusal('a/b')!, /\//);
  assert.match(refusal('a\\b')!, /\\/);
  assert.match(refusal('a\u0000')!, /control/);
  assert.match(refusal('')!, /empty/);
});

test('encodeName() round-trips through decodeSegment and leaves no scheme, quote or slash', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (name) => {
      const encoded = encodeName(name);
      assert.equal(decodeSegment(encoded), name);
      assert.ok(!/[/:'"<>\\?#]/.test(encoded), encoded);
    }),
    { numRuns: 2000 },
  );
  assert.equal(encodeName('javascript:alert(1)'), 'javascript%3Aalert%281%29');
});

const piece = fc.oneof(
  fc.constantFrom('..', '.', '', '%2e%2e', '%2E%2e', '.%2e', '%2e', '%2f', '%2F', '%5c', '%5C', '%00', '..%2f', '%2f..', '%c0%ae', '%', '%2', '%ff', '%E2%82%AC', 'a', 'b.txt', '.git', '~', '%252e'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const segmentArb = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));

test('fast-check: no segment list throws, and what resolves stays under the root', () => {
  const root = '/srv/root';
  fc.assert(
    fc.property(fc.array(segmentArb, { maxLength: 8 }), (segments) => {
      const r = resolvePath(segments);
      if (!r.ok) return;
      for (const name of r.names) assert.equal(refusal(name), null);
      const joined = posix.join(root, ...r.names);
      assert.ok(joined === root || joined.startsWith(`${root}/`), `${JSON.stringify(segments)} -> ${joined}`);
      // Joining adds no level and removes none: each name is one directory level.
      assert.equal(posix.relative(root, joined).split('/').filter((s) => s !== '').length, r.names.length);
    }),
    { numRuns: 20000 },
  );
});

test('the pure parts import nothing from node:* (paths, MIME, conditions, listing)', async () => {
  const { readFileSync } = await import('node:fs');
  for (const name of ['resolve', 'mime', 'conditions', 'listing']) {
    const source = readFileSync(new URL(`./${name}.js`, import.meta.url), 'utf8');
    assert.ok(!/from\s+['"]node:|import\(\s*['"]node:|require\(/.test(source), `${name}.js imports a node module`);
  }
});
