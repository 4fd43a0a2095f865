// ServerRequest: what an app receives for one request, shaped as Degu's request. The
// path is split into segments once, when first asked for; `mount` and `path` move with
// shiftPath() so nested apps see only their part, and buildProxyUri() rebuilds what
// remains for a backend.

import type { Fields, HttpVersion } from '../protocol/index.js';
import type { Body, ChunkedBody } from '../transport/body.js';
import { endToEndHeaders, type HeaderMap } from '../transport/headers.js';

export type { HeaderMap };

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * One request as an app receives it: method, target, version, the field lines (raw) and
 * `headers` (by lowercase name), the body (null when it has none), and the path split for
 * routing. Made by the server; an app's unit tests may make one too.
 */
export class ServerRequest {
  /** The method, case as received (methods are case-sensitive, RFC 9110 §9.1). */
  readonly method: string;
  /** The request-target as received. */
  readonly uri: string;
  /** '1.1' or '1.0'. */
  readonly version: HttpVersion;
  /** The field lines as received: raw names, in order. */
  readonly fields: Fields;
  /** Null when the request has no body. */
  readonly body: Body | ChunkedBody | null;
  /** Params a router matched for this request (`/tasks/:id` gives `{ id }`); empty when no router called the app. */
  params: Readonly<Record<string, string>> = NO_PARAMS;
  #mount: string[] | null = null;
  /** Null until the uri is split (on first use of path or query). */
  #path: string[] | null = null;
  #query: string | null = null;
  #headers: HeaderMap | null = null;

  constructor(method: string, uri: string, version: HttpVersion, fields: Fields, body: Body | ChunkedBody | null) {
    this.method = method;
    this.uri = uri;
    this.version = version;
    this.fields = fields;
    this.body = body;
  }

  // path, mount and query are split from the uri on first use: an app that routes on `uri` alone pays nothing.

  /** Path segments already routed (moved here by shiftPath()). */
  get mount(): string[] {
    return (this.#mount ??= []);
  }

  /** Path segments still to route: `/a/b` is ['a', 'b'], `/` is [], `/a/` is ['a', '']. */
  get path(): string[] {
    return this.#path ?? this.#split();
  }

  /** The query string without '?': null when there is no '?', '' when it is empty. */
  get query(): string | null {
    if (this.#path === null) this.#split();
    return this.#query;
  }

  #split(): string[] {
    const q = this.uri.indexOf('?');
    this.#query = q === -1 ? null : this.uri.slice(q + 1);
    return (this.#path = splitPath(q === -1 ? this.uri : this.uri.slice(0, q)));
  }

  /** Header values by lowercase name, built on first use; without hop-by-hop fields, which `fields` keeps. */
  get headers(): HeaderMap {
    return (this.#headers ??= endToEndHeaders(this.fields));
  }

  /** Moves the first path segment to the mount and returns it; null when the path is empty. */
  shiftPath(): string | null {
    const segment = this.path.shift();
    if (segment === undefined) return null;
    this.mount.push(segment);
    return segment;
  }

  /** The target for a backend: the remaining path and the query. */
  buildProxyUri(): string {
    const path = `/${this.path.join('/')}`;
    return this.query === null ? path : `${path}?${this.query}`;
  }
}

/** Segments of an origin-form path; other forms (absolute, authority, *) route by their path too. */
function splitPath(path: string): string[] {
  let p = path;
  if (p.charCodeAt(0) !== 0x2f) {
    const scheme = p.indexOf('://');
    if (scheme === -1) return [];
    const slash = p.indexOf('/', scheme + 3);
    if (slash === -1) return [];
    p = p.slice(slash);
  }
  return p === '/' ? [] : p.slice(1).split('/');
}
