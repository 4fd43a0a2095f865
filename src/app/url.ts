// Links relative to where an app is mounted (kali's app_url): an app mounted at /admin
// builds /admin/tasks/7 without knowing it is there. The mount's segments are reused as
// received (already encoded); each segment given is percent-encoded here, once. Pure.

import type { ServerRequest } from '../index.js';
import { describe } from './html.js';

/**
 * The path of `segments` under the request's mount: `appUrl(request, 'tasks', 7)` is
 * `/admin/tasks/7` for an app mounted at /admin. Each segment is percent-encoded (a `/` in
 * it stays inside the segment, `.` and `..` are encoded so they cannot climb); a last
 * segment '' gives a trailing slash; no segments give the mount itself, with a slash.
 */
export function appUrl(request: Pick<ServerRequest, 'mount'>, ...segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of request.mount) out += `/${segment}`;
  if (segments.length === 0) return `${out}/`;
  for (const segment of segments) out += `/${encodeSegment(segment)}`;
  return out;
}

/** One path segment, percent-encoded: all but RFC 3986 unreserved characters and sub-delims that cannot confuse a path. */
export function encodeSegment(segment: string | number): string {
  if (typeof segment === 'number') {
    if (!Number.isFinite(segment)) throw new TypeError(`a URL segment is a string or a finite number; got ${describe(segment)}`);
    return String(segment);
  }
  if (typeof segment !== 'string') throw new TypeError(`a URL segment is a string or a finite number; got ${describe(segment)}`);
  // A dot segment would be resolved away by the browser (RFC 3986 §5.2.4): encoded, it is a name.
  if (segment === '.' || segment === '..') return segment.replaceAll('.', '%2E');
  try {
    return encodeURIComponent(segment);
  } catch {
    throw new TypeError(`a URL segment is text that UTF-8 can encode; got ${describe(segment)}, which holds a lone surrogate`);
  }
}
