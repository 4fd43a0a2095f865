// createFetch: the WHATWG fetch() over a warren Pool, so fetch reaches a server wherever it
// listens (Unix path, abstract name, IPv6 with a zone, TLS with client certificates). The
// URL names the resource and its host becomes Host; the connection always goes to the
// bound address, so only same-origin redirects can be followed. Failures reject as undici's
// do: TypeError('fetch failed') with warren's RequestError as `cause`; an abort rejects
// with the signal's reason (fetch standard §4.1 "main fetch", §4.4 "HTTP-redirect fetch").

import type { Address } from '../transport/address.js';
import { RequestError } from '../transport/errors.js';
import type { ClientResponse } from './response.js';
import { Pool, type PoolOptions } from './pool.js';
import { ACCEPT_ENCODING, MAX_DECODED_BYTES, codingsToUndo, decodedBody } from './decode.js';
import { extractBody, responseStream, type ExtractedBody } from './fetch-body.js';
import { describe } from './describe.js';

/** Redirects followed before a fetch fails with 'too-many-redirects' (fetch standard §4.4: 20). */
export const MAX_FETCH_REDIRECTS = 20;

/** The most bytes of a redirect's own body read (and dropped) to keep its connection; a longer one closes it (undici reads them all). */
const REDIRECT_BODY_BYTES = 64 * 1024;

/** Options of createFetch(): a Pool's when it is given an address, and how responses are decoded. */
export interface FetchOptions extends PoolOptions {
  /**
   * Send Accept-Encoding (unless the request has one) and decode gzip, deflate, br and
   * zstd bodies, as Node's fetch does; the Response keeps its Content-Encoding and
   * Content-Length as received. Default true.
   */
  readonly decompress?: boolean;
}

/** The options createFetch() takes with a Pool: the rest are the Pool's own. */
const WITH_POOL = new Set(['decompress', 'maxDecodedBytes']);

/**
 * fetch() bound to one server. `fetch.pool` is the Pool its requests share; `close()` closes
 * it (and the connections of bodies not yet read).
 */
export interface WarrenFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The connections this fetch uses. */
  readonly pool: Pool;
  /** Closes the pool: requests in flight fail. */
  close(): Promise<void>;
}

/**
 * A fetch() whose requests go to `target` (any warren Address, or a Pool already made),
 * with WHATWG semantics: a Response with `status`, `statusText`, real Headers (as received),
 * `url`, `redirected` and a streaming body; `redirect` 'follow' (at most 20, 303 and a
 * POST's 301/302 become GET without a body), 'manual' (the 3xx as it came) or 'error';
 * `signal` (before and during: the promise, or else the body stream, fails with its
 * reason); request bodies from string, bytes, URLSearchParams, Blob, FormData or a
 * ReadableStream (streamed, with `duplex: 'half'`).
 *
 * The URL's host is the Host field, and `https:` URLs need the `tls` option (and `http:`
 * ones its absence): the scheme must say what the connection is. A redirect to another
 * origin cannot be followed, since the connection goes to the bound address whatever the
 * URL says: it fails with TypeError('fetch failed') whose cause has code
 * 'redirect-cross-origin' (use redirect: 'manual' to see it). Network failures reject with
 * TypeError('fetch failed') whose `cause` is warren's RequestError (as undici does).
 *
 * Chunk extensions and trailers have no place in a Response: read them with warren's own
 * Client or Pool (`response.body.trailers`), which this fetch is built on. The RequestInit
 * members that only mean something in a browser (mode, credentials, cache, referrer,
 * integrity, keepalive, priority) are ignored, as Node's fetch ignores most of them.
 */
export function createFetch(target: Address | Pool, options: FetchOptions = {}): WarrenFetch {
  if (options === null || typeof options !== 'object') throw new TypeError(`createFetch(target, options): options are an object, got ${describe(options)}`);
  const { decompress = true, ...rest } = options;
  if (typeof decompress !== 'boolean') throw new TypeError(`createFetch option decompress is true or false, got ${describe(decompress)}`);
  let pool: Pool;
  if (target instanceof Pool) {
    const extra = Object.keys(rest).filter((key) => !WITH_POOL.has(key));
    if (extra.length > 0) throw new TypeError(`createFetch(pool, options) takes only decompress and maxDecodedBytes; give ${extra.join(', ')} to the Pool when you make it`);
    pool = target;
  } else {
    // The fetch decodes itself, so the Response keeps the headers the server sent.
    pool = new Pool(target, { ...rest, decompress: false });
  }
  const maxDecodedBytes = options.maxDecodedBytes ?? MAX_DECODED_BYTES;
  if (!Number.isSafeInteger(maxDecodedBytes) || maxDecodedBytes < 0) throw new TypeError(`createFetch option maxDecodedBytes is a non-negative integer of bytes, got ${describe(maxDecodedBytes)}`);
  const scheme = pool.options.tls === null ? 'http:' : 'https:';
  const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => run(pool, scheme, decompress, maxDecodedBytes, input, init);
  return Object.assign(fetch, { pool, close: () => pool.close() });
}

