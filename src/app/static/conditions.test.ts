// Validators, preconditions (RFC 9110 §13.2.2 order), Range and If-Range (§14, §13.1.5),
// HTTP-dates, and the MIME table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { entityTag, evaluatePreconditions, httpDate, parseEntityTags, parseHttpDate, parseRange, selectRange, trimOws, type Validators } from './conditions.js';
import { typeFor, UNKNOWN_TYPE } from './mime.js';

const ETAG = entityTag(1234n, 1_700_000_000_123_456_789n, 42n);
const V: Validators = { etag: ETAG, lastModified: 1_700_000_000 };
const NOW = 1_800_000_000;
const LM = httpDate(V.lastModified);

test('entityTag() is strong, quoted, and changes with each input', () => {
  assert.match(ETAG, /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
  assert.notEqual(entityTag(1235n, 1_700_000_000_123_456_789n, 42n), ETAG);
  assert.notEqual(entityTag(1234n, 1_700_000_000_123_456_790n, 42n), ETAG);
  assert.notEqual(entityTag(1234n, 1_700_000_000_123_456_789n, 43n), ETAG);
});

test('HTTP-dates: IMF-fixdate written and read; the obsolete forms read as GMT; junk is null', () => {
  assert.equal(httpDate(784111777), 'Sun, 06 Nov 1994 08:49:37 GMT');
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), 784111777);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), 784111777);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), 784111777);
  for (const bad of ['', 'yesterday', '1994-11-06', 'Sun, 06 Nov 1994 08:49:37 XYZ', 'Xyz, 06 Nov 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun, 0x Nov 1994 08:49:37 GMT']) {
    assert.equal(parseHttpDate(bad), null, bad);
  }
  fc.assert(fc.property(fc.integer({ min: 0, max: 253402300799 }), (s) => parseHttpDate(httpDate(s)) === s));
});

test('entity-tag lists: *, weak and strong, commas inside tags, malformed is null', () => {
  assert.equal(parseEntityTags('*'), '*');
  assert.deepEqual(parseEntityTags('"a", W/"b" ,"c,d"'), [
    { weak: false, opaque: '"a"' },
    { weak: true, opaque: '"b"' },
    { weak: false, opaque: '"c,d"' },
  ]);
  for (const bad of ['a', '"a', '"a" "b"', 'W/a', '"a b"', '', ' , ']) assert.equal(parseEntityTags(bad), null, bad);
});

const pre = (headers: Record<string, string>, method = 'GET'): string => evaluatePreconditions(method, headers, V, NOW);

test('If-None-Match: a match (weak comparison, or *) is 304 for GET/HEAD, 412 otherwise', () => {
  assert.equal(pre({}), 'pass');
  assert.equal(pre({ 'if-none-match': ETAG }), 'not-modified');
  assert.equal(pre({ 'if-none-match': `W/${ETAG}` }), 'not-modified');
  assert.equal(pre({ 'if-none-match': `"other", ${ETAG}` }), 'not-modified');
  assert.equal(pre({ 'if-none-match': '*' }, 'HEAD'), 'not-modified');
  assert.equal(pre({ 'if-none-match': '"other"' }), 'pass');
  assert.equal(pre({ 'if-none-match': ETAG }, 'POST'), 'failed');
});

test('If-Modified-Since: 304 when not modified since; a later file, a future or bad date pass', () => {
  assert.equal(pre({ 'if-modified-since': LM }), 'not-modified');
  assert.equal(pre({ 'if-modified-since': httpDate(V.lastModified + 10) }), 'not-modified');
  assert.equal(pre({ 'if-modified-since': httpDate(V.lastModified - 1) }), 'pass');
  assert.equal(pre({ 'if-modified-since': httpDate(NOW + 100) }), 'pass');
  assert.equal(pre({ 'if-modified-since': 'not a date' }), 'pass');
  assert.equal(pre({ 'if-modified-since': LM }, 'POST'), 'pass');
});

test('If-None-Match is evaluated before If-Modified-Since, which it then replaces', () => {
  // A date that alone would be 304, with a tag that does not match: 200.
  assert.equal(pre({ 'if-none-match': '"stale"', 'if-modified-since': LM }), 'pass');
  // A date that alone would be 200, with a tag that matches: 304.
  assert.equal(pre({ 'if-none-match': ETAG, 'if-modified-since': httpDate(V.lastModified - 100) }), 'not-modified');
  // A malformed If-None-Match is ignored: the date decides.
  assert.equal(pre({ 'if-none-match': 'garbage', 'if-modified-since': LM }), 'not-modified');
});

test('If-Match (strong) and If-Unmodified-Since fail with 412, before the others', () => {
  assert.equal(pre({ 'if-match': ETAG }), 'pass');
  assert.equal(pre({ 'if-match': '*' }), 'pass');
  assert.equal(pre({ 'if-match': `W/${ETAG}` }), 'failed');
  assert.equal(pre({ 'if-match': '"other"', 'if-none-match': ETAG }), 'failed');
  assert.equal(pre({ 'if-unmodified-since': httpDate(V.lastModified - 1) }), 'failed');
  assert.equal(pre({ 'if-unmodified-since': LM }), 'pass');
  // If-Match present: If-Unmodified-Since is not looked at.
  assert.equal(pre({ 'if-match': ETAG, 'if-unmodified-since': httpDate(V.lastModified - 1) }), 'pass');
});

