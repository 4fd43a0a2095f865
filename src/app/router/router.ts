// Router: registration and dispatch. A Router is a warren App (a function: it goes to
// new Server() or serve() as it is) and a handler for another Router's mount(). It answers
// what needs no handler code: 308 to a path's one canonical form, 404, 405 with Allow
// (RFC 9110 §15.5.6), HEAD from GET (the server drops the body, RFC 9110 §9.3.2) and
// OPTIONS with Allow (§9.3.7). Its answer is always an AppResponse; a thrown HttpError
// becomes its error page, any other throw goes to the server (or serve()) as a 500.

import type { App, AppResponse, Bodies, ServerRequest, Session } from '../../index.js';
import { HttpError } from '../errors.js';
import { describe } from '../html.js';
import { decodeSegment } from '../path.js';
import { error, notFound, redirect, toResponse, type Handler, type HandlerResult } from '../response.js';
import { parsePattern, isDotSegment } from './pattern.js';
import { commonPath, compare } from './relation.js';
import { ConflictIndex } from './conflicts.js';
import { Tree, type Found, type Route } from './tree.js';
import type { Params } from './params.js';

/** Two routes a request could not choose between: refused when the second is added. */
export class RouteConflictError extends Error {
  /** Always 'route-conflict'. */
  readonly code = 'route-conflict';
  /** The pattern being added. */
  readonly pattern: string;
  /** The pattern already registered that it conflicts with. */
  readonly existing: string;
  /** A path both match. */
  readonly example: string;

  constructor(message: string, pattern: string, existing: string, example: string) {
    super(message);
    this.name = 'RouteConflictError';
    this.pattern = pattern;
    this.existing = existing;
    this.example = example;
  }
}

/** RFC 9110's methods: a lower-case spelling of one of them is a typo, refused with the right one. */
const STANDARD = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

/** tchar (RFC 9110 §5.6.2), for method names. */
function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && "!#$%&'*+-.^_`|~".indexOf(text[i]!) === -1) return false;
  }
  return true;
}

const HERE = import.meta.url;

/** The caller's line from a stack: the first frame outside this file. */
function callerLine(): string {
  // A few frames are enough (this file's are at most three deep), and capturing fewer is cheaper.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 8;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    // A stack line is JavaScript text, not HTTP: only its leading indentation goes.
    const frame = line.replace(/^ +/, '');
    if (!frame.includes(HERE)) return frame.startsWith('at ') ? frame.slice(3) : frame;
  }
  return 'an unknown place';
}

/** A base whose constructor returns `fn` with the subclass's prototype: instances are callable and hold #private fields. */
class Callable {
  constructor(fn: Function) {
    return Object.setPrototypeOf(fn, new.target.prototype) as Callable;
  }
}
// Instances stay functions in full: call, apply and bind still work on them.
Object.setPrototypeOf(Callable.prototype, Function.prototype);

/** A Router is called as a warren App. */
export interface Router<Inherited extends Readonly<Record<string, string>> = NoParams> {
  (session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse>;
}

/** No params. */
export type NoParams = Readonly<Record<never, never>>;

/**
 * A segment-trie router: `router.get('/tasks/:id', handler)`. The most specific route
 * wins (literal, then param, then rest); two routes that are ambiguous are refused when
 * added. The router is itself an App: `new Server(address, router)`. `Inherited`: the
 * params a parent's mount prefix gives (`new Router<{ readonly org: string }>()` for a
 * router mounted at '/orgs/:org'), which its handlers see beside their own.
 */
export class Router<Inherited extends Readonly<Record<string, string>> = NoParams> extends Callable {
  readonly #tree = new Tree<Handler>();
  readonly #index = new ConflictIndex<Route<Handler>>();
  /** Whether a route takes HEAD itself: then HEAD looks for it everywhere before GET. */
  #headRouted = false;

  constructor() {
    const dispatch: App = (session, request, bodies) => router.#dispatch(session, request, bodies);
    super(dispatch);
    const router = this as Router<Readonly<Record<string, string>>>;
  }

  /** Routes GET (and so HEAD) requests for `pattern` to `handler`. */
  get<P extends string>(pattern: P, handler: Handler<Inherited & Params<P>>): this {
    return this.#add(['GET'], pattern, handler as Handler, 'get');
  }

  /** Routes POST requests for `pattern` to `handler`. */
  post<P extends string>(pattern: P, handler: Handler<Inherited & Params<P>>): this {
    return this.#add(['POST'], pattern, handler as Handler, 'post');
  }

  /** Routes PUT requests for `pattern` to `handler`. */
  put<P extends string>(pattern: P, handler: Handler<Inherited & Params<P>>): this {
    return this.#add(['PUT'], pattern, handler as Handler, 'put');
  }

  /** Routes PATCH requests for `pattern` to `handler`. */
  patch<P extends string>(pattern: P, handler: Handler<Inherited & Params<P>>): this {
    return this.#add(['PATCH'], pattern, handler as Handler, 'patch');
  }

