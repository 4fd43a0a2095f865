import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProtocolError } from '../protocol/index.js';
import { checkRequestTarget, requestMethod } from './request-line.js';

const refusedWith = (code: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof ProtocolError && error.code === code && error.side === 'local' && (pattern === undefined || pattern.test(error.message));

test("fetch's six methods are upper-cased in any case; other tokens go as given", () => {
  for (const method of ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']) {
    for (const spelled of [method, method.toLowerCase(), method[0] + method.slice(1).toLowerCase()]) assert.equal(requestMethod(spelled), method);
  }
  for (const method of ['patch', 'PATCH', 'Patch', 'M-SEARCH', 'PROPFIND', 'connect', 'trace', 'x']) assert.equal(requestMethod(method), method);
});

test('a method that is not a token is refused, saying what was given', () => {
  for (const method of ['', 'GE T', 'GET\r\n', 'GET/', 'GÉT', '(x)']) {
    assert.throws(
      () => requestMethod(method),
      (error: unknown) => refusedWith('invalid-method')(error) && (error as Error).message.endsWith(`got the string ${JSON.stringify(method)}`),
    );
  }
  assert.throws(() => requestMethod(undefined as unknown as string), refusedWith('invalid-method', /got undefined/));
});

test('property: any token is sent, upper-cased only when it is one of the six', () => {
  const six = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
  fc.assert(
    fc.property(fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/), (method) => {
      const sent = requestMethod(method);
      assert.equal(sent, six.has(method.toUpperCase()) ? method.toUpperCase() : method);
    }),
  );
});

test('each target form is accepted where its method allows it', () => {
  for (const [method, target] of [
    ['GET', '/'],
    ['GET', '/a/b?c=d'],
    ['GET', '/?'],
    ['GET', 'http://example.com/x'],
    ['POST', 'https://[::1]:8443/'],
    ['OPTIONS', '*'],
    ['OPTIONS', '/x'],
    ['CONNECT', 'example.com:443'],
    ['CONNECT', '[::1]:8080'],
  ] as const) {
    assert.doesNotThrow(() => checkRequestTarget(method, target), `${method} ${target}`);
  }
});

test('a target that its method cannot have is refused, with a sentence naming it', () => {
  for (const target of ['string', 'a/b', '?q=1', '#x', './x', '..']) {
    assert.throws(() => checkRequestTarget('GET', target), refusedWith('invalid-target', /starts with '\/'.*did you mean/));
  }
  assert.throws(() => checkRequestTarget('GET', '*'), refusedWith('invalid-target', /only OPTIONS may have \*.*not GET/));
  for (const target of ['/x', 'example.com', 'http://example.com:443/', '*']) {
    assert.throws(() => checkRequestTarget('CONNECT', target), refusedWith('invalid-target', /CONNECT takes host:port/));
  }
  for (const target of ['', '/a b', '/\r\n', '/é', '/\x00']) {
    assert.throws(() => checkRequestTarget('GET', target), refusedWith('invalid-target', /visible ASCII, got the string/));
  }
  assert.throws(() => checkRequestTarget('GET', 5 as unknown as string), refusedWith('invalid-target', /got the number 5/));
});
