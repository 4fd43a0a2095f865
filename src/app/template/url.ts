// URL attribute values: the filter a slot at the start of a URL value goes through, and the
// reading of the literal text around URL slots. A value is safe when it is relative or its
// scheme is http, https or mailto (Go's html/template isSafeURL); anything else becomes `#`.
// The check reads the value as a browser would after attribute decoding (HTML §13.2.5.72
// character references) and URL parsing (WHATWG URL: C0 controls and spaces stripped, tabs
// and newlines removed anywhere), and goes further: every control and space is dropped.

/** What a refused URL becomes: a same-page fragment, inert in every browser. */
export const REFUSED_URL = '#';

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

// The named references that decode to a character that matters to a URL's scheme or to the
// whitespace a URL parser strips. Any other name is "unknown": the literal-text reader
// refuses it (ambiguous), the value filter leaves it (the value is escaped, so a browser
// never decodes it anyway).
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', sol: '/', quest: '?', num: '#',
  Tab: '\t', NewLine: '\n', nbsp: '\u00a0', period: '.', excl: '!', lpar: '(', rpar: ')',
  equals: '=', commat: '@', percnt: '%', plus: '+', comma: ',', semi: ';', lowbar: '_', hyphen: '-',
};

/**
 * `text` with its character references decoded (numeric with or without `;`, and the names
 * above); null when a reference is unknown or cut off at the end (so the next character
 * could still change what it means).
 */
export function decodeReferences(text: string, strict: boolean): string | null {
  if (text.indexOf('&') === -1) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const amp = text.indexOf('&', i);
    if (amp === -1) break;
    out += text.slice(i, amp);
    let j = amp + 1;
    if (text[j] === '#') {
      j++;
      const hex = text[j] === 'x' || text[j] === 'X';
      if (hex) j++;
      const start = j;
      while (j < text.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(text[j]!)) j++;
      if (j === start) {
        if (j >= text.length && strict) return null;
        out += text.slice(amp, j);
        i = j;
        continue;
      }
      if (j >= text.length && strict) return null; // more digits may follow
      const code = Number.parseInt(text.slice(start, j), hex ? 16 : 10);
      out += code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
      if (text[j] === ';') j++;
      i = j;
      continue;
    }
    while (j < text.length && /[A-Za-z0-9]/.test(text[j]!)) j++;
    const name = text.slice(amp + 1, j);
    if (name === '') {
      out += '&';
      i = j;
      continue;
    }
    if (text[j] === ';' && NAMED[name] !== undefined) {
      out += NAMED[name];
      i = j + 1;
      continue;
    }
    if (strict) return null;
    out += text.slice(amp, j);
    i = j;
  }
  return out + text.slice(i);
}

/** `text` without controls, spaces and DEL: what is left decides the scheme. */
function squeeze(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0x7f) out += text[i];
  }
  return out;
}

/** True when `value` is a relative URL or its scheme is http, https or mailto (any case, any disguise). */
export function isSafeUrl(value: string): boolean {
  // Most values are paths, or have no scheme and no reference that could spell one.
  const first = value.charCodeAt(0);
  if (first === 0x2f || first === 0x3f || first === 0x23) return true;
  if (value.indexOf(':') === -1 && value.indexOf('&') === -1) return true;
  const text = squeeze(decodeReferences(value, false)!);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' || c === '?' || c === '#') return true;
    if (c === ':') return SAFE_SCHEMES.has(text.slice(0, i).toLowerCase());
  }
  return true;
}

/** What literal URL text tells about a slot that follows it. */
export type UrlReading = 'empty' | 'scheme-decided' | 'partial' | 'colon' | 'unreadable';

/**
 * Reads literal text of a URL value (decoded as the browser will): `empty` (only spaces),
 * `scheme-decided` (a `/ ? #` or `:` ends any scheme), `partial` (letters that a slot could
 * turn into a scheme), `colon` (a `:` before any `/ ? #`: after a slot, that makes the slot a
 * scheme), `unreadable` (an unknown or unfinished character reference).
 */
export function readUrlText(text: string): UrlReading {
  const decoded = decodeReferences(text, true);
  if (decoded === null) return 'unreadable';
  const squeezed = squeeze(decoded);
  if (squeezed === '') return 'empty';
  for (const c of squeezed) {
    if (c === '/' || c === '?' || c === '#') return 'scheme-decided';
    if (c === ':') return 'colon';
  }
  return 'partial';
}