  /** Routes DELETE requests for `pattern` to `handler`. */
  delete<P extends string>(pattern: P, handler: Handler<Inherited & Params<P>>): this {
    return this.#add(['DELETE'], pattern, handler as Handler, 'delete');
  }

  /** Routes requests with any of `methods` (case-sensitive, as RFC 9110 §9.1 says) for `pattern` to `handler`. */
  route<P extends string>(methods: string | readonly string[], pattern: P, handler: Handler<Inherited & Params<P>>): this {
    const list = typeof methods === 'string' ? [methods] : methods;
    if (!Array.isArray(list) || list.length === 0) throw new TypeError(`route() takes a method or a non-empty array of methods, such as ['GET', 'POST']; got ${describe(methods)}`);
    for (const method of list) {
      if (typeof method !== 'string' || !isToken(method)) throw new TypeError(`route() takes method names (tokens, such as 'GET'); got ${describe(method)}`);
      if (method !== method.toUpperCase() && STANDARD.includes(method.toUpperCase())) {
        throw new TypeError(`methods are case-sensitive (RFC 9110 §9.1): route() got ${JSON.stringify(method)}; write ${JSON.stringify(method.toUpperCase())}`);
      }
    }
    return this.#add(list, pattern, handler as Handler, 'route');
  }

  /**
   * Hands every request under `prefix` (literal segments and params) to `app`, a Router,
   * a handler or any warren App, which sees only the rest of the path: `request.mount`
   * gains the prefix's segments and `request.path` loses them (Degu's shiftPath()).
   */
  mount(prefix: string, app: Handler): this {
    if (typeof app !== 'function') throw new TypeError(`mount() takes a Router, a handler or a warren App (a function); got ${describe(app)}`);
    this.#register({ pattern: parsePattern(prefix, true), method: null, target: app, where: callerLine() });
    return this;
  }

  #add(methods: readonly string[], pattern: string, handler: Handler, name: string): this {
    if (typeof handler !== 'function') throw new TypeError(`${name}() takes a handler function (session, request, bodies) after the pattern; got ${describe(handler)}`);
    const parsed = parsePattern(pattern);
    const where = callerLine();
    // Check every method before adding any, so a refused call adds nothing.
    const routes = methods.map((method) => ({ pattern: parsed, method, target: handler, where }));
    for (const route of routes) this.#check(route);
    for (const route of routes) this.#insert(route);
    if (methods.includes('HEAD')) this.#headRouted = true;
    return this;
  }

  #register(route: Route<Handler>): void {
    this.#check(route);
    this.#insert(route);
  }

  #insert(route: Route<Handler>): void {
    this.#tree.add(route);
    this.#index.add(route);
  }

  #check(route: Route<Handler>): void {
    for (const other of this.#index.candidates(route.pattern)) {
      if (route.method !== null && other.method !== null && route.method !== other.method) continue;
      const relation = compare(route.pattern, other.pattern);
      if (relation !== 'equivalent' && relation !== 'overlaps') continue;
      const example = commonPath(route.pattern, other.pattern);
      const why =
        relation === 'equivalent'
          ? `both match the same paths (such as ${example}): register each route once`
          : `both match ${example} and neither is more specific (each matches paths the other does not): make one of them more specific, or remove one`;
      throw new RouteConflictError(
        `${label(route)} (added at ${route.where}) conflicts with ${label(other)} (added at ${other.where}): ${why}`,
        route.pattern.source,
        other.pattern.source,
        example,
      );
    }
  }

  #dispatch(session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse> {
    const method = request.method;
    if (request.uri === '*') return method === 'OPTIONS' ? options(this.#tree.routes.flatMap((r) => (r.method === null ? [] : [r.method]))) : error(400, "The target '*' is for OPTIONS only.");
    const atRoot = request.mount.length === 0;
    if (atRoot) {
      // The fast path: a target that is a static route's path as it stands (so canonical).
      const uri = request.uri;
      const q = uri.indexOf('?');
      const target = q === -1 ? uri : uri.slice(0, q);
      const found = this.#tree.findStatic(method, target) ?? (method === 'HEAD' && !this.#headRouted ? this.#tree.findStatic('GET', target) : undefined);
      if (found !== undefined) return run(found.route.target, session, request, bodies);
    }
    const path = request.path;
    if (!isCanonical(path, atRoot)) {
      // One redirect, not two: to the clean path, or to its other slash form when only that one is routed.
      const clean = canonical(path, atRoot);
      const other = this.#routed(clean) ? null : otherForm(clean, atRoot);
      return redirectTo(request, other !== null && this.#routed(other) ? other : clean);
    }
    let found = this.#tree.find(method, path);
    if (found === null && method === 'HEAD') found = this.#tree.find('GET', path);
    if (found !== null) return call(found, session, request, bodies);
    const methods = this.#tree.methods(path);
    if (methods === null || methods.size > 0) {
      const list = methods === null ? [] : [...methods];
      if (method === 'OPTIONS') return options(list);
      const allow = allowList(list);
      return error(405, `This address answers ${allow}, not ${method}.`, { allow });
    }
    // A missing or extra trailing slash: the registered form is the one name of the page.
    const other = otherForm(path, atRoot);
    if (other !== null && this.#routed(other)) return redirectTo(request, other);
    return notFound();
  }

  /** Whether some route, for any method, matches `path`. */
  #routed(path: readonly string[]): boolean {
    return this.#tree.methods(path)?.size !== 0;
  }
}

