// The SQLite guard on node:sqlite: transaction() commits, rolls back, awaits, nests; the
// guard turns a forgotten transaction into a 500 with the row gone and the next request
// fine (also over a real Server), warns once about overlapping requests, and importing
// warren/app does not load node:sqlite. (Node 22 prints an ExperimentalWarning for SQLite.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseSync } from 'node:sqlite';
import { Client, Server, ServerRequest, Session, Fields, bodies, type App, type AppResponse } from '../index.js';
import { HttpError } from './errors.js';
import { toResponse, type Handler } from './response.js';
import { CONCURRENT_WARNING, LEFT_OPEN_MESSAGE, guardTransactions, isTransactionOpen, openDatabase, transaction } from './sqlite.js';
import { withTimeout } from '../../bench/lib/timeout.js';

function fresh(): DatabaseSync {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  return db;
}

const rows = (db: DatabaseSync): string[] => db.prepare('SELECT v FROM t ORDER BY rowid').all().map((r) => String((r as { v: unknown }).v));
const insert = (db: DatabaseSync, v: string): void => void db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

test('transaction(): commits on return, rolls back on throw and rethrows', () => {
  const db = fresh();
  assert.equal(
    transaction(db, () => {
      insert(db, 'kept');
      assert.equal(db.isTransaction, true);
      return 7;
    }),
    7,
  );
  assert.equal(db.isTransaction, false);
  const boom = new Error('boom');
  assert.throws(
    () =>
      transaction(db, () => {
        insert(db, 'lost');
        throw boom;
      }),
    (e) => e === boom,
  );
  assert.equal(db.isTransaction, false);
  assert.deepEqual(rows(db), ['kept']);
  transaction(db, () => insert(db, 'immediate'), { mode: 'immediate' });
  assert.deepEqual(rows(db), ['kept', 'immediate']);
});

test('transaction(): an async function is awaited, committed or rolled back', async () => {
  const db = fresh();
  const value = await transaction(db, async () => {
    insert(db, 'a');
    await sleep(5);
    insert(db, 'b');
    return 'done';
  });
  assert.equal(value, 'done');
  await assert.rejects(
    transaction(db, async () => {
      insert(db, 'lost');
      await sleep(5);
      throw new Error('late failure');
    }),
    /late failure/,
  );
  assert.equal(db.isTransaction, false);
  assert.deepEqual(rows(db), ['a', 'b']);
});

test('transaction(): nested ones are savepoints; an inner failure undoes only the inner part', () => {
  const db = fresh();
  transaction(db, () => {
    insert(db, 'outer');
    assert.throws(() =>
      transaction(db, () => {
        insert(db, 'inner');
        throw new Error('inner');
      }),
    );
    transaction(db, () => insert(db, 'inner ok'));
    assert.equal(db.isTransaction, true);
  });
  assert.deepEqual(rows(db), ['outer', 'inner ok']);
});

test('transaction(): misuse is refused with a sentence', () => {
  const db = fresh();
  assert.throws(() => transaction(db, () => db.exec('COMMIT')), /ended the transaction itself/);
  assert.equal(db.isTransaction, false);
  assert.throws(() => transaction(db, 'x' as unknown as () => void), /takes a function .* got the string "x"/);
  assert.throws(() => transaction(db, () => 1, { mode: 'later' as 'deferred' }), /mode is 'deferred', 'immediate' or 'exclusive'; got the string "later"/);
  assert.throws(() => isTransactionOpen({ exec() {} }), /isTransaction.*got a plain object/);
  assert.equal(isTransactionOpen({ exec() {}, inTransaction: false }), false);
  assert.throws(() => openDatabase(''), /file path or ':memory:'/);
});

function request(method: string, uri: string): ServerRequest {
  return new ServerRequest(method, uri, '1.1', new Fields([]), null);
}

async function call(handler: Handler, method: string, uri: string): Promise<AppResponse> {
  return toResponse(await handler(new Session(['127.0.0.1', 1]), request(method, uri), bodies));
}

function flat(body: unknown): string {
  return Array.isArray(body) ? body.map(flat).join('') : typeof body === 'string' ? body : body == null ? '' : Buffer.from(body as Uint8Array).toString();
}

/** A handler that forgets to commit on /forget, and commits properly otherwise. */
function app(db: DatabaseSync): Handler {
  return async (_session, r) => {
    const v = r.path.join('/');
    if (v === 'forget' || v === 'forget-sync') {
      db.exec('BEGIN');
      insert(db, v);
      return 'saved (not really)';
    }
    if (v === 'throw') {
      db.exec('BEGIN');
      insert(db, v);
      throw new HttpError(400, 'bad', 'a bad request');
    }
    await sleep(1);
    transaction(db, () => insert(db, v));
    return `saved ${v}`;
  };
}

