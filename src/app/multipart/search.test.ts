// The delimiter search against the obvious one (indexOf over the whole input): random
// texts over a tiny alphabet full of near-delimiters, cut into random pieces, give the
// same data and delimiters in the same order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DelimiterSearch } from './search.js';

/** What the search reports over `pieces`: data joined between delimiters, as strings. */
function scanAll(needle: string, pieces: readonly Uint8Array[]): string[] {
  const search = new DelimiterSearch(Buffer.from(needle, 'latin1'));
  const out: string[] = [''];
  for (const piece of pieces) {
    let at = 0;
    for (;;) {
      const r = search.scan(piece, at);
      if (r.type === 'need-data') break;
      at = r.next;
      if (r.type === 'data') {
        assert.ok(r.bytes.length > 0);
        out[out.length - 1] += Buffer.from(r.bytes).toString('latin1');
      } else out.push('');
    }
  }
  return out;
}

test('the search finds what indexOf finds, in any pieces (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('\r\n--a', '\r\n--ab', '\r\n--aba', '\r\n--' + 'a'.repeat(9)),
      fc.array(fc.constantFrom('\r', '\n', '-', 'a', 'b', '\r\n--', '\r\n--a'), { maxLength: 60 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (needle, parts, cuts) => {
        const text = parts.join('');
        // The held tail at the end is neither data nor delimiter yet: end the text with a byte no delimiter starts with.
        const all = Buffer.from(`${text}.`, 'latin1');
        const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((start, i) => all.subarray(start, i < at.length ? at[i] : all.length));
        assert.deepEqual(scanAll(needle, pieces), `${text}.`.split(needle));
      },
    ),
    { numRuns: 3000 },
  );
});

test('the delimiter is refused unless CR is its first byte and only CR', () => {
  assert.throws(() => new DelimiterSearch(Buffer.from('--a')), /its only CR/);
  assert.throws(() => new DelimiterSearch(Buffer.from('\r\n--\ra')), /its only CR/);
});