test('Range: one range, open, suffix, clamped; unsatisfiable; others ignored (whole)', () => {
  const size = 1000;
  assert.deepEqual(parseRange('bytes=0-99', size), { kind: 'part', start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=900-', size), { kind: 'part', start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-100', size), { kind: 'part', start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-5000', size), { kind: 'part', start: 0, end: 999 });
  assert.deepEqual(parseRange('bytes=990-5000', size), { kind: 'part', start: 990, end: 999 });
  assert.deepEqual(parseRange('Bytes = 5-5', size), { kind: 'part', start: 5, end: 5 });
  assert.deepEqual(parseRange('bytes=5-5,', size), { kind: 'part', start: 5, end: 5 });
  assert.deepEqual(parseRange(`bytes=0-${'9'.repeat(40)}`, size), { kind: 'part', start: 0, end: 999 });
  for (const v of ['bytes=1000-', 'bytes=1000-2000', 'bytes=-0', `bytes=${'9'.repeat(40)}-`]) assert.deepEqual(parseRange(v, size), { kind: 'unsatisfiable' }, v);
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-1', 0), { kind: 'unsatisfiable' });
  for (const v of ['bytes=0-1,5-6', 'bytes=0-1, -5', 'items=0-1', 'bytes=5-1', 'bytes=a-b', 'bytes=', 'bytes', 'bytes=1', 'bytes=-', 'bytes=0x1-2', 'bytes=+1-2']) {
    assert.deepEqual(parseRange(v, size), { kind: 'whole' }, v);
  }
});

test('If-Range: a strong match or the exact Last-Modified (a second old) keeps the Range; else the whole file', () => {
  const r = (h: Record<string, string>, lastModified = V.lastModified): string => selectRange({ range: 'bytes=0-9', ...h }, 100, { ...V, lastModified }, NOW).kind;
  assert.equal(r({}), 'part');
  assert.equal(r({ 'if-range': ETAG }), 'part');
  assert.equal(r({ 'if-range': '"other"' }), 'whole');
  assert.equal(r({ 'if-range': `W/${ETAG}` }), 'whole');
  assert.equal(r({ 'if-range': LM }), 'part');
  assert.equal(r({ 'if-range': httpDate(V.lastModified + 1) }), 'whole');
  assert.equal(r({ 'if-range': httpDate(NOW) }, NOW), 'whole');
  assert.equal(selectRange({}, 100, V, NOW).kind, 'whole');
});

test('fast-check: any Range value gives a choice within the file, never a throw', () => {
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.tuple(fc.constantFrom('bytes=', 'BYTES=', 'bytes =', 'x='), fc.array(fc.tuple(fc.option(fc.nat(3000)), fc.option(fc.nat(3000))), { maxLength: 3 })).map(
      ([unit, specs]) => unit + specs.map(([a, b]) => `${a ?? ''}-${b ?? ''}`).join(','),
    ),
  );
  fc.assert(
    fc.property(value, fc.nat(2000), (v, size) => {
      const c = parseRange(v, size);
      if (c.kind === 'part') assert.ok(c.start >= 0 && c.start <= c.end && c.end < size, `${v} ${size} ${JSON.stringify(c)}`);
    }),
    { numRuns: 5000 },
  );
});

test('trimOws() strips SP and HTAB only', () => {
  assert.equal(trimOws(' \t a b\t '), 'a b');
  assert.equal(trimOws('\u00a0a\n'), '\u00a0a\n');
});

test('MIME types: the table, charset on text, overrides, unknown', () => {
  assert.equal(typeFor('index.html'), 'text/html; charset=utf-8');
  assert.equal(typeFor('APP.CSS'), 'text/css; charset=utf-8');
  assert.equal(typeFor('app.js'), 'text/javascript; charset=utf-8');
  assert.equal(typeFor('mod.mjs'), 'text/javascript; charset=utf-8');
  assert.equal(typeFor('data.json'), 'application/json; charset=utf-8');
  assert.equal(typeFor('app.js.map'), 'application/json; charset=utf-8');
  assert.equal(typeFor('logo.svg'), 'image/svg+xml; charset=utf-8');
  assert.equal(typeFor('a.png'), 'image/png');
  assert.equal(typeFor('a.jpeg'), 'image/jpeg');
  assert.equal(typeFor('f.woff2'), 'font/woff2');
  assert.equal(typeFor('m.wasm'), 'application/wasm');
  assert.equal(typeFor('v.mp4'), 'video/mp4');
  assert.equal(typeFor('a.tar.gz'), 'application/gzip');
  assert.equal(typeFor('README'), UNKNOWN_TYPE);
  assert.equal(typeFor('x.unknownext'), UNKNOWN_TYPE);
  assert.equal(typeFor('x.toString'), UNKNOWN_TYPE);
  assert.equal(typeFor('x.__proto__'), UNKNOWN_TYPE);
  assert.equal(typeFor('notes.org', { org: 'text/org' }), 'text/org; charset=utf-8');
  assert.equal(typeFor('a.txt', { txt: 'text/plain; charset=latin1' }), 'text/plain; charset=latin1');
});
