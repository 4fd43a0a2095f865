// Accept-Encoding parsing and negotiation: fixed cases from RFC 9110 §12.5.3 and browsers'
// values, then fast-check over well-formed fields (the model: the highest weight wins) and
// over garbage (never a throw, always an answer among the offered codings).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { negotiateEncoding, parseAcceptEncoding, parseQValue } from './accept-encoding.js';

const ALL = ['br', 'zstd', 'gzip', 'deflate'];

test('qvalues: the RFC 9110 §12.4.2 grammar, in thousandths', () => {
  const good: [string, number][] = [['0', 0], ['1', 1000], ['0.5', 500], ['0.05', 50], ['0.005', 5], ['0.', 0], ['1.', 1000], ['1.000', 1000], ['0.999', 999]];
  for (const [text, q] of good) assert.equal(parseQValue(text), q, text);
  for (const text of ['', '2', '1.001', '0.1234', '.5', '-0', ' 1', '1 ', '0,5', '0.5x', 'q', '01']) assert.equal(parseQValue(text), null, JSON.stringify(text));
});

test('members: codings lowercased, OWS is SP and HTAB only, bad members skipped', () => {
  assert.deepEqual(parseAcceptEncoding('gzip, deflate, br, zstd'), ['gzip', 'deflate', 'br', 'zstd'].map((coding) => ({ coding, q: 1000 })));
  assert.deepEqual(parseAcceptEncoding(' GZip ;\tq=0.5 ,,identity; Q=0, *;q=0.1'), [
    { coding: 'gzip', q: 500 },
    { coding: 'identity', q: 0 },
    { coding: '*', q: 100 },
  ]);
  // A bad weight drops its member only; a non-token coding too; other parameters are ignored.
  assert.deepEqual(parseAcceptEncoding('gzip;q=2, br;q=, zstd;q = 1, de flate, deflate;level=9'), [{ coding: 'deflate', q: 1000 }]);
  // U+00A0 and other Unicode spaces are not OWS.
  assert.deepEqual(parseAcceptEncoding('\u00a0gzip, br\u00a0'), []);
  assert.deepEqual(parseAcceptEncoding(''), []);
});

test('negotiation: the highest weight wins, ties go to the server order, identity and * as the RFC says', () => {
  const cases: [string | null, string | null][] = [
    [null, 'identity'], // no field: compress only when asked
    ['', 'identity'], // an empty field: no coding wanted
    ['gzip, deflate, br, zstd', 'br'], // Chrome: all weigh 1, the server's order decides
    ['gzip, deflate', 'gzip'],
    ['deflate, gzip;q=0.8', 'deflate'],
    ['br;q=0.1, gzip;q=0.9', 'gzip'],
    ['gzip;q=0.5', 'gzip'], // identity unnamed weighs the least named weight: a coding wins the tie
    ['gzip;q=0.5, identity', 'identity'], // identity named, heavier
    ['gzip;q=0.5, identity;q=0.5', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, gzip', 'gzip'],
    ['*;q=0, gzip;q=0', null], // nothing acceptable, identity refused by *
    ['identity;q=0', null],
    ['identity;q=0, deflate', 'deflate'],
    ['gzip;q=0', 'identity'], // gzip refused; identity still fine
    ['x-gzip', 'gzip'], // RFC 9110 §8.4.1.3
    ['compress, sdch', 'identity'], // codings this server lacks
    ['*;q=0, identity;q=0.1', 'identity'],
    ['gzip;q=0, gzip', 'identity'], // the first mention counts
    ['BR', 'br'],
  ];
  for (const [value, expected] of cases) assert.equal(negotiateEncoding(value, ALL), expected, String(value));
  assert.equal(negotiateEncoding('zstd, gzip', ['gzip', 'deflate']), 'gzip', 'only what the server offers');
  assert.equal(negotiateEncoding('zstd', []), 'identity');
});

const coding = fc.constantFrom('br', 'zstd', 'gzip', 'deflate', 'identity', '*', 'x-gzip', 'compress', 'BR', 'Gzip');
const qvalue = fc.integer({ min: 0, max: 1000 }).map((t) => (t === 1000 ? '1' : `0.${String(t).padStart(3, '0')}`));
const ows = fc.constantFrom('', ' ', '\t', '  ');

test('fast-check: well-formed fields parse to their members, and the chosen coding weighs the most', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(coding, fc.option(qvalue, { nil: undefined }), ows, ows), { minLength: 1, maxLength: 8 }), (members) => {
      const value = members.map(([c, q, a, b]) => `${a}${c}${q === undefined ? '' : `${b};${a}q=${q}`}${b}`).join(',');
      const parsed = parseAcceptEncoding(value);
      assert.deepEqual(parsed.map((m) => m.coding), members.map(([c]) => c.toLowerCase()));
      const chosen = negotiateEncoding(value, ALL);
      // The weight of each offered coding, as the RFC reads the field (first mention, x-gzip is gzip, * for the rest).
      const weights = new Map<string, number>();
      for (const m of parsed) {
        const name = m.coding === 'x-gzip' ? 'gzip' : m.coding;
        if (!weights.has(name)) weights.set(name, m.q);
      }
      const weightOf = (c: string): number => weights.get(c) ?? weights.get('*') ?? 0;
      const top = Math.max(...ALL.map(weightOf));
      if (chosen !== null && chosen !== 'identity') {
        assert.ok(ALL.includes(chosen));
        assert.equal(weightOf(chosen), top, `${chosen} for ${value}`);
        assert.ok(top > 0);
      } else if (chosen === null) {
        assert.equal(top, 0, `null but a coding weighs ${top}: ${value}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('fast-check: garbage never throws and always answers among the offered codings, identity or null', () => {
  const offered = ['gzip', 'br'];
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: fc.constantFrom(',', ';', '=', 'q', '0', '1', '.', ' ', '\t', 'g', 'z', 'i', 'p', '*', 'b', 'r', '\u00a0'), maxLength: 60 })), (value) => {
      const chosen = negotiateEncoding(value, offered);
      assert.ok(chosen === null || chosen === 'identity' || offered.includes(chosen), String(chosen));
      for (const m of parseAcceptEncoding(value)) assert.ok(m.q >= 0 && m.q <= 1000 && m.coding.length > 0);
    }),
    { numRuns: 3000 },
  );
});