/** One fetch as warren will send it. */
interface Plan {
  url: URL;
  method: string;
  headers: Headers;
  body: ExtractedBody | null;
  readonly redirect: 'follow' | 'manual' | 'error';
  readonly signal: AbortSignal | null;
}

const REDIRECT_MODES: readonly string[] = ['follow', 'manual', 'error'];
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Request fields about the body, dropped when a redirect turns the request into a GET (fetch standard §4.4 step 12). */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];

/** What fetch() was given, checked as `new Request(input, init)` would check it. */
function plan(input: string | URL | Request, init: RequestInit | undefined): Plan {
  if (input instanceof Request) {
    const request = init === undefined ? input : new Request(input, init);
    const stream = request.body;
    if (request.bodyUsed) throw new TypeError('fetch: the Request body was already read: make a new Request');
    return {
      url: new URL(request.url),
      method: request.method,
      headers: new Headers(request.headers),
      body: stream === null ? null : extractBody(stream, 'half'),
      redirect: request.redirect as Plan['redirect'],
      signal: request.signal,
    };
  }
  let url: URL;
  try {
    url = new URL(input instanceof URL ? input.href : String(input));
  } catch (error) {
    throw new TypeError(`fetch: ${describe(input)} is not an absolute URL: give one such as http://localhost/path (its host becomes Host)`, { cause: error });
  }
  const given = init?.method ?? 'GET';
  const upper = given.toUpperCase();
  // fetch upper-cases these six, and leaves every other method as given ("normalize a method").
  const method = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(upper) ? upper : given;
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`fetch: ${given} is a forbidden method (fetch standard §2.2.1)`);
  const redirect = init?.redirect ?? 'follow';
  if (!REDIRECT_MODES.includes(redirect)) throw new TypeError(`fetch: redirect is 'follow', 'manual' or 'error', got ${describe(redirect)}`);
  const body = extractBody(init?.body, (init as { duplex?: unknown } | undefined)?.duplex);
  if (body !== null && (method === 'GET' || method === 'HEAD')) throw new TypeError(`fetch: a ${method} request cannot have a body`);
  return { url, method, headers: new Headers(init?.headers), body, redirect, signal: init?.signal ?? null };
}

/** TypeError('fetch failed'), undici's form of a network error, with warren's reason as its cause. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

async function run(pool: Pool, scheme: string, decompress: boolean, maxDecodedBytes: number, input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
  const p = plan(input, init);
  const signal = p.signal;
  if (p.url.protocol !== 'http:' && p.url.protocol !== 'https:') throw new TypeError(`fetch: this fetch speaks http: and https: only, got the URL ${p.url.href}`);
  if (p.url.username !== '' || p.url.password !== '') throw new TypeError('fetch: a URL with credentials (user:password@) cannot be fetched (fetch standard): send an Authorization header instead');
  if (p.url.protocol !== scheme) {
    const why = scheme === 'https:' ? 'this fetch speaks TLS (its tls option): use an https: URL' : 'this fetch has no tls option: give createFetch(address, { tls }) for https:, or use an http: URL';
    throw new TypeError(`fetch: ${p.url.protocol} URL ${p.url.href}, but ${why}`);
  }
  if (decompress && !p.headers.has('accept-encoding')) p.headers.set('accept-encoding', ACCEPT_ENCODING);
  if (!p.headers.has('accept')) p.headers.set('accept', '*/*');
  if (p.body?.type != null && !p.headers.has('content-type')) p.headers.set('content-type', p.body.type);
  let redirected = false;
  for (let redirects = 0; ; redirects++) {
    if (signal?.aborted) throw signal.reason;
    const hop = new Hop(signal);
    let response: ClientResponse;
    try {
      response = await pool.request(p.method, p.url.pathname + p.url.search, fields(p), p.body?.make() ?? null, { signal: hop.signal });
    } catch (error) {
      hop.unlink();
      if (signal?.aborted) throw signal.reason;
      throw fetchFailed(error);
    }
    const location = REDIRECT_STATUSES.has(response.status) && p.redirect !== 'manual' ? response.fields.get('location') : null;
    if (location === null) return toResponse(response, p, redirected, hop, decompress, maxDecodedBytes);
    await hop.discard(response);
    const next = redirectTarget(p, response.status, location, redirects);
    if (signal?.aborted) throw signal.reason;
    p.url = next;
    redirected = true;
  }
}

/** The request's fields: Host from the URL (unless given), then the Headers as fetch would send them. */
function fields(p: Plan): [string, string][] {
  const out: [string, string][] = [];
  if (!p.headers.has('host')) out.push(['Host', p.url.host]);
  for (const [name, value] of p.headers) out.push([name, value]);
  return out;
}

