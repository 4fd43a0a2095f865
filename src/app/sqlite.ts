// The SQLite guard (kali's transaction_wrapper) on Node's built-in node:sqlite, with no
// dependency: transaction(db, fn) commits on return and rolls back on throw, and
// guardTransactions(db, handler) rolls back what a handler left open and answers 500,
// because an open transaction shows its writer changes "fine (until they vanish)" while
// everyone else sees a locked database. node:sqlite is loaded only by openDatabase(), so
// importing warren/app never prints Node 22's ExperimentalWarning for it.

import type { DatabaseSync, DatabaseSyncOptions } from 'node:sqlite';
import type { Bodies, Session } from '../index.js';
import { HttpError } from './errors.js';
import { describe } from './html.js';
import { error, type AppRequest, type Handler, type HandlerResult } from './response.js';

/**
 * What the guard needs of a database: `exec(sql)`, and whether a transaction is open,
 * as node:sqlite's `isTransaction` (Node >= 22.16) or better-sqlite3's `inTransaction`.
 */
export interface TransactionalDatabase {
  exec(sql: string): unknown;
  readonly isTransaction?: boolean;
  readonly inTransaction?: boolean;
}

/** The sentence of the 500 page, and of the log line, when a handler leaves a transaction open. */
export const LEFT_OPEN_MESSAGE = 'a handler left a transaction open: it was rolled back';

/**
 * Opens a node:sqlite database (a file path, or ':memory:'), loading node:sqlite on first
 * use: `Database` on Node 26, `DatabaseSync` before (Node 26.11 renamed it and kept the
 * old name). On Node 22 the first call prints node's ExperimentalWarning for SQLite.
 */
export function openDatabase(location: string, options?: DatabaseSyncOptions): DatabaseSync {
  if (typeof location !== 'string' || location === '') throw new TypeError(`openDatabase(location) takes a file path or ':memory:'; got ${describe(location)}`);
  const sqlite = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite') & { Database?: typeof DatabaseSync };
  const Database = sqlite.Database ?? sqlite.DatabaseSync;
  return options === undefined ? new Database(location) : new Database(location, options);
}

/** Whether `db` has a transaction open now. */
export function isTransactionOpen(db: TransactionalDatabase): boolean {
  const open = db.isTransaction ?? db.inTransaction;
  if (typeof open !== 'boolean') {
    throw new TypeError(
      `the SQLite guard needs a database that tells whether a transaction is open (node:sqlite's isTransaction, Node >= 22.16, or better-sqlite3's inTransaction); got ${describe(db)}`,
    );
  }
  return open;
}

/** How a transaction takes its locks (SQLite's BEGIN DEFERRED, IMMEDIATE or EXCLUSIVE). */
export type TransactionMode = 'deferred' | 'immediate' | 'exclusive';

/** Options of transaction(). */
export interface TransactionOptions {
  /**
   * 'deferred' (SQLite's default) takes the write lock at the first write; 'immediate' at
   * BEGIN, so a writer that must wait waits there rather than failing mid-way (SQLITE_BUSY).
   * Default 'deferred'. Ignored when nested (a savepoint).
   */
  readonly mode?: TransactionMode;
}

let savepoints = 0;

/**
 * Runs `fn` in a transaction on `db`: BEGIN, then COMMIT when it returns, ROLLBACK when it
 * throws (the error goes on). An async `fn` is awaited and its promise settles the
 * transaction, but await inside a transaction is only safe in serial mode (serve's
 * `serial: true`): otherwise another request's statements run inside this transaction
 * while it waits, and are committed or rolled back with it. Inside another transaction
 * it uses a savepoint, so an inner failure undoes only the inner part.
 */
export function transaction<T>(db: TransactionalDatabase, fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
export function transaction<T>(db: TransactionalDatabase, fn: () => T, options?: TransactionOptions): T;
export function transaction<T>(db: TransactionalDatabase, fn: () => T | Promise<T>, options: TransactionOptions = {}): T | Promise<T> {
  if (typeof fn !== 'function') throw new TypeError(`transaction(db, fn) takes a function to run in the transaction; got ${describe(fn)}`);
  const mode = options.mode ?? 'deferred';
  if (mode !== 'deferred' && mode !== 'immediate' && mode !== 'exclusive') {
    throw new TypeError(`transaction() option mode is 'deferred', 'immediate' or 'exclusive'; got ${describe(mode)}`);
  }
  const savepoint = isTransactionOpen(db) ? `warren_${++savepoints}` : null;
  db.exec(savepoint === null ? `BEGIN ${mode.toUpperCase()}` : `SAVEPOINT ${savepoint}`);
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (thrown) {
    undo(db, savepoint);
    throw thrown;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        finish(db, savepoint);
        return value;
      },
      (thrown: unknown) => {
        undo(db, savepoint);
        throw thrown;
      },
    );
  }
  finish(db, savepoint);
  return result;
}

