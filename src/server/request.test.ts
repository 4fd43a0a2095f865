import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fields } from '../protocol/index.js';
import { ServerRequest } from './request.js';

const request = (uri: string, lines: [string, string][] = []): ServerRequest => new ServerRequest('GET', uri, '1.1', new Fields(lines), null);

test('path, query and mount, as in Degu', () => {
  assert.deepEqual([request('/').path, request('/').query], [[], null]);
  assert.deepEqual([request('/a/b').path, request('/a/b?').query], [['a', 'b'], '']);
  assert.deepEqual([request('/a/').path, request('/a/?x=1&y').query], [['a', ''], 'x=1&y']);
  assert.deepEqual(request('http://h:1/p/q?z').path, ['p', 'q']);
  assert.deepEqual(request('*').path, []);
});

test('shiftPath() moves segments to the mount; buildProxyUri() rebuilds the rest', () => {
  const r = request('/api/v1/items?limit=2');
  assert.equal(r.shiftPath(), 'api');
  assert.equal(r.shiftPath(), 'v1');
  assert.deepEqual([r.mount, r.path], [['api', 'v1'], ['items']]);
  assert.equal(r.buildProxyUri(), '/items?limit=2');
  assert.equal(r.shiftPath(), 'items');
  assert.equal(r.shiftPath(), null);
  assert.equal(r.buildProxyUri(), '/?limit=2');
});

test('headers: lowercase names, repeated fields combined, set-cookie kept as a list', () => {
  const r = request('/', [['Accept', 'a'], ['ACCEPT', 'b'], ['Set-Cookie', 'x=1'], ['set-cookie', 'y=2'], ['Host', 'h']]);
  assert.deepEqual({ ...r.headers }, { accept: 'a, b', 'set-cookie': ['x=1', 'y=2'], host: 'h' });
  assert.equal(r.headers, r.headers, 'built once');
  assert.deepEqual(r.fields.raw(), [['Accept', 'a'], ['ACCEPT', 'b'], ['Set-Cookie', 'x=1'], ['set-cookie', 'y=2'], ['Host', 'h']]);
});
