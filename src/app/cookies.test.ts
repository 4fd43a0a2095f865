// cookies() and setCookie(): the lenient parse of what browsers send, whole and split at
// every byte into field lines; the strict writer, its defaults and what it refuses.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Fields } from '../protocol/index.js';
import { cookies, parseCookie, setCookie } from './cookies.js';

const request = (...values: string[]) => ({ fields: new Fields(values.map((v) => ['Cookie', v] as [string, string])) });

test('cookies: pairs joined by ";", SP and HTAB dropped around names and values, quotes removed, first value wins', () => {
  const jar = cookies(request('sid=abc; theme = dark ;\tlang=\ten\t; quoted="x y"; sid=second; empty=; =novalue; flag; a=b=c'));
  assert.deepEqual([...jar], [['sid', 'abc'], ['theme', 'dark'], ['lang', 'en'], ['quoted', 'x y'], ['empty', ''], ['a', 'b=c']]);
});

test('cookies: several Cookie lines are read in order; no Cookie is an empty map', () => {
  assert.deepEqual([...cookies(request('a=1', 'b=2; a=3'))], [['a', '1'], ['b', '2']]);
  assert.equal(cookies(request()).size, 0);
  assert.equal(cookies(request('')).size, 0);
  assert.equal(cookies(request(';;; ;')).size, 0);
});

test('cookies: only SP and HTAB are trimmed, never other whitespace', () => {
  const jar = parseCookie('\u00a0a=1\u00a0; b=\u20282');
  assert.equal(jar.get('\u00a0a'), '1\u00a0');
  assert.equal(jar.get('b'), '\u20282');
});

test('cookies: a header split into two Cookie lines reads as the whole when cut between pairs, and never throws elsewhere', () => {
  const text = 'a=1; bb=22; c="3"; d=; a=4';
  const whole = [...parseCookie(text)];
  assert.deepEqual(whole, [['a', '1'], ['bb', '22'], ['c', '3'], ['d', '']]);
  for (let i = 0; i <= text.length; i++) {
    const split = [...cookies(request(text.slice(0, i), text.slice(i)))];
    if (i === 0 || i === text.length || text.slice(i - 2, i) === '; ') assert.deepEqual(split, whole, `cut at ${i}`);
    else assert.ok(split.length >= whole.length - 1, `cut at ${i}: at most the pair cut in two is lost`);
  }
});

test('cookies: no input throws, and every value written by setCookie() reads back', () => {
  fc.assert(fc.property(fc.string(), (text) => void parseCookie(text)));
  const octet = fc.constantFrom(...'abcXYZ019!#$%&\'()*+-./:<=>?@[]^_`{|}~');
  fc.assert(
    fc.property(fc.constantFrom('sid', 'a', 'x-y'), fc.array(octet, { maxLength: 20 }), (name, chars) => {
      const value = chars.join('');
      const line = setCookie(name, value).split(';')[0]!;
      assert.equal(parseCookie(`other=1; ${line}`).get(name), value);
    }),
  );
});

test('setCookie: defaults HttpOnly, SameSite=Lax, Path=/; the attributes as given', () => {
  assert.equal(setCookie('sid', 'abc'), 'sid=abc; Path=/; HttpOnly; SameSite=Lax');
  assert.equal(
    setCookie('sid', 'abc', { maxAge: 3600, expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)), domain: 'example.test', path: '/app', secure: true, httpOnly: false, sameSite: 'Strict' }),
    'sid=abc; Max-Age=3600; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Domain=example.test; Path=/app; Secure; SameSite=Strict',
  );
  assert.equal(setCookie('sid', '', { maxAge: -5 }), 'sid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
  assert.equal(setCookie('__Host-sid', 'v', { secure: true, sameSite: 'None' }), '__Host-sid=v; Path=/; Secure; HttpOnly; SameSite=None');
});

test('setCookie: refuses CR, LF, ";", controls and spaces with a sentence, and attributes browsers would drop', () => {
  const refused: [() => string, RegExp][] = [
    [() => setCookie('a b', 'v'), /name of token characters.*got the string "a b"/],
    [() => setCookie('', 'v'), /name of token characters/],
    [() => setCookie('a;b', 'v'), /name of token characters/],
    [() => setCookie('sid', 'a\r\nSet-Cookie: x=1'), /value without spaces, control characters.*encodeURIComponent/],
    [() => setCookie('sid', 'a;b'), /value without/],
    [() => setCookie('sid', 'a b'), /value without/],
    [() => setCookie('sid', 'é'), /value without/],
    [() => setCookie('sid', 5 as unknown as string), /got the number 5/],
    [() => setCookie('sid', 'v', { path: '/a;b' }), /option path/],
    [() => setCookie('sid', 'v', { path: '/a\nb' }), /option path/],
    [() => setCookie('sid', 'v', { path: 'relative' }), /option path starts with '\/'/],
    [() => setCookie('sid', 'v', { domain: 'ex ample.test' }), /option domain/],
    [() => setCookie('sid', 'v', { domain: 'a.test; Secure' }), /option domain/],
    [() => setCookie('sid', 'v', { maxAge: 1.5 }), /maxAge is a whole number/],
    [() => setCookie('sid', 'v', { expires: new Date(NaN) }), /valid Date/],
    [() => setCookie('sid', 'v', { sameSite: 'lax' as 'Lax' }), /'Strict', 'Lax' or 'None'/],
    [() => setCookie('sid', 'v', { sameSite: 'None' }), /needs secure: true/],
    [() => setCookie('__Secure-sid', 'v'), /__Secure-.*needs secure/],
    [() => setCookie('__Host-sid', 'v', { secure: true, path: '/app' }), /__Host-.*path '\/'/],
  ];
  for (const [call, message] of refused) assert.throws(call, (error: unknown) => error instanceof TypeError && message.test(error.message), String(message));
});