function finish(db: TransactionalDatabase, savepoint: string | null): void {
  if (!isTransactionOpen(db)) {
    throw new Error('the function given to transaction() ended the transaction itself (a COMMIT or ROLLBACK inside): leave both to transaction()');
  }
  if (savepoint !== null) return void db.exec(`RELEASE ${savepoint}`);
  try {
    db.exec('COMMIT');
  } catch (thrown) {
    // A COMMIT that fails (SQLITE_BUSY, a deferred foreign key) leaves the transaction open.
    undo(db, null);
    throw thrown;
  }
}

function undo(db: TransactionalDatabase, savepoint: string | null): void {
  // SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_NOMEM): then there is nothing to undo.
  if (!isTransactionOpen(db)) return;
  if (savepoint === null) db.exec('ROLLBACK');
  else db.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
}

/** Options of guardTransactions(). */
export interface GuardOptions {
  /**
   * Told of each transaction left open (after it is rolled back), with the request that
   * left it; the error's message names the method and target. Default: console.error.
   */
  readonly onError?: (error: HttpError, request: AppRequest) => void;
  /**
   * Told once, the first time two requests are inside the guarded handler at once (the
   * server is not in serial mode). Default: process.emitWarning, code WARREN_SQLITE_CONCURRENT.
   */
  readonly onWarning?: (message: string) => void;
}

/** The sentence of the once-only warning about requests inside the guard at once. */
export const CONCURRENT_WARNING =
  'guardTransactions(): two requests were inside the guarded handler at once, so the server is not in serial mode. ' +
  'A transaction that awaits can then take in the other request\'s statements, and a transaction left open is only caught when the last request leaves. ' +
  'Serve with serial: true, or keep every transaction synchronous (no await inside transaction()).';

/**
 * `handler` with kali's guard around it: when it returns (or throws) with a transaction
 * still open on `db`, the transaction is rolled back, `onError` is told the method and
 * target, and the answer is a 500 saying LEFT_OPEN_MESSAGE (a throw goes on as thrown,
 * after the rollback). Wraps any handler, a router included.
 *
 * Safe combinations: serial mode with any handlers; or, without it, transactions that
 * never await (transaction(db, () => {...}) with a synchronous function), since
 * JavaScript runs each to its end before another request runs. Not safe: an async
 * transaction without serial mode. Requests overlap only without serial mode: the guard
 * then warns once, and checks for an open transaction only when the last request inside
 * leaves (an earlier one cannot tell its own transaction from another's).
 */
export function guardTransactions<P extends Readonly<Record<string, string>>>(db: TransactionalDatabase, handler: Handler<P>, options: GuardOptions = {}): Handler<P> {
  if (typeof handler !== 'function') throw new TypeError(`guardTransactions(db, handler) takes a handler (session, request, bodies) => response; got ${describe(handler)}`);
  isTransactionOpen(db);
  const onError = options.onError ?? ((e: HttpError) => console.error(`warren: ${e.message}`));
  const onWarning = options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'WARREN_SQLITE_CONCURRENT' }));
  let inside = 0;
  let warned = false;

  /** Null when all is well; else the 500 that replaces the answer. */
  const leave = (request: AppRequest<P>): HandlerResult | null => {
    inside--;
    if (inside > 0 || !isTransactionOpen(db)) return null;
    db.exec('ROLLBACK');
    onError(new HttpError(500, 'transaction-left-open', `${request.method} ${request.uri}: ${LEFT_OPEN_MESSAGE}`), request);
    return error(500, LEFT_OPEN_MESSAGE);
  };

  return (session: Session, request: AppRequest<P>, bodies: Bodies) => {
    if (++inside > 1 && !warned) {
      warned = true;
      onWarning(CONCURRENT_WARNING);
    }
    let result: HandlerResult | Promise<HandlerResult>;
    try {
      result = handler(session, request, bodies);
    } catch (thrown) {
      leave(request);
      throw thrown;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => leave(request) ?? value,
        (thrown: unknown) => {
          leave(request);
          throw thrown;
        },
      );
    }
    return leave(request) ?? result;
  };
}