test('guard: a handler that forgets to commit gets a 500, the row is gone, the next request works', async () => {
  const db = fresh();
  const logged: string[] = [];
  const guarded = guardTransactions(db, app(db), { onError: (e, r) => logged.push(`${e.code} ${e.status} ${r.method} | ${e.message}`) });
  const bad = await call(guarded, 'POST', '/forget');
  assert.equal(bad.status, 500);
  assert.ok(flat(bad.body).includes(LEFT_OPEN_MESSAGE));
  assert.equal(db.isTransaction, false);
  assert.deepEqual(rows(db), []);
  assert.deepEqual(logged, [`transaction-left-open 500 POST | POST /forget: ${LEFT_OPEN_MESSAGE}`]);
  const good = await call(guarded, 'POST', '/fine');
  assert.deepEqual([good.status, flat(good.body)], [200, 'saved fine']);
  assert.deepEqual(rows(db), ['fine']);
});

test('guard: a synchronous handler is checked synchronously; a throw is rolled back and goes on', async () => {
  const db = fresh();
  const logged: string[] = [];
  const sync: Handler = () => {
    db.exec('BEGIN');
    insert(db, 'x');
    return 'ok';
  };
  const result = guardTransactions(db, sync, { onError: (e) => logged.push(e.message) })(new Session(['127.0.0.1', 1]), request('GET', '/s'), bodies);
  assert.ok(!(result instanceof Promise));
  assert.equal((result as AppResponse).status, 500);
  const guarded = guardTransactions(db, app(db), { onError: (e) => logged.push(e.message) });
  await assert.rejects(call(guarded, 'POST', '/throw'), (e) => e instanceof HttpError && e.status === 400);
  assert.equal(db.isTransaction, false);
  assert.deepEqual(rows(db), []);
  assert.deepEqual(logged, [`GET /s: ${LEFT_OPEN_MESSAGE}`, `POST /throw: ${LEFT_OPEN_MESSAGE}`]);
});

test('guard: warns once when two requests are inside at once, never when they take turns', async () => {
  const db = fresh();
  const warnings: string[] = [];
  const guarded = guardTransactions(db, app(db), { onWarning: (m) => warnings.push(m), onError: () => {} });
  for (const v of ['a', 'b', 'c']) await call(guarded, 'POST', `/${v}`);
  assert.deepEqual(warnings, []);
  await Promise.all(['d', 'e', 'f', 'g'].map((v) => call(guarded, 'POST', `/${v}`)));
  await Promise.all(['h', 'i'].map((v) => call(guarded, 'POST', `/${v}`)));
  assert.deepEqual(warnings, [CONCURRENT_WARNING]);
  assert.equal(rows(db).length, 9);
});

test('guard: over a real Server, with warren\'s Client', async () => {
  const db = fresh();
  const logged: string[] = [];
  const guarded = guardTransactions(db, app(db), { onError: (e) => logged.push(e.message) });
  const server: App = async (session, r, b) => {
    const response = toResponse(await guarded(session, r, b));
    // Error pages are Html iolists: joined here until the server writes iolists itself (the `serve` part).
    return Array.isArray(response.body) ? { ...response, body: flat(response.body) } : response;
  };
  const s = await new Server(['127.0.0.1', 0], server, { onError: () => {} }).listen();
  try {
    const conn = await withTimeout(new Client(s.address).connect(), 10_000, 'connect');
    const bad = await withTimeout(conn.post('/forget', {}, ''), 10_000, 'POST /forget');
    assert.equal(bad.status, 500);
    assert.match(await bad.body!.text(), new RegExp(LEFT_OPEN_MESSAGE));
    const good = await withTimeout(conn.post('/next', {}, ''), 10_000, 'POST /next');
    assert.deepEqual([good.status, await good.body!.text()], [200, 'saved next']);
    assert.deepEqual(rows(db), ['next']);
    assert.deepEqual(logged, [`POST /forget: ${LEFT_OPEN_MESSAGE}`]);
    conn.close();
  } finally {
    await withTimeout(s.close(), 10_000, 'close');
  }
});

test('importing warren/app loads no node:sqlite (no ExperimentalWarning on Node 22)', async () => {
  const index = fileURLToPath(new URL('./index.js', import.meta.url));
  const script = `await import(${JSON.stringify(index)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('sqlite'))));`;
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr }))),
  );
  assert.equal(stdout.trim(), '[]');
  assert.ok(!/sqlite/i.test(stderr), stderr);
});
