// Serial mode (kali's single-threaded guarantee): a handler wrapped by serial() runs one
// call at a time, in arrival order, even when it awaits, so SQLite transactions never
// interleave. A slot is taken when the handler is called, that is once a whole request
// head has arrived (an idle pre-connection takes none), and given back when the handler's
// response is returned: its body is written outside the slot, so a slow reader blocks no one.

import type { App, Bodies, Session } from '../index.js';
import type { AppRequest, Handler, HandlerResult } from './response.js';
import { describe } from './html.js';
import { keepHook } from './wrap.js';

/**
 * `handler`, run one call at a time in arrival order: a call that arrives while another
 * is running waits until that one's response is returned (or it throws). A response body
 * is written after the slot is given back, so build what must be read inside the
 * transaction (rows, pages) before returning; a stream body runs outside it. A handler
 * that reads the request body holds the slot while the body arrives (bounded by the
 * server's bodyTimeout). Each serial() call makes its own queue: wrap once, share the result.
 */
export function serial(app: App): App;
export function serial<P extends Readonly<Record<string, string>>>(handler: Handler<P>): Handler<P>;
export function serial<P extends Readonly<Record<string, string>>>(handler: Handler<P>): Handler<P> {
  if (typeof handler !== 'function') throw new TypeError(`serial() takes a handler (session, request, bodies) => response; got ${describe(handler)}`);
  let busy = false;
  const waiting: (() => void)[] = [];
  let head = 0;

  const release = (): void => {
    if (head < waiting.length) {
      const next = waiting[head]!;
      waiting[head++] = noop;
      // The queue's array is reused once drained, so a busy server does not grow it forever.
      if (head === waiting.length) {
        waiting.length = 0;
        head = 0;
      }
      next();
    } else {
      busy = false;
    }
  };

  const run = (session: Session, request: AppRequest<P>, bodies: Bodies): HandlerResult | Promise<HandlerResult> => {
    busy = true;
    let result;
    try {
      result = handler(session, request, bodies);
    } catch (error) {
      release();
      throw error;
    }
    if (result instanceof Promise) return result.finally(release);
    release();
    return result;
  };

  const wrapped: Handler<P> = (session, request, bodies) => {
    if (!busy) return run(session, request, bodies);
    return new Promise<HandlerResult>((resolve, reject) => {
      waiting.push(() => {
        try {
          const result = run(session, request, bodies);
          if (result instanceof Promise) result.then(resolve, reject);
          else resolve(result);
        } catch (error) {
          reject(error);
        }
      });
    });
  };
  return keepHook(handler, wrapped);
}

const noop = (): void => {};
