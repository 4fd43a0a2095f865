// staticFiles(root): a mountable handler that serves the files under `root`. It serves
// request.path (what is left once a router or mount took its part), resolved by
// resolve.ts, then checked by realpath to stay under the root's realpath (symlinks out
// are refused, symlinks inside followed). Files are streamed in chunks with the socket's
// backpressure, never read whole, from a handle opened only once the body is written.

import { constants, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { BodyIter, type AppResponse } from '../../index.js';
import { describe } from '../html.js';
import { error, htmlResponse, type AppRequest, type Handler } from '../response.js';
import { entityTag, evaluatePreconditions, httpDate, selectRange, type Validators } from './conditions.js';
import { listingPage } from './listing.js';
import { typeFor } from './mime.js';
import { encodeName, refusal, resolvePath } from './resolve.js';

/** How much of a file is read at once: node's fs.createReadStream highWaterMark (64 KiB). */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The Cache-Control sent by default: `no-cache`, "store it, but ask me before each use".
 * A localhost app's files change under it while someone edits them, and asking costs one
 * loopback round trip answered 304 from the ETag: never a stale stylesheet, never a
 * full download. Hashed asset names can take `public, max-age=31536000, immutable`.
 */
export const DEFAULT_CACHE_CONTROL = 'no-cache';

/** Options of staticFiles(). */
export interface StaticOptions {
  /** The file a directory serves when asked for with its trailing `/`; false for none. Default 'index.html'. */
  readonly index?: string | false;
  /** List a directory that has no index file (names starting with `.` are left out). Default false: 404. */
  readonly listing?: boolean;
  /** The Cache-Control field sent with files and 304s; null to send none. Default DEFAULT_CACHE_CONTROL. */
  readonly cacheControl?: string | null;
  /** More extensions (lowercase, no dot) to media types, taking precedence over MIME_TYPES. */
  readonly types?: Readonly<Record<string, string>>;
}

const ALLOW = 'GET, HEAD';

/**
 * A handler serving the files under `root` (a directory, which must exist: checked now).
 * GET and HEAD, with ETag/Last-Modified and 304, one byte range (206/416) under If-Range,
 * Content-Type from MIME_TYPES with `X-Content-Type-Options: nosniff`. It serves
 * `request.path`, so `router.mount('/assets', staticFiles('public'))` serves
 * `/assets/app.css` from `public/app.css`.
 *
 * Answers without a file: 405 with `Allow: GET, HEAD` for other methods; 400 for a
 * malformed %-escape; 403 for a name refused by its form (see resolvePath(): `..`,
 * dotfiles, encoded `/` `\` NUL), or a file the process may not read; 404 for what does not
 * exist, is not a regular file or directory, or is reached by a symlink leading out of
 * the root; a 308 redirect to `./name/` for a directory asked for without its `/` (its
 * one canonical name, as the router redirects).
 */
export function staticFiles(root: string, options: StaticOptions = {}): Handler {
  if (typeof root !== 'string' || root === '') throw new TypeError(`staticFiles(root) takes the path of a directory; got ${describe(root)}`);
  const config = checkOptions(options);
  let base: string;
  try {
    base = realpathSync(root);
    if (!statSync(base).isDirectory()) throw new Error('not a directory');
  } catch (cause) {
    throw new TypeError(`staticFiles(root) takes the path of an existing directory; ${JSON.stringify(root)} is not one (${(cause as Error).message})`, { cause });
  }
  const inside = base.endsWith(sep) ? base : base + sep;
  const within = (path: string): boolean => path === base || path.startsWith(inside);

  return async (_session, request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return error(405, `Files are read here with GET or HEAD, not ${request.method}.`, { allow: ALLOW });
    }
    const segments = request.path;
    if (segments.length === 0 && request.mount.length > 0) {
      // The mount point itself (`/assets`): its files are under `/assets/`.
      return slashRedirect(request, request.mount[request.mount.length - 1]!);
    }
    const resolved = resolvePath(segments);
    if (!resolved.ok) return error(resolved.status, resolved.message);
    const found = await locate(join(base, ...resolved.names), within);
    if (typeof found === 'number') return missing(found);
    if (found.stats.isDirectory()) {
      if (!resolved.directory) return slashRedirect(request, segments[segments.length - 1]!);
      if (config.index !== false) {
        const index = await locate(join(found.path, config.index), within);
        if (typeof index !== 'number' && index.stats.isFile()) return sendFile(request, index.path, index.stats, config.index, config);
        if (index === 403) return missing(403);
      }
      if (!config.listing) return missing(404);
      const entries = await readdir(found.path, { withFileTypes: true });
      const shown = entries.filter((e) => refusal(e.name) === null);
      const listed = await Promise.all(
        shown.map(async (e) => ({ name: e.name, directory: e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(join(found.path, e.name)))) })),
      );
      const title = resolved.names.length === 0 ? '/' : `/${resolved.names.join('/')}/`;
      return htmlResponse(listingPage(`Index of ${title}`, listed), { headers: { 'x-content-type-options': 'nosniff', 'cache-control': config.cacheControl ?? undefined } });
    }
    // A file asked for as a directory (`/app.css/`), or a FIFO, socket or device, which must never be opened.
    if (!found.stats.isFile() || resolved.directory) return missing(404);
    return sendFile(request, found.path, found.stats, resolved.names[resolved.names.length - 1]!, config);
  };
}

