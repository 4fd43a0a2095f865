// lowerToken, keepAliveTimeout, requestStatesEmptyLength, digitsValue, isValueText, isHost, isTarget and
// opensTunnel: small rules of the core, each on its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { digitsValue, isHost, isTarget, isValueText, keepAliveTimeout, lowerToken, remember } from './syntax.js';
import { opensTunnel } from './framing.js';
import { requestStatesEmptyLength } from './framing.js';

test('lowerToken folds a token and refuses what is not one, every time it is asked', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(lowerToken('Content-Type'), 'content-type');
    assert.equal(lowerToken('x-ok!#$%&\'*+.^_`|~9'), 'x-ok!#$%&\'*+.^_`|~9');
    for (const bad of ['', 'a b', 'a:b', 'a\r', 'na\u00efve', 'x\u0100']) assert.equal(lowerToken(bad), null, JSON.stringify(bad));
  }
});

test('lowerToken stays right past its cache bound, and for names cut from a longer text', () => {
  // Twice round 2000 names: the cache fills, empties and fills again, and every answer holds.
  for (let round = 0; round < 2; round++) for (let i = 0; i < 2000; i++) assert.equal(lowerToken(`X-Name-${i}`), `x-name-${i}`);
  const head = `X-Long-Name-${'A'.repeat(80)}: v`;
  const name = head.slice(0, head.indexOf(':'));
  assert.equal(lowerToken(name), name.toLowerCase());
  assert.equal(lowerToken(name), name.toLowerCase());
});

test('keepAliveTimeout reads the timeout parameter of Keep-Alive, and nothing else', () => {
  const cases: [string | null, number | null][] = [
    [null, null],
    ['timeout=5', 5],
    ['timeout=5, max=1000', 5],
    ['max=1000, Timeout = 30', 30],
    ['max=1000', null],
    ['timeout=', null],
    ['timeout=5s', null],
    ['xtimeout=5', null],
    ['timeout=1234567890', null],
  ];
  for (const [value, seconds] of cases) assert.equal(keepAliveTimeout(value), seconds, String(value));
});

test('requestStatesEmptyLength: POST, PUT and PATCH say Content-Length: 0 when they carry nothing', () => {
  for (const method of ['POST', 'PUT', 'PATCH']) assert.equal(requestStatesEmptyLength(method), true, method);
  for (const method of ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'CONNECT', 'post']) assert.equal(requestStatesEmptyLength(method), false, method);
});

test('digitsValue reads 1 to max ASCII digits as an exact number, and nothing else', () => {
  for (const [text, max, want] of [
    ['0', 16, 0],
    ['108', 16, 108],
    ['007', 3, 7],
    ['9007199254740991', 16, Number.MAX_SAFE_INTEGER],
    ['9007199254740992', 16, -1],
    ['1234', 3, -1],
    ['', 16, -1],
    ['1 ', 16, -1],
    ['+1', 16, -1],
    ['1e3', 16, -1],
    ['１', 16, -1],
  ] as const) {
    assert.equal(digitsValue(text, max), want, JSON.stringify(text));
  }
});

test('isValueText takes HTAB, SP, visible ASCII and obs-text; refuses other controls and chars above U+00FF', () => {
  for (const ok of ['', 'a b\tc', '~\x80\xff']) assert.equal(isValueText(ok), true, JSON.stringify(ok));
  for (const bad of ['a\r', 'a\nb', '\0', '\x7f', '\x1f', 'na\u0100ve', '\u{1F600}']) assert.equal(isValueText(bad), false, JSON.stringify(bad));
});

test('opensTunnel: a 2xx answer to CONNECT only', () => {
  assert.deepEqual(
    [opensTunnel('CONNECT', 200), opensTunnel('CONNECT', 299), opensTunnel('CONNECT', 199), opensTunnel('CONNECT', 300), opensTunnel('GET', 200), opensTunnel(null, 200)],
    [true, true, false, false, false, false],
  );
});

test('isHost and isTarget take what their grammar\'s regular expression takes, no more, no less', () => {
  // The expressions they replace, kept here as the oracle.
  const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;
  const TARGET = /^[\x21-\x7e]+$/;
  const chars = fc.constantFrom(...'aFZ09-._~!$&\'()*+,;=%[]:/?# \t\r\n\x00\x7f\u00e9\u0100@"<>\\^`{|}'.split(''));
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 12 }).map((a) => a.join('')), (text) => {
      assert.equal(isHost(text), HOST.test(text), `isHost(${JSON.stringify(text)})`);
      assert.equal(isTarget(text), TARGET.test(text), `isTarget(${JSON.stringify(text)})`);
    }),
    { numRuns: 20_000 },
  );
  for (const host of ['', 'bench', 'a.b:80', '[::1]', '[::1]:8080', '127.0.0.1:', 'x:y', '[::1', '[]', '[::1]x', 'h\u00e9', 'a:1:2']) {
    assert.equal(isHost(host), HOST.test(host), host);
  }
});

test('remember keeps a cache to its bound by emptying it, and then holds the newest', () => {
  const cache = new Map<string, number>();
  for (let i = 0; i < 10; i++) {
    remember(cache, 4, `k${i}`, i);
    assert.ok(cache.size <= 4, `size ${cache.size} after ${i + 1}`);
    assert.equal(cache.get(`k${i}`), i);
  }
  // Ten into four: emptied at the fifth and the ninth, so k8 and k9 are left.
  assert.deepEqual([...cache.keys()], ['k8', 'k9']);
});
