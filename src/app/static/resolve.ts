// Static files, part 1: from the request's remaining path segments to a relative file
// name under the root, or a refusal. Pure (no node:*): each segment is decoded once, by
// decodeSegment(), and checked as the name it will become, so the guard and the file
// system read one path one way (the cause of the 2024-26 static-file advisories).
// The realpath check against the root, which catches symlinks, is serve.ts's job.

import { decodeSegment } from '../path.js';

/** Where a request's path leads: the names to join under the root, and whether it ended in `/`. */
export interface Resolved {
  readonly ok: true;
  /** Decoded file names, none empty, `.`, `..`, hidden, or holding a separator or control character. */
  readonly names: readonly string[];
  /** The path ended in `/` (a directory was asked for). */
  readonly directory: boolean;
}

/** Why a path is refused, and the status that says so. */
export interface Refused {
  readonly ok: false;
  /** 400 for a segment that is not well percent-encoded; 403 for a name the rules refuse. */
  readonly status: 400 | 403;
  /** A stable name for the refusal, for logs and tests. */
  readonly code: 'bad-encoding' | 'refused-name';
  /** A sentence for the error page (it never repeats the raw segment). */
  readonly message: string;
}

/** The result of resolvePath(). */
export type Resolution = Resolved | Refused;

/**
 * The file names `segments` name (request.path: raw, percent-encoded), or why not.
 *
 * Refused with 403, from the name alone and before any file system access, so the answer
 * says nothing about what exists (kali's StaticFolder rule): an empty segment other than
 * the last (`//`), `.` and `..` (plain or encoded: `%2e%2e`, `.%2E`), a name starting with
 * `.` (dotfiles: .git, .env), and a decoded name holding `/` or `\` (`%2f`, `%5c`), NUL
 * or another control character (`%00`, `%0a`). A malformed `%` escape or bytes that are
 * not UTF-8 are a 400. A last empty segment, or none at all, means the path ended in `/`.
 */
export function resolvePath(segments: readonly string[]): Resolution {
  const names: string[] = [];
  // No segment at all is the path `/` (a handler mounted at /x, seeing `/x` itself, redirects before asking).
  if (segments.length === 0) return { ok: true, names, directory: true };
  const last = segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = segments[i]!;
    if (segment === '' && i === last) return { ok: true, names, directory: true };
    const name = decodeSegment(segment);
    if (name === null) return { ok: false, status: 400, code: 'bad-encoding', message: 'The address has a malformed percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8).' };
    const why = refusal(name);
    if (why !== null) return { ok: false, status: 403, code: 'refused-name', message: `No file is served under ${why}.` };
    names.push(name);
  }
  return { ok: true, names, directory: false };
}

/** Why `name` (decoded) can never name a served file, or null when it can. */
export function refusal(name: string): string | null {
  if (name === '') return 'an empty path segment (//)';
  if (name.charCodeAt(0) === 0x2e) return name === '.' || name === '..' ? 'a . or .. segment' : 'a name starting with a dot';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // Separators would let one segment name two levels; control characters (NUL above all) cut or bend names in the OS.
    if (c === 0x2f || c === 0x5c) return 'a name holding an encoded / or \\';
    if (c < 0x20 || c === 0x7f) return 'a name holding a control character';
  }
  return null;
}

/** `name` encoded as one path segment of a URL: every character but unreserved ones is escaped, `:` included. */
export function encodeName(name: string): string {
  // encodeURIComponent leaves ! ' ( ) * unescaped; ' would end a quoted attribute, the others are harmless but escaped alike.
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
