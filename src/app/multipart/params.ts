// Header parameters of multipart bodies: the boundary of a Content-Type (RFC 2046 §5.1.1:
// 1-70 bchars, quoted or not, not ending in a space) and the Content-Disposition of a part
// (RFC 7578 §4.2: form-data; name; filename, or filename* as RFC 8187's ext-value). Values
// are tokens or quoted-strings (RFC 9110 §5.6.4, §5.6.6), whitespace is SP and HTAB only.
// A filename is cut to its last path segment (after '/' or '\'). Pure.

import { malformed } from '../form/errors.js';
import { HttpError } from '../errors.js';

/** A media type split into its lowercase `type/subtype` and its parameters (names lowercase). */
export interface MediaType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

/** What a part's Content-Disposition says. */
export interface Disposition {
  readonly name: string;
  /** Null when the part is not a file (no filename and no filename* parameter). */
  readonly filename: string | null;
}

/** The longest boundary RFC 2046 §5.1.1 allows. */
export const MAX_BOUNDARY_LENGTH = 70;

const TCHAR = table("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
const BCHAR = table("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ");
// RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
const ATTR_CHAR = table('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$&+-.^_`|~');

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const isToken = (s: string): boolean => s.length > 0 && [...s].every((c) => c.charCodeAt(0) < 128 && TCHAR[c.charCodeAt(0)] === 1);
const isWs = (code: number): boolean => code === 0x20 || code === 0x09;

/** Parses `type/subtype *( OWS ";" OWS name=value )`; null when it is not that. */
export function parseMediaType(value: string): MediaType | null {
  const semi = value.indexOf(';');
  const head = trimWs(semi === -1 ? value : value.slice(0, semi));
  const slash = head.indexOf('/');
  if (slash === -1 || !isToken(head.slice(0, slash)) || !isToken(head.slice(slash + 1))) return null;
  const params = semi === -1 ? new Map<string, string>() : parseParams(value, semi);
  return params === null ? null : { type: head.toLowerCase(), params };
}

/**
 * The boundary of a multipart Content-Type value; a 400 when the type is not multipart/form-data's
 * syntax, or the boundary is missing, empty, too long or not bchars.
 */
export function boundaryOf(contentType: string): string {
  const media = parseMediaType(contentType);
  if (media === null) throw malformed('bad-content-type', `the Content-Type ${JSON.stringify(contentType)} is not a media type with parameters`);
  const boundary = media.params.get('boundary');
  if (boundary === undefined) throw malformed('missing-boundary', `the Content-Type ${JSON.stringify(contentType)} has no boundary parameter: multipart/form-data needs one (RFC 7578 §4.1)`);
  if (boundary.length === 0 || boundary.length > MAX_BOUNDARY_LENGTH || boundary.endsWith(' ') || ![...boundary].every((c) => c.charCodeAt(0) < 128 && BCHAR[c.charCodeAt(0)] === 1)) {
    throw malformed('bad-boundary', `the boundary ${JSON.stringify(boundary)} is not 1 to 70 of RFC 2046's bchars, without a trailing space`);
  }
  return boundary;
}

/** A part's Content-Disposition: `form-data` with a non-empty name; a 400 otherwise. */
export function parseDisposition(value: string): Disposition {
  const semi = value.indexOf(';');
  const kind = trimWs(semi === -1 ? value : value.slice(0, semi)).toLowerCase();
  if (kind !== 'form-data') throw malformed('bad-disposition', `a part's Content-Disposition is ${JSON.stringify(value)}: each part of a form is "form-data" (RFC 7578 §4.2)`);
  const params = semi === -1 ? new Map<string, string>() : parseParams(value, semi);
  if (params === null) throw malformed('bad-disposition', `a part's Content-Disposition ${JSON.stringify(value)} has malformed parameters`);
  const name = params.get('name');
  if (name === undefined) throw malformed('missing-name', `a part's Content-Disposition ${JSON.stringify(value)} has no name parameter (RFC 7578 §4.2)`);
  if (name === '') throw malformed('empty-name', 'a part has an empty name: every field needs a name');
  const star = params.get('filename*');
  let filename = star === undefined ? params.get('filename') : decodeExtValue(star);
  if (filename !== undefined) {
    filename = basename(filename);
    if (filename === '.' || filename === '..') throw malformed('bad-filename', `a part's filename is ${JSON.stringify(filename)}: a file has a name that is not a directory`);
  }
  return { name, filename: filename ?? null };
}

/** The last path segment: browsers send a basename, old ones a whole Windows or Unix path. */
export function basename(filename: string): string {
  const cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
  return cut === -1 ? filename : filename.slice(cut + 1);
}

/** `*( OWS ";" OWS token "=" ( token / quoted-string ) ) OWS` from `at` (a ';'); null when malformed or a name repeats. */
function parseParams(value: string, at: number): Map<string, string> | null {
  const params = new Map<string, string>();
  let i = at;
  const n = value.length;
  for (;;) {
    while (i < n && isWs(value.charCodeAt(i))) i++;
    if (i === n) return params;
    if (value.charCodeAt(i) !== 0x3b) return null;
    i++;
    while (i < n && isWs(value.charCodeAt(i))) i++;
    if (i === n) return params; // a trailing ';' is common and harmless
    const eq = value.indexOf('=', i);
    if (eq === -1) return null;
    const name = value.slice(i, eq).toLowerCase();
    if (!isToken(name) || params.has(name)) return null;
    i = eq + 1;
    let param: string;
    if (value.charCodeAt(i) === 0x22) {
      let out = '';
      i++;
      for (;;) {
        if (i === n) return null;
        const c = value.charCodeAt(i);
        if (c === 0x22) break;
        if (c === 0x5c) {
          i++;
          if (i === n) return null;
        } else if (c < 0x20 && c !== 0x09) return null;
        out += value[i];
        i++;
      }
      i++;
      param = out;
    } else {
      const start = i;
      while (i < n && value.charCodeAt(i) < 128 && TCHAR[value.charCodeAt(i)] === 1) i++;
      param = value.slice(start, i);
      if (param === '') return null;
    }
    params.set(name, param);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder('latin1');

/** RFC 8187 §3.2.1: `charset "'" [ language ] "'" value-chars`, in UTF-8 or ISO-8859-1 only. */
function decodeExtValue(value: string): string {
  const first = value.indexOf("'");
  const second = first === -1 ? -1 : value.indexOf("'", first + 1);
  if (second === -1) throw malformed('bad-filename', `the filename* ${JSON.stringify(value)} is not charset'language'value (RFC 8187)`);
  const charset = value.slice(0, first).toLowerCase();
  if (charset !== 'utf-8' && charset !== 'iso-8859-1') throw malformed('bad-filename', `the filename* ${JSON.stringify(value)} is in ${JSON.stringify(charset)}: send UTF-8`);
  const encoded = value.slice(second + 1);
  const bytes = new Uint8Array(encoded.length);
  let j = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25) {
      const byte = Number.parseInt(encoded.slice(i + 1, i + 3), 16);
      if (!/^[0-9A-Fa-f]{2}$/.test(encoded.slice(i + 1, i + 3))) throw malformed('bad-filename', `the filename* ${JSON.stringify(value)} has '%' without two hex digits`);
      bytes[j++] = byte;
      i += 2;
    } else if (c < 128 && ATTR_CHAR[c] === 1) {
      bytes[j++] = c;
    } else {
      throw malformed('bad-filename', `the filename* ${JSON.stringify(value)} has ${JSON.stringify(encoded[i])}, which RFC 8187 sends percent-encoded`);
    }
  }
  try {
    return (charset === 'utf-8' ? utf8 : latin1).decode(bytes.subarray(0, j));
  } catch (cause) {
    throw new HttpError(400, 'bad-filename', `the filename* ${JSON.stringify(value)} is not UTF-8 once percent-decoded`, { cause });
  }
}

/** Without leading and trailing SP and HTAB (never String#trim: it strips more). */
export function trimWs(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isWs(s.charCodeAt(start))) start++;
  while (end > start && isWs(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}