/** Where a redirect goes, after the checks of fetch standard §4.4; `p` becomes the request to send there. */
function redirectTarget(p: Plan, status: number, location: string, redirects: number): URL {
  if (p.redirect === 'error') {
    throw fetchFailed(new RequestError('redirect-refused', `the server redirected (${status}) ${p.url.href} to ${location}, and the request has redirect: 'error'`, true));
  }
  if (redirects >= MAX_FETCH_REDIRECTS) {
    throw fetchFailed(new RequestError('too-many-redirects', `more than ${MAX_FETCH_REDIRECTS} redirects from ${p.url.href} (fetch standard §4.4): a redirect loop?`, true));
  }
  let next: URL;
  try {
    next = new URL(location, p.url);
  } catch (error) {
    throw fetchFailed(new RequestError('invalid-response', `the server redirected (${status}) to ${JSON.stringify(location)}, which is not a URL`, true, { cause: error }));
  }
  if (next.hash === '' && p.url.hash !== '') next.hash = p.url.hash;
  if (next.origin !== p.url.origin) {
    throw fetchFailed(
      new RequestError(
        'redirect-cross-origin',
        `the server redirected (${status}) ${p.url.href} to ${next.href}, another origin; this fetch is bound to one address and cannot follow it: use redirect: 'manual' and a fetch for that address`,
        true,
      ),
    );
  }
  if ((status === 303 && p.method !== 'GET' && p.method !== 'HEAD') || ((status === 301 || status === 302) && p.method === 'POST')) {
    p.method = 'GET';
    p.body = null;
    for (const name of BODY_HEADERS) p.headers.delete(name);
  } else if (p.body !== null && !p.body.replayable) {
    throw fetchFailed(new RequestError('redirect-unreplayable', `the server redirected (${status}) to ${next.href}, which needs the request body again, but it was a stream sent once: give bytes or a string to follow such redirects`, true));
  }
  return next;
}

/**
 * One request's own AbortSignal, following the program's: aborting it ends only that
 * request's connection (a cancelled body, a bad redirect body), never the program's signal.
 */
class Hop {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | null;
  readonly #onAbort: (() => void) | null;
  onOuterAbort: ((reason: unknown) => void) | null = null;

  constructor(outer: AbortSignal | null) {
    this.#outer = outer;
    if (outer === null) {
      this.#onAbort = null;
      return;
    }
    this.#onAbort = () => {
      this.#controller.abort(outer.reason);
      this.onOuterAbort?.(outer.reason);
    };
    outer.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Ends the request's connection if its response is still being read. */
  stop(reason: unknown): void {
    this.unlink();
    this.#controller.abort(reason);
  }

  unlink(): void {
    if (this.#onAbort !== null) this.#outer!.removeEventListener('abort', this.#onAbort);
  }

  /** Reads a redirect's body away, so its connection serves again; a long one ends it instead. */
  async discard(response: ClientResponse): Promise<void> {
    const body = response.body;
    let read = 0;
    try {
      while (body !== null && !body.done && read <= REDIRECT_BODY_BYTES) {
        let piece = body.pull();
        if (piece instanceof Promise) piece = await piece;
        if (piece.type === 'end-of-message') break;
        read += piece.data.length;
      }
    } catch {
      // The redirect is followed whatever became of its body.
    }
    if (body !== null && !body.done) this.stop(new DOMException('the redirect body was not read', 'AbortError'));
    this.unlink();
  }
}

function toResponse(response: ClientResponse, p: Plan, redirected: boolean, hop: Hop, decompress: boolean, maxDecodedBytes: number): Response {
  const headers = new Headers();
  for (const [name, value] of response.fields.raw()) headers.append(name, value);
  const nullBody = NULL_BODY_STATUSES.has(response.status) || p.method === 'HEAD';
  let body: ReadableStream<Uint8Array> | Uint8Array | null = null;
  const raw = response.body;
  if (raw === null || nullBody) {
    hop.unlink();
    if (raw !== null) hop.stop(new DOMException('a response without a body had one', 'AbortError'));
    if (!nullBody) body = new Uint8Array(0);
  } else {
    const codings = decompress ? codingsToUndo(response.fields.getAll('content-encoding')) : null;
    const source = codings === null ? raw : decodedBody(raw, codings, maxDecodedBytes);
    const signal = p.signal;
    const stream = responseStream(source, {
      stop: (reason) => hop.stop(reason),
      done: () => hop.unlink(),
      failure: (error) => (signal?.aborted ? signal.reason : new TypeError('terminated', { cause: error })),
    });
    hop.onOuterAbort = (reason) => stream.error(reason);
    body = stream.stream;
  }
  let out: Response;
  try {
    out = new Response(body, { status: response.status, statusText: response.reason, headers });
  } catch (error) {
    hop.stop(error);
    throw fetchFailed(new RequestError('invalid-response', `the response (status ${response.status}) cannot be a fetch Response: ${(error as Error).message}`, true, { cause: error }));
  }
  const url = new URL(p.url.href);
  url.hash = '';
  return fetched(out, url.href, redirected);
}

/** `response` with the fields a constructed Response lacks (url '', redirected false), kept by its clones. */
function fetched(response: Response, url: string, redirected: boolean): Response {
  return Object.defineProperties(response, {
    url: { value: url },
    redirected: { value: redirected },
    type: { value: 'basic' },
    clone: { value: () => fetched(Response.prototype.clone.call(response), url, redirected) },
  });
}
