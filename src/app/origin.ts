// Cross-origin protection for unsafe methods, as Go 1.25's http.CrossOriginProtection: a
// form or fetch() from another site must not change a localhost app's state (CSRF without
// tokens). GET, HEAD and OPTIONS pass, but not a GET proposing Upgrade (a WebSocket, which
// any site may open, CORS aside); `Sec-Fetch-Site: same-origin | none` passes; else an
// `Origin` must match the Host; a request with neither field is not from a browser and
// passes. Trusted origins are exempt. Refused requests get 403 with a sentence.

import type { App, AppResponse, ServerRequest } from '../index.js';
import { describe } from './html.js';
import { error, type Handler } from './response.js';
import { keepHook } from './wrap.js';

/** How the check is configured. */
export interface OriginCheckOptions {
  /**
   * Origins allowed to send unsafe requests from another site, as `scheme://host[:port]`
   * (such as 'https://app.example'); 'any' turns the check off. Default [].
   */
  readonly trustedOrigins?: readonly string[] | 'any';
}

/** Methods that only read (RFC 9110 §9.2.1): never refused. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `handler`, refusing with 403 an unsafe request (POST, PUT, PATCH, DELETE and any method
 * but GET, HEAD and OPTIONS) that a browser says came from another origin. An App wrapped
 * by it is still an App.
 */
export function crossOriginProtection(app: App, options?: OriginCheckOptions): App;
export function crossOriginProtection<P extends Readonly<Record<string, string>>>(handler: Handler<P>, options?: OriginCheckOptions): Handler<P>;
export function crossOriginProtection<P extends Readonly<Record<string, string>>>(handler: Handler<P>, options: OriginCheckOptions = {}): Handler<P> {
  const check = originChecker(options);
  if (check === null) return handler;
  return keepHook(handler, (session, request, bodies) => check(request) ?? handler(session, request, bodies));
}

/** The check alone: null when `request` may go on, else the 403 response. Null as a whole when the check is off. */
export function originChecker(options: OriginCheckOptions = {}): ((request: ServerRequest) => AppResponse | null) | null {
  const { trustedOrigins = [] } = options;
  if (trustedOrigins === 'any') return null;
  if (!Array.isArray(trustedOrigins)) throw new TypeError(`trustedOrigins is an array of origins (such as ['https://app.example']) or 'any' to turn the cross-origin check off; got ${describe(trustedOrigins)}`);
  const trusted = new Set<string>();
  for (const entry of trustedOrigins) {
    if (typeof entry !== 'string' || originHost(entry) === null) {
      throw new TypeError(`trustedOrigins holds origins, scheme://host[:port] with no path (such as 'https://app.example'); got ${describe(entry)}`);
    }
    trusted.add(entry.toLowerCase());
  }
  return (request) => {
    // Cross-site WebSocket hijacking: a browser lets any page open a WebSocket to localhost,
    // cookies and all, and reading its answers is not guarded by CORS as fetch() is.
    if (SAFE.has(request.method) && request.fields.get('upgrade') === null) return null;
    const headers = request.headers;
    const site = headers['sec-fetch-site'];
    const origin = headers['origin'];
    if (site === 'same-origin' || site === 'none') return null;
    if (origin !== undefined && trusted.has(origin.toLowerCase())) return null;
    if (site === undefined) {
      if (origin === undefined) return null;
      const host = headers['host'];
      // The Host has no scheme: an http page posting to https passes, as in Go (browsers without Sec-Fetch-Site are pre-2023).
      if (host !== undefined && originHost(origin) === host.toLowerCase()) return null;
    }
    return refusal(request.method, request.fields.get('upgrade'), site, origin);
  };
}

/** The host[:port] of an http or https origin, lowercase; null for anything else ('null', a path, userinfo). */
export function originHost(origin: string): string | null {
  const lower = origin.toLowerCase();
  const rest = lower.startsWith('http://') ? lower.slice(7) : lower.startsWith('https://') ? lower.slice(8) : null;
  if (rest === null || rest === '') return null;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x40 || c <= 0x20 || c >= 0x7f) return null;
  }
  return rest;
}

function refusal(method: string, upgrade: string | null, site: string | undefined, origin: string | undefined): AppResponse {
  const from = [site === undefined ? null : `Sec-Fetch-Site: ${site}`, origin === undefined ? null : `Origin: ${origin}`].filter((v) => v !== null).join(', ');
  const allow =
    origin !== undefined && originHost(origin) !== null
      ? ` If you trust that site, add its origin to the trustedOrigins option: serve(handler, { trustedOrigins: ['${origin.toLowerCase()}'] }).`
      : '';
  return error(403, `This ${method} request${upgrade === null ? '' : ` to open a ${upgrade} connection`} came from another web site (${from}), and this server refuses to let other sites change it (cross-site request forgery).${allow}`);
}
