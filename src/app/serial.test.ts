// serial(): one call at a time, in arrival order, through awaits and throws; in memory.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Fields } from '../protocol/index.js';
import { ServerRequest, Session, bodies } from '../index.js';
import { serial } from './serial.js';
import type { Handler } from './response.js';

const request = (uri: string): ServerRequest => new ServerRequest('GET', uri, '1.1', new Fields(), null);
const session = new Session(['127.0.0.1', 1]);

test('serial: async calls never overlap and run in the order they came', async () => {
  let active = 0;
  let most = 0;
  const order: string[] = [];
  const handler = serial(async (_s, r) => {
    active++;
    most = Math.max(most, active);
    order.push(`start ${r.uri}`);
    await sleep(5);
    await Promise.resolve();
    order.push(`end ${r.uri}`);
    active--;
    return r.uri;
  });
  const results = await Promise.all(['/1', '/2', '/3', '/4'].map((uri) => handler(session, request(uri), bodies)));
  assert.deepEqual(results, ['/1', '/2', '/3', '/4']);
  assert.equal(most, 1);
  assert.deepEqual(order, ['start /1', 'end /1', 'start /2', 'end /2', 'start /3', 'end /3', 'start /4', 'end /4']);
});

test('serial: a throw, sync or async, gives the slot back and reaches its own caller only', async () => {
  const handler = serial((_s, r) => {
    if (r.uri === '/sync') throw new Error('sync failure');
    if (r.uri === '/async') return Promise.reject(new Error('async failure'));
    return sleep(2).then(() => r.uri);
  });
  const first = handler(session, request('/slow'), bodies);
  const calls = [handler(session, request('/sync'), bodies), handler(session, request('/async'), bodies), handler(session, request('/after'), bodies)];
  assert.equal(await first, '/slow');
  await assert.rejects(calls[0] as Promise<unknown>, /sync failure/);
  await assert.rejects(calls[1] as Promise<unknown>, /async failure/);
  assert.equal(await calls[2], '/after');
  // Idle again: a synchronous handler answers synchronously.
  assert.throws(() => handler(session, request('/sync'), bodies), /sync failure/);
});

test('serial: an idle queue calls a synchronous handler at once, without a promise', () => {
  const handler = serial(() => 'now');
  assert.equal(handler(session, request('/'), bodies), 'now');
  assert.equal(handler(session, request('/'), bodies), 'now');
});

test('serial: each wrapper is its own queue, and a misuse is refused', async () => {
  let release: () => void = () => {};
  const blocked = serial(() => new Promise<string>((resolve) => (release = () => resolve('a'))));
  const other = serial(async () => 'b');
  const a = blocked(session, request('/'), bodies);
  assert.equal(await other(session, request('/'), bodies), 'b');
  release();
  assert.equal(await a, 'a');
  assert.throws(() => serial('nope' as unknown as Handler), /serial\(\) takes a handler.*got the string "nope"/);
});
