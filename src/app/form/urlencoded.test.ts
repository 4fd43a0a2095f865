// The urlencoded parser and query(): the WHATWG parser's cases, strict decoding (400), the
// limits (413), every input split nowhere (it is whole-body) but checked against
// URLSearchParams on random well-formed input; and FormValues' multi-map rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseUrlencoded, query, QUERY_LIMITS } from './urlencoded.js';
import { FormValues, FormFiles } from './values.js';
import { DEFAULT_FORM_LIMITS } from './limits.js';
import { HttpError } from '../errors.js';

const parse = (s: string | Uint8Array) => [...parseUrlencoded(s, DEFAULT_FORM_LIMITS)];
const failure = (fn: () => unknown): { status: number; code: string } => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return { status: error.status, code: error.code };
  }
  assert.fail('no error');
};

test('the WHATWG cases: + is space, %XX is UTF-8, empty sequences skipped, blanks kept, first = splits', () => {
  assert.deepEqual(parse('a=1&b=&c&&a=2&d=x=y&e=%E2%82%AC+%2B&%C3%A9=1'), [
    ['a', '1'],
    ['b', ''],
    ['c', ''],
    ['a', '2'],
    ['d', 'x=y'],
    ['e', '€ +'],
    ['é', '1'],
  ]);
  assert.deepEqual(parse(''), []);
  assert.deepEqual(parse('&&&'), []);
  assert.deepEqual(parse('%EF%BB%BFa=1'), [['\uFEFFa', '1']], 'a BOM is kept (UTF-8 decode without BOM)');
  assert.deepEqual(parse(Buffer.from('a=%20b')), [['a', ' b']]);
});

test('strict where WHATWG is lenient: a bad % escape or bytes that are not UTF-8 are a 400; an empty name too', () => {
  assert.deepEqual(failure(() => parse('a=%')), { status: 400, code: 'bad-percent' });
  assert.deepEqual(failure(() => parse('a=%4')), { status: 400, code: 'bad-percent' });
  assert.deepEqual(failure(() => parse('a=%zz')), { status: 400, code: 'bad-percent' });
  assert.deepEqual(failure(() => parse('a=%FF')), { status: 400, code: 'bad-utf8' });
  assert.deepEqual(failure(() => parse('a=%C3')), { status: 400, code: 'bad-utf8' });
  assert.deepEqual(failure(() => parse(Uint8Array.of(0x61, 0x3d, 0xff))), { status: 400, code: 'bad-utf8' });
  assert.deepEqual(failure(() => parse('=x')), { status: 400, code: 'empty-name' }, 'CVE-2025-48997');
  assert.deepEqual(failure(() => parse('a=1&=')), { status: 400, code: 'empty-name' });
});

test('nested-looking names are plain names (CVE-2026-5079)', () => {
  const name = `a${'[b]'.repeat(1000)}`;
  const values = parseUrlencoded(`${encodeURIComponent(name)}=1&__proto__[x]=2&constructor=3`, { ...DEFAULT_FORM_LIMITS, maxNameBytes: 1 << 20 });
  assert.deepEqual(values.names(), [name, '__proto__[x]', 'constructor']);
  assert.equal(values.get('constructor'), '3');
  assert.equal(values.get('toString'), null);
});

test('limits: fields, name bytes and value bytes as sent, the whole form: each a 413', () => {
  const limits = { ...DEFAULT_FORM_LIMITS, maxFields: 2, maxNameBytes: 3, maxFieldBytes: 3, maxBytes: 20 };
  assert.deepEqual(parseUrlencoded('abc=123&de=45', limits).size, 2);
  assert.deepEqual(failure(() => parseUrlencoded('a=1&b=2&c=3', limits)), { status: 413, code: 'too-many-fields' });
  assert.deepEqual(failure(() => parseUrlencoded('abcd=1', limits)), { status: 413, code: 'name-too-long' });
  assert.deepEqual(failure(() => parseUrlencoded('a=1234', limits)), { status: 413, code: 'field-too-large' });
  assert.deepEqual(failure(() => parseUrlencoded('a=%41%41', limits)), { status: 413, code: 'field-too-large' }, 'bytes as sent');
  assert.deepEqual(failure(() => parseUrlencoded('a=1&&&&&&&&&&&&&&&&&&&&&', limits)), { status: 413, code: 'form-too-large' });
});

test('well-formed random forms parse as URLSearchParams does (fast-check)', () => {
  const pair = fc.tuple(fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }), fc.string({ maxLength: 8, unit: 'grapheme' }));
  fc.assert(
    fc.property(fc.array(pair, { maxLength: 8 }), (pairs) => {
      const body = new URLSearchParams(pairs).toString();
      assert.deepEqual(parse(body), [...new URLSearchParams(body)]);
    }),
    { numRuns: 500 },
  );
});

test('random input never throws anything but a coded HttpError (fast-check)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (input) => {
      try {
        parse(input);
      } catch (error) {
        assert.ok(error instanceof HttpError && (error.status === 400 || error.status === 413), String(error));
      }
    }),
    { numRuns: 2000 },
  );
});

test('query(): the request query as FormValues, empty without one; a count limit only', () => {
  assert.equal(query({ query: null }).size, 0);
  assert.equal(query({ query: '' }).size, 0);
  const q = query({ query: 'tag=a&tag=b&q=hello+world&empty=' });
  assert.deepEqual(q.getAll('tag'), ['a', 'b']);
  assert.equal(q.get('q'), 'hello world');
  assert.equal(q.get('empty'), '');
  assert.equal(q.get('missing'), null);
  assert.equal(QUERY_LIMITS.maxFields, 1000);
  assert.deepEqual(failure(() => query({ query: 'a&'.repeat(1001) })), { status: 413, code: 'too-many-fields' });
});

test('FormValues: first value, all values, names in first-seen order, iteration in order, frozen', () => {
  const v = new FormValues([
    ['b', '1'],
    ['a', ''],
    ['b', '2'],
  ]);
  assert.equal(v.get('b'), '1');
  assert.deepEqual(v.getAll('b'), ['1', '2']);
  assert.deepEqual(v.getAll('zz'), []);
  assert.equal(v.has('a'), true);
  assert.equal(v.get('a'), '', 'blanks are kept');
  assert.deepEqual(v.names(), ['b', 'a']);
  assert.deepEqual([...v], [['b', '1'], ['a', ''], ['b', '2']]);
  assert.equal(v.size, 3);
  (v.getAll('b') as string[]).push('3');
  assert.deepEqual(v.getAll('b'), ['1', '2'], 'getAll hands out a copy');
  assert.ok(Object.isFrozen(v));
  assert.throws(() => new FormValues([['', 'x']]), /a form name is a non-empty string, got string ""/);
  assert.equal(new FormFiles().size, 0);
});