interface Config {
  readonly index: string | false;
  readonly listing: boolean;
  readonly cacheControl: string | null;
  readonly types: Readonly<Record<string, string>> | undefined;
}

function checkOptions(options: StaticOptions): Config {
  if (options === null || typeof options !== 'object') throw new TypeError(`staticFiles(root, options) takes an options object; got ${describe(options)}`);
  const { index = 'index.html', listing = false, cacheControl = DEFAULT_CACHE_CONTROL, types } = options;
  if (index !== false && (typeof index !== 'string' || refusal(index) !== null)) {
    throw new TypeError(`staticFiles option index is a file name (no /, not starting with a dot) or false; got ${describe(index)}`);
  }
  if (typeof listing !== 'boolean') throw new TypeError(`staticFiles option listing is true or false; got ${describe(listing)}`);
  if (cacheControl !== null && (typeof cacheControl !== 'string' || cacheControl === '')) {
    throw new TypeError(`staticFiles option cacheControl is a Cache-Control value such as 'no-cache', or null for none; got ${describe(cacheControl)}`);
  }
  if (types !== undefined) {
    if (types === null || typeof types !== 'object') throw new TypeError(`staticFiles option types maps extensions to media types, such as { md: 'text/markdown' }; got ${describe(types)}`);
    for (const [ext, type] of Object.entries(types)) {
      if (typeof type !== 'string' || type === '') throw new TypeError(`staticFiles option types maps extensions to media types; .${ext} maps to ${describe(type)}`);
    }
  }
  // Extensions are looked up lowercase: a key given as 'MD' must still match notes.md.
  const lowered = types === undefined ? undefined : Object.fromEntries(Object.entries(types).map(([ext, type]) => [ext.toLowerCase(), type]));
  return { index, listing, cacheControl, types: lowered };
}

/** A path's realpath and stats when it stays under the root; else the status that says why not. */
async function locate(path: string, within: (path: string) => boolean): Promise<{ path: string; stats: BigIntStats } | 403 | 404> {
  try {
    // Side by side, each one trip to libuv's thread pool: stat follows symlinks as realpath
    // does, so it describes the same file (and readFile() checks that it still is).
    const [real, stats] = await Promise.all([realpath(path), stat(path, { bigint: true })]);
    // A symlink leading out of the root is answered as if nothing were there.
    if (!within(real)) return 404;
    return { path: real, stats };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    // As Go's http.FileServer: what does not exist is 404, what may not be read 403, anything else a failure (500).
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return 404;
    if (code === 'EACCES' || code === 'EPERM') return 403;
    throw cause;
  }
}

/** Whether `path` (a symlink in a listed directory) leads to a directory; a broken link does not. */
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function missing(status: 403 | 404): AppResponse {
  return status === 404 ? error(404, 'No file is served at this address.') : error(403, 'This file may not be read.');
}

