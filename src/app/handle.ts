// A handler as a warren App: its result through toResponse(), a thrown HttpError as its
// status page, any other throw as a 500 page, in development with the stack (escaped),
// otherwise without it, and always reported. serve() is built on it; a Router given to
// new Server() directly gets the same pages through it.

import type { App, AppResponse, Bodies, ServerRequest, Session } from '../index.js';
import { HttpError } from './errors.js';
import { describe, escapeHtml, trusted } from './html.js';
import { HTML_TYPE, error, toResponse, type Handler } from './response.js';
import { keepHook } from './wrap.js';

/** How asApp() answers and reports a failure. */
export interface ErrorPageOptions {
  /** Show the stack on 500 pages. Default: true unless NODE_ENV is 'production'. */
  readonly dev?: boolean;
  /** Where a handler's failure goes (the browser gets a 500 page). Default: console.error. */
  readonly onError?: (error: unknown, session: Session, request?: ServerRequest) => void;
}

/** True unless NODE_ENV is 'production': the default of the `dev` option. */
export function isDevelopment(): boolean {
  return process.env['NODE_ENV'] !== 'production';
}

/**
 * `handler` as a warren App: a bare body becomes a 200 page, a thrown HttpError its status
 * page (error(status, message)), any other throw a 500 page that is reported to onError.
 */
export function asApp(handler: Handler, options: ErrorPageOptions = {}): App {
  if (typeof handler !== 'function') throw new TypeError(`asApp() takes a handler (session, request, bodies) => response; got ${describe(handler)}`);
  const dev = options.dev ?? isDevelopment();
  if (typeof dev !== 'boolean') throw new TypeError(`the dev option is true or false; got ${describe(dev)}`);
  const report = options.onError ?? ((failure: unknown, _session: Session, request?: ServerRequest) => console.error(`warren/app: ${request?.method ?? ''} ${request?.uri ?? ''} failed:`, failure));
  const failed = (failure: unknown, session: Session, request: ServerRequest): AppResponse => {
    if (failure instanceof HttpError) return error(failure.status, failure.message);
    try {
      report(failure, session, request);
    } catch {
      // A failing reporter must not turn a 500 page into a dropped connection.
    }
    return failurePage(failure, request, dev);
  };
  return keepHook(handler, (session: Session, request: ServerRequest, bodies: Bodies) => {
    let result;
    try {
      result = handler(session, request, bodies);
      if (!(result instanceof Promise)) return toResponse(result);
    } catch (failure) {
      return failed(failure, session, request);
    }
    return result.then(toResponse).catch((failure: unknown) => failed(failure, session, request));
  });
}

/** The 500 page: in development the request and the stack, escaped; otherwise one sentence. */
export function failurePage(failure: unknown, request: Pick<ServerRequest, 'method' | 'uri'>, dev: boolean): AppResponse {
  if (!dev) return error(500, 'The app failed while answering this request; the error was reported to its log.');
  const body = trusted([
    '<!doctype html>\n<meta charset="utf-8">\n<title>500</title>\n<h1>500: the app failed</h1>\n<p>While answering <code>',
    escapeHtml(`${request.method} ${request.uri}`),
    '</code> (this page shows the stack because the app runs in development: set NODE_ENV=production or dev: false to hide it).</p>\n<pre>',
    escapeHtml(stackOf(failure)),
    '</pre>\n',
  ]);
  return { status: 500, headers: { 'content-type': HTML_TYPE }, body };
}

function stackOf(failure: unknown): string {
  if (failure instanceof Error) {
    let text = failure.stack ?? `${failure.name}: ${failure.message}`;
    // Causes, as far as they go, without looping on a cycle.
    const seen = new Set<unknown>([failure]);
    for (let cause = failure.cause; cause !== undefined && !seen.has(cause); cause = cause instanceof Error ? cause.cause : undefined) {
      seen.add(cause);
      text += `\n\ncaused by: ${cause instanceof Error ? (cause.stack ?? String(cause)) : describe(cause)}`;
    }
    return text;
  }
  return `a thrown value that is not an Error: ${describe(failure)}`;
}
