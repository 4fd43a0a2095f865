// lowerToken, keepAliveTimeout and requestStatesEmptyLength: small rules of the core, each on its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepAliveTimeout, lowerToken } from './syntax.js';
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
