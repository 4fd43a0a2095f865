// The URL filter and the reading of literal URL text, with fast-check: whatever surrounds
// a live scheme (case, controls, spaces, character references), the filter refuses it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeReferences, isSafeUrl, readUrlText } from './url.js';

test('isSafeUrl: relative, http:, https: and mailto: pass; other schemes do not', () => {
  for (const url of ['', '/', 'a', 'a/b:c', '?x:y', '#a:b', 'http://x', 'HTTPS://x', 'mailto:x', ' https://x', '//x']) assert.equal(isSafeUrl(url), true, url);
  for (const url of ['javascript:', 'data:x', 'vbscript:', 'a:b', 'tel:1', ' JAVASCRIPT:', 'java\u0000script:', 'jav&#x09;ascript:', '&#x6a;avascript:', 'javascript&colon;']) assert.equal(isSafeUrl(url), false, url);
});

test('isSafeUrl refuses javascript: in any case, with any controls, spaces or numeric references between its letters', () => {
  const letter = (c: string) =>
    fc.oneof(
      fc.constant(c),
      fc.constant(c.toUpperCase()),
      fc.constant(`&#${c.charCodeAt(0)};`),
      fc.constant(`&#x${c.charCodeAt(0).toString(16)};`),
      fc.constant(`&#000${c.charCodeAt(0)}`), // no ';': the next character is never a digit here
      fc.constant(`&#X${c.charCodeAt(0).toString(16).toUpperCase()};`),
    );
  const junk = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x20 }).map((c) => String.fromCharCode(c)), fc.constant('&#9;'), fc.constant('&Tab;'), fc.constant('&NewLine;'), fc.constant('\x7f')), { maxLength: 2 }).map((a) => a.join(''));
  const word = [...'javascript:'].map((c) => fc.tuple(junk, letter(c)).map(([j, l]) => j + l));
  fc.assert(
    fc.property(fc.tuple(...word), fc.string(), (parts, rest) => {
      const url = `${parts.join('')}(${rest}`;
      assert.equal(isSafeUrl(url), false, JSON.stringify(url));
    }),
    { numRuns: 500 },
  );
});

test('decodeReferences: numeric with or without ;, the named ones kept, strict refuses unknown or unfinished', () => {
  assert.equal(decodeReferences('&#106;&#x61;&#118&lt;&amp;&colon;', true), 'jav<&:');
  assert.equal(decodeReferences('a & b', true), 'a & b');
  assert.equal(decodeReferences('&zz;', true), null);
  assert.equal(decodeReferences('&#12', true), null);
  assert.equal(decodeReferences('&zz;', false), '&zz;');
  assert.equal(decodeReferences('&#0;', false), '\ufffd');
});

test('readUrlText tells what literal text before a slot decides', () => {
  assert.equal(readUrlText(''), 'empty');
  assert.equal(readUrlText(' \t'), 'empty');
  assert.equal(readUrlText('/a'), 'scheme-decided');
  assert.equal(readUrlText('http:'), 'colon');
  assert.equal(readUrlText('java'), 'partial');
  assert.equal(readUrlText('&#47;'), 'scheme-decided');
  assert.equal(readUrlText('&#'), 'unreadable');
});