function label(route: Route<unknown>): string {
  return route.method === null ? `mount ${route.pattern.source}` : `${route.method} ${route.pattern.source}`;
}

/** The Allow value: the methods routed, HEAD wherever GET is, and OPTIONS, which the router answers. */
function allowList(methods: readonly string[]): string {
  const set = new Set(methods);
  if (set.has('GET')) set.add('HEAD');
  set.add('OPTIONS');
  return [...set].sort().join(', ');
}

function options(methods: readonly string[]): AppResponse {
  return { status: 204, headers: { allow: allowList(methods) }, body: null };
}

/** Whether a path has no dot segments and no empty segment but a last one (and, at the root, is not '//'). */
function isCanonical(path: readonly string[], atRoot: boolean): boolean {
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = path[i]!;
    if (segment === '' ? i !== last : isDotSegment(segment)) return false;
  }
  return !(atRoot && path.length === 1 && path[0] === '');
}

/** RFC 3986 §5.2.4's remove_dot_segments, and empty segments dropped but a trailing one. */
function canonical(path: readonly string[], atRoot: boolean): string[] {
  const out: string[] = [];
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = path[i]!;
    if (segment === '') {
      if (i === last && out.length > 0) out.push('');
    } else if (isDotSegment(segment)) {
      if (segment.length === 2 || decodeSegment(segment) === '..') out.pop();
      // '/a/b/..' is '/a/': the dot names a directory.
      if (i === last && out.length > 0) out.push('');
    } else {
      out.push(segment);
    }
  }
  // In a mounted app, '' alone is the mount with a slash ('/admin/'); at the root it is '/'.
  if (!atRoot && out.length === 0 && path.length > 0 && (path[last] === '' || isDotSegment(path[last]!))) out.push('');
  return out;
}

/** The same path with a trailing slash added or removed; null at the root, which has one form. */
function otherForm(path: readonly string[], atRoot: boolean): string[] | null {
  if (path.length === 0) return atRoot ? null : [''];
  if (path[path.length - 1] === '') return path.slice(0, -1);
  return [...path, ''];
}

/** A 308 to `segments` under the request's mount, query kept; a 400 when no safe Location can name it. */
function redirectTo(request: ServerRequest, segments: readonly string[]): AppResponse {
  const path = `/${[...request.mount, ...segments].join('/')}`;
  const query = request.query;
  const location = query === null ? path : `${path}?${query}`;
  // '//host' or '/\host' would be read by a browser as another origin.
  const second = location.charCodeAt(1);
  let safe = second !== 0x2f && second !== 0x5c;
  for (let i = 0; safe && i < location.length; i++) {
    const c = location.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) safe = false;
  }
  if (!safe) return error(400, 'This path has no canonical form that can be redirected to.');
  return redirect(location, 308);
}

const MALFORMED = 'The path has a malformed percent-encoding, or one that is not UTF-8.';

/** Sets request.params from the match, shifts a mount's prefix, and runs the target. */
function call(found: Found<Handler>, session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse> {
  const { route, captured, restStart } = found;
  const names = route.pattern.names;
  if (names.length > 0) {
    const params: Record<string, string> = { ...request.params };
    for (let i = 0; i < captured.length; i++) {
      const value = decodeSegment(captured[i]!);
      if (value === null) return error(400, MALFORMED);
      params[names[i]!] = value;
    }
    if (route.pattern.tail.kind === 'rest') {
      const path = request.path;
      const parts: string[] = [];
      for (let i = restStart; i < path.length; i++) {
        const value = decodeSegment(path[i]!);
        if (value === null) return error(400, MALFORMED);
        // Joined with '/', an encoded slash could not be told from a real one.
        if (value.indexOf('/') !== -1) return error(400, `The path has an encoded '/' (%2F) where ${route.pattern.source} takes the rest of the path.`);
        parts.push(value);
      }
      params[names[names.length - 1]!] = parts.join('/');
    }
    request.params = Object.freeze(params);
  }
  if (route.method === null) for (let i = 0; i < restStart; i++) request.shiftPath();
  return run(route.target, session, request, bodies);
}

function caught(thrown: unknown): AppResponse {
  if (thrown instanceof HttpError) return error(thrown.status, thrown.message);
  throw thrown;
}

function run(handler: Handler, session: Session, request: ServerRequest, bodies: Bodies): AppResponse | Promise<AppResponse> {
  let result: HandlerResult | Promise<HandlerResult>;
  try {
    result = handler(session, request, bodies);
  } catch (thrown) {
    return caught(thrown);
  }
  if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') return (result as Promise<HandlerResult>).then(toResponse, caught);
  return toResponse(result as HandlerResult);
}
