// lowerToken: a token's lowercase form, from its cache or its check; never a non-token.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerToken } from './syntax.js';

test('lowerToken folds a token and refuses what is not one, every time it is asked', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(lowerToken('Content-Type'), 'content-type');
    assert.equal(lowerToken('x-ok!#$%&\'*+.^_`|~9'), 'x-ok!#$%&\'*+.^_`|~9');
    for (const bad of ['', 'a b', 'a:b', 'a\r', 'na\u00efve', 'x\u0100']) assert.equal(lowerToken(bad), null, JSON.stringify(bad));
  }
});

test('lowerToken stays right past its cache bound, and for names cut from a longer text', () => {
  for (let i = 0; i < 2000; i++) assert.equal(lowerToken(`X-Name-${i}`), `x-name-${i}`);
  const head = `X-Long-Name-${'A'.repeat(80)}: v`;
  const name = head.slice(0, head.indexOf(':'));
  assert.equal(lowerToken(name), name.toLowerCase());
  assert.equal(lowerToken(name), name.toLowerCase());
});
