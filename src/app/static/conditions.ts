// Static files, part 3: validators and what a request's conditions make of them. Pure.
// An ETag and Last-Modified from a file's size, mtime and inode (RFC 9110 §8.8); the
// preconditions in RFC 9110 §13.2.2's order (If-Match, If-Unmodified-Since, If-None-Match
// before If-Modified-Since) giving 304 or 412; then a single byte Range (RFC 9110 §14.1.2)
// under If-Range (§13.1.5) giving 206 or 416. Whitespace is SP and HTAB only (RFC 9110 §5.6.3).

/** A file's validators, as sent with each answer. */
export interface Validators {
  /** A strong entity tag, quoted. */
  readonly etag: string;
  /** The modification time, in whole seconds since the epoch (HTTP-dates have no finer grain). */
  readonly lastModified: number;
}

/**
 * The strong ETag of a file: its size, mtime in nanoseconds and inode, in hex. Strong, as
 * nginx's and Apache's are: If-Range needs a strong validator (RFC 9110 §13.1.5) for a
 * resumed download or a seeking video, and a file served from disk as it is stored does
 * change whenever one of the three does. The one blind spot, a rewrite of the same size
 * within the file system's timestamp grain, is the price every server built this way pays.
 */
export function entityTag(size: bigint, mtimeNs: bigint, ino: bigint): string {
  return `"${size.toString(16)}-${mtimeNs.toString(16)}-${ino.toString(16)}"`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `seconds` since the epoch as an IMF-fixdate (RFC 9110 §5.6.7), such as `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}

/**
 * An HTTP-date in seconds since the epoch, or null when `value` is not one. IMF-fixdate is
 * read strictly; the two obsolete forms (RFC 850, asctime) RFC 9110 §5.6.7 says to accept
 * go through Date.parse, always as GMT.
 */
export function parseHttpDate(value: string): number | null {
  if (value.length === 29 && value.charCodeAt(3) === 0x2c && value.endsWith(' GMT')) {
    const day = digits(value, 5, 2);
    const month = MONTHS.indexOf(value.slice(8, 11));
    const year = digits(value, 12, 4);
    const hour = digits(value, 17, 2);
    const minute = digits(value, 20, 2);
    const second = digits(value, 23, 2);
    if (!DAYS.includes(value.slice(0, 3)) || month === -1 || day === null || year === null || hour === null || minute === null || second === null) return null;
    if (value[4] !== ' ' || value[7] !== ' ' || value[11] !== ' ' || value[16] !== ' ' || value[19] !== ':' || value[22] !== ':') return null;
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
    return Date.UTC(year, month, day, hour, minute, second) / 1000;
  }
  // RFC 850 ends in GMT; asctime has no zone and means GMT.
  const ms = Date.parse(value.endsWith(' GMT') ? value : `${value} GMT`);
  return Number.isFinite(ms) && /^[A-Za-z]{3}/.test(value) ? Math.floor(ms / 1000) : null;
}

function digits(text: string, at: number, count: number): number | null {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return n;
}

/** One member of an entity-tag list. */
interface Tag {
  readonly weak: boolean;
  /** The tag with its quotes, without W/. */
  readonly opaque: string;
}

/**
 * `If-Match` / `If-None-Match`: '*', the entity tags listed, or null when the value does
 * not parse (the condition is then ignored, as if the field were absent). A tag may hold
 * commas (etagc allows them), so the list is scanned, not split.
 */
export function parseEntityTags(value: string): '*' | Tag[] | null {
  const v = trimOws(value);
  if (v === '*') return '*';
  const tags: Tag[] = [];
  let i = 0;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (c === 0x2c || c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    let weak = false;
    if (c === 0x57 && v.charCodeAt(i + 1) === 0x2f) {
      weak = true;
      i += 2;
    }
    if (v.charCodeAt(i) !== 0x22) return null;
    const end = v.indexOf('"', i + 1);
    if (end === -1) return null;
    for (let j = i + 1; j < end; j++) {
      const e = v.charCodeAt(j);
      if (e < 0x21 || e === 0x7f) return null;
    }
    tags.push({ weak, opaque: v.slice(i, end + 1) });
    i = end + 1;
    // A tag is followed by OWS and a comma, or the end.
    while (i < v.length && (v.charCodeAt(i) === 0x20 || v.charCodeAt(i) === 0x09)) i++;
    if (i < v.length && v.charCodeAt(i) !== 0x2c) return null;
  }
  return tags.length === 0 ? null : tags;
}

/** What the preconditions ask for: go on, answer 304 Not Modified, or 412 Precondition Failed. */
export type Precondition = 'pass' | 'not-modified' | 'failed';

/** The request header fields that carry conditions, by lowercase name. */
export type ConditionHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * RFC 9110 §13.2.2's evaluation, for a representation that exists: If-Match (strong
 * comparison), else If-Unmodified-Since; then If-None-Match (weak comparison), else, for
 * GET and HEAD only, If-Modified-Since. A date later than `now` (seconds) is ignored.
 */
export function evaluatePreconditions(method: string, headers: ConditionHeaders, validators: Validators, now: number): Precondition {
  const ifMatch = field(headers, 'if-match');
  const tags = ifMatch === undefined ? null : parseEntityTags(ifMatch);
  if (tags !== null) {
    if (tags !== '*' && !tags.some((t) => !t.weak && t.opaque === validators.etag)) return 'failed';
  } else {
    const since = dateField(headers, 'if-unmodified-since');
    if (since !== null && validators.lastModified > since) return 'failed';
  }
  const safe = method === 'GET' || method === 'HEAD';
  const ifNoneMatch = field(headers, 'if-none-match');
  const none = ifNoneMatch === undefined ? null : parseEntityTags(ifNoneMatch);
  if (none !== null) {
    // Weak comparison: W/"x" and "x" match (RFC 9110 §8.8.3.2).
    if (none === '*' || none.some((t) => t.opaque === validators.etag)) return safe ? 'not-modified' : 'failed';
    return 'pass';
  }
  if (safe) {
    const since = dateField(headers, 'if-modified-since');
    if (since !== null && since <= now && validators.lastModified <= since) return 'not-modified';
  }
  return 'pass';
}

/** The part of a file to send: all of it, bytes `start` to `end` inclusive, or nothing that exists (416). */
export type RangeChoice = { readonly kind: 'whole' } | { readonly kind: 'part'; readonly start: number; readonly end: number } | { readonly kind: 'unsatisfiable' };

const WHOLE: RangeChoice = Object.freeze({ kind: 'whole' });
const UNSATISFIABLE: RangeChoice = Object.freeze({ kind: 'unsatisfiable' });

/**
 * What a GET's `Range` selects of a file of `size` bytes, once If-Range (when present)
 * holds: the whole file for no Range, a Range in another unit or malformed (which
 * RFC 9110 §14.2 lets a server ignore), or more than one range (a multipart/byteranges
 * answer is rarely wanted and costly to get right; sirv wrongly sends the first range
 * alone, where ignoring the Range and sending all is what RFC 9110 allows);
 * one part; or unsatisfiable (416), for a first byte at or past the end, or an empty file.
 */
export function selectRange(headers: ConditionHeaders, size: number, validators: Validators, now: number): RangeChoice {
  const range = field(headers, 'range');
  if (range === undefined) return WHOLE;
  const ifRange = field(headers, 'if-range');
  if (ifRange !== undefined && !ifRangeHolds(trimOws(ifRange), validators, now)) return WHOLE;
  return parseRange(range, size);
}

/** If-Range: an entity tag matches by strong comparison; a date only when it is Last-Modified and that is strong (§8.8.2.2: a second old). */
function ifRangeHolds(value: string, validators: Validators, now: number): boolean {
  if (value.startsWith('"') || value.startsWith('W/"')) return value === validators.etag;
  const date = parseHttpDate(value);
  return date !== null && date === validators.lastModified && now - validators.lastModified >= 1;
}

/** A `Range` value against a representation of `size` bytes (RFC 9110 §14.1.1-14.1.2). */
export function parseRange(value: string, size: number): RangeChoice {
  const eq = value.indexOf('=');
  if (eq === -1 || trimOws(value.slice(0, eq)).toLowerCase() !== 'bytes') return WHOLE;
  const specs = value
    .slice(eq + 1)
    .split(',')
    .map(trimOws)
    .filter((s) => s !== '');
  if (specs.length !== 1) return WHOLE;
  const spec = specs[0]!;
  const dash = spec.indexOf('-');
  if (dash === -1) return WHOLE;
  const first = spec.slice(0, dash);
  const last = spec.slice(dash + 1);
  if (first === '') {
    // suffix-range: the last n bytes.
    const n = decimal(last);
    if (n === null) return WHOLE;
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'part', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = decimal(first);
  const end = last === '' ? Infinity : decimal(last);
  if (start === null || end === null || end < start) return WHOLE;
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'part', start, end: Math.min(end, size - 1) };
}

/** 1*DIGIT as a number (Infinity when too long to matter: past any file's size); null otherwise. */
function decimal(text: string): number | null {
  if (text.length === 0) return null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  return text.length > 15 ? Infinity : Number(text);
}

function field(headers: ConditionHeaders, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join(', ');
}

function dateField(headers: ConditionHeaders, name: string): number | null {
  const value = field(headers, name);
  return value === undefined ? null : parseHttpDate(trimOws(value));
}

/** `text` without leading and trailing SP and HTAB (never trim(): it strips more than HTTP's whitespace). */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return text.slice(start, end);
}
