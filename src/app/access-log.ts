// The access log, in the Common Log Format (NCSA httpd, Apache's `common`, nginx's default
// without the referer and agent): `host ident authuser [date] "request line" status bytes`.
// One line per request, written once the app has answered (or thrown: then 500), dated when
// the request arrived. Text from the peer is escaped (" \ and controls as \xHH, as nginx
// does), so a request cannot forge a line. Built on warren's public API only.

import { Body, BodyIter, type App, type AppResponse, type Bodies, type OutgoingBody, type ServerRequest, type Session } from '../index.js';
import { describe } from './html.js';
import { keepHook } from './wrap.js';

/** Where accessLog() writes, and how it dates. */
export interface AccessLogOptions {
  /** Takes each line, without its newline. Default: written to stdout with one. */
  readonly write?: (line: string) => void;
  /** The authenticated user of a request, for the authuser field; null or absent for '-'. Default: none. */
  readonly user?: (session: Session, request: ServerRequest) => string | null;
  /** Date lines in UTC (+0000) instead of the local zone. Default false. */
  readonly utc?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `app`, logging each request it answers as a Common Log Format line: the peer's address
 * ('-' over a Unix socket, whose peers are unnamed), '-' for ident, the user, the date the
 * request arrived, the request line, the status (500 when the app threw) and the body's
 * length ('-' when it is empty, or streamed with no length known before it is sent; 0 bytes
 * go out for HEAD, 204 and 304). Wrap outermost, so that every answer is logged.
 */
export function accessLog(app: App, options: AccessLogOptions = {}): App {
  if (typeof app !== 'function') throw new TypeError(`accessLog(app, options) takes an app (session, request, bodies) => response; got ${describe(app)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`accessLog(app, options) takes an options object { write?, user?, utc? }; got ${describe(options)}`);
  const { write = (line: string) => void process.stdout.write(`${line}\n`), user, utc = false } = options;
  if (typeof write !== 'function') throw new TypeError(`accessLog() option write is a function (line) => void; got ${describe(write)}`);
  if (user !== undefined && typeof user !== 'function') throw new TypeError(`accessLog() option user is a function (session, request) => string | null; got ${describe(user)}`);
  const log = (session: Session, request: ServerRequest, arrived: Date, status: number, bytes: number | null): void => {
    const name = user?.(session, request) ?? null;
    write(commonLogLine(session, request, arrived, status, bytes, name, utc));
  };
  const logged = (session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse> => {
    const arrived = new Date();
    let result;
    try {
      result = app(session, request, bodies);
    } catch (error) {
      log(session, request, arrived, 500, null);
      throw error;
    }
    const done = (response: AppResponse): AppResponse => {
      log(session, request, arrived, response.status, sentLength(request.method, response));
      return response;
    };
    if (!(result instanceof Promise)) return done(result);
    return result.then(done, (error: unknown) => {
      log(session, request, arrived, 500, null);
      throw error;
    });
  };
  return keepHook(app, logged);
}

/**
 * One Common Log Format line for `request`: `host ident authuser [date] "request line" status
 * bytes`, with `bytes` null or 0 written '-'. Exported for logs built elsewhere (a
 * diagnostics_channel subscriber).
 */
export function commonLogLine(session: Session, request: ServerRequest, arrived: Date, status: number, bytes: number | null, user: string | null = null, utc = false): string {
  const address = session.address;
  const host = typeof address === 'string' ? '-' : address[0];
  const line = `${request.method} ${request.uri} HTTP/${request.version}`;
  const size = bytes === null || bytes === 0 ? '-' : String(bytes);
  return `${host} - ${user === null || user === '' ? '-' : escapeField(user).replaceAll(' ', '\\x20')} [${clfDate(arrived, utc)}] "${escapeField(line)}" ${status} ${size}`;
}

/** A date as CLF writes it: `10/Oct/2000:13:55:36 -0700`, in the local zone or UTC. */
export function clfDate(date: Date, utc = false): string {
  const offset = utc ? 0 : -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const zone = `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
  return `${two(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${zone}`;
}

/** `"`, `\`, controls and non-ASCII as \xHH (nginx's escaping of log variables), so a field cannot end early or break the line. */
function escapeField(text: string): string {
  return text.replace(/["\\\x00-\x1f\x7f-\u{10ffff}]/gu, (c) => {
    const code = c.codePointAt(0)!;
    const bytes = code <= 0xff ? [code] : [...Buffer.from(c)];
    return bytes.map((byte) => `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
}

/** The body bytes the response will carry when known up front; null for a stream of unknown length. */
function sentLength(method: string, response: AppResponse): number | null {
  if (method === 'HEAD' || response.status === 204 || response.status === 304) return 0;
  return bodyLength(response.body);
}

function bodyLength(body: OutgoingBody): number | null {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.length;
  if (Array.isArray(body)) {
    let total = 0;
    for (const piece of body as readonly OutgoingBody[]) {
      const size = bodyLength(piece);
      if (size === null) return null;
      total += size;
    }
    return total;
  }
  if (body instanceof BodyIter || body instanceof Body) return body.length;
  return null;
}
