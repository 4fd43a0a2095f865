// appUrl(): links relative to the mount, each segment encoded once.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Fields } from '../protocol/index.js';
import { ServerRequest } from '../index.js';
import { decodeSegment } from './path.js';
import { appUrl, encodeSegment } from './url.js';

const mounted = (uri: string, depth: number): ServerRequest => {
  const request = new ServerRequest('GET', uri, '1.1', new Fields(), null);
  for (let i = 0; i < depth; i++) request.shiftPath();
  return request;
};

test('appUrl: under the mount, as received; segments encoded; "" gives a trailing slash', () => {
  assert.equal(appUrl(mounted('/x', 0)), '/');
  assert.equal(appUrl(mounted('/x', 0), 'tasks', 7), '/tasks/7');
  const admin = mounted('/admin/caf%C3%A9/list?x=1', 2);
  assert.equal(appUrl(admin), '/admin/caf%C3%A9/');
  assert.equal(appUrl(admin, 'tasks', 42, ''), '/admin/caf%C3%A9/tasks/42/');
  assert.equal(appUrl(admin, 'a/b', 'c?d#e', 'é ✓', '100%'), '/admin/caf%C3%A9/a%2Fb/c%3Fd%23e/%C3%A9%20%E2%9C%93/100%25');
});

test('appUrl: dot segments are encoded, so a browser cannot resolve them away', () => {
  assert.equal(appUrl(mounted('/m/x', 1), '..', '.', '...'), '/m/%2E%2E/%2E/...');
});

test('appUrl: every segment decodes back to itself with decodeSegment() (the router\'s one decoder)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      assert.equal(decodeSegment(encodeSegment(text)), text);
    }),
  );
});

test('appUrl: a segment that is not text or a finite number is refused with a sentence', () => {
  const request = mounted('/', 0);
  assert.throws(() => appUrl(request, NaN), /string or a finite number; got the number NaN/);
  assert.throws(() => appUrl(request, {} as string), /got a plain object/);
  assert.throws(() => appUrl(request, '\ud800'), /lone surrogate/);
});