/**
 * 308 to `./name/` (relative: resolved against the request's own URL, so the mount needs no
 * knowing), the query kept. The name is decoded then re-encoded, so the Location holds no
 * raw input and cannot start with `//` or a scheme; there is no body to echo it into.
 */
function slashRedirect(request: AppRequest, segment: string): AppResponse {
  const resolved = resolvePath([segment]);
  if (!resolved.ok) return error(resolved.status, resolved.message);
  const query = request.query === null ? '' : `?${request.query}`;
  return { status: 308, headers: { location: `./${encodeName(resolved.names[0]!)}/${query}` }, body: null };
}

function sendFile(request: AppRequest, path: string, stats: BigIntStats, name: string, config: Config): AppResponse {
  const size = Number(stats.size);
  const now = Math.floor(Date.now() / 1000);
  const validators: Validators = { etag: entityTag(stats.size, stats.mtimeNs, stats.ino), lastModified: Number(stats.mtimeNs / 1_000_000_000n) };
  const cache = config.cacheControl ?? undefined;
  const identity = { etag: validators.etag, 'last-modified': httpDate(validators.lastModified), 'cache-control': cache };
  const condition = evaluatePreconditions(request.method, request.headers, validators, now);
  // RFC 9110 §15.4.5: a 304 carries the validators and Cache-Control a 200 would have had.
  if (condition === 'not-modified') return { status: 304, headers: identity, body: null };
  if (condition === 'failed') return error(412, 'The file no longer matches the version the request was made for.');
  const headers = { 'content-type': typeFor(name, config.types), ...identity, 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff' };
  // RFC 9110 §14.2: Range is defined for GET only; HEAD is answered as the GET without Range would be.
  if (request.method === 'HEAD') return { status: 200, headers: { ...headers, 'content-length': String(size) }, body: null };
  const choice = selectRange(request.headers, size, validators, now);
  if (choice.kind === 'unsatisfiable') return error(416, `The range asked for is not within the file's ${size} bytes.`, { 'content-range': `bytes */${size}` });
  if (choice.kind === 'part') {
    const length = choice.end - choice.start + 1;
    return { status: 206, headers: { ...headers, 'content-range': `bytes ${choice.start}-${choice.end}/${size}` }, body: fileBody(path, stats, choice.start, length) };
  }
  return { status: 200, headers, body: size === 0 ? '' : fileBody(path, stats, 0, size) };
}

/** `length` bytes of the file from `start`, read as the socket takes them. */
function fileBody(path: string, stats: BigIntStats, start: number, length: number): BodyIter {
  return new BodyIter({ [Symbol.asyncIterator]: () => readFile(path, stats, start, length) }, length);
}

/**
 * The file's bytes, a chunk at a time. The handle is opened on the first pull (a response
 * whose head never leaves opens nothing) and closed in `finally`: at the end, on an error,
 * and when the writer stops early because the peer went away (for-await calls return()).
 * It must be the file that was checked: same device, inode, size and mtime, or it fails
 * (the head promised a length and validators that a swapped file would break).
 */
async function* readFile(path: string, expected: BigIntStats, start: number, length: number): AsyncGenerator<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    let position = start;
    let left = length;
    let checked = false;
    while (left > 0) {
      const want = Math.min(left, READ_CHUNK_BYTES);
      // A fresh buffer each time: the socket may still hold the previous one.
      const buffer = Buffer.allocUnsafeSlow(want);
      const reading = handle.read(buffer, 0, want, position);
      if (!checked) {
        // The check and the first read go to the thread pool together; nothing is sent before the check.
        const [now] = await Promise.all([handle.stat({ bigint: true }), reading]);
        if (now.dev !== expected.dev || now.ino !== expected.ino || now.size !== expected.size || now.mtimeNs !== expected.mtimeNs) {
          throw new Error(`staticFiles: ${path} changed between its check and its reading; the response is cut short`);
        }
        checked = true;
      }
      const { bytesRead } = await reading;
      if (bytesRead === 0) throw new Error(`staticFiles: ${path} shrank while it was sent; the response is cut short`);
      position += bytesRead;
      left -= bytesRead;
      yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    // Not awaited: the body's end need not wait for the descriptor's release (a read-only close has nothing to report).
    handle.close().catch(() => {});
  }
}
