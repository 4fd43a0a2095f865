// Html: trusted markup, as an iolist. Only the template engine, html`` and raw() make one;
// everything else that lands in a page is escaped. An Html is a frozen array of pieces
// (strings of markup, bytes, nested Html), so a page goes to the socket as its pieces,
// never joined into one string (warren writes any array body as an iolist).

const HTML: unique symbol = Symbol.for('warren.app.html') as never;

/** A piece of trusted markup: a string of HTML, bytes of UTF-8 HTML, or nested Html. */
export type HtmlPiece = string | Uint8Array | Html;

/** Trusted markup: made only by templates, html`` and raw(). It is an iolist body as it stands. */
export interface Html extends ReadonlyArray<HtmlPiece> {
  readonly [HTML]: true;
}

/** Brands `pieces` (which the caller vouches for) as Html; the array is frozen. */
export function trusted(pieces: HtmlPiece[]): Html {
  Object.defineProperty(pieces, HTML, { value: true });
  return Object.freeze(pieces) as unknown as Html;
}

/** Marks a string as markup to insert as it is. The caller vouches that it is safe HTML. */
export function raw(markup: string): Html {
  if (typeof markup !== 'string') throw new TypeError(`raw() takes a string of markup; got ${describe(markup)}`);
  return trusted([markup]);
}

/** True for an Html made by this module (data from JSON or a form can never be one). */
export function isHtml(value: unknown): value is Html {
  return Array.isArray(value) && (value as unknown as { [HTML]?: unknown })[HTML] === true;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const SPECIAL = /[&<>"']/g;

/** Escapes `& < > " '`: safe between tags and inside a quoted attribute value. */
export function escapeHtml(text: string): string {
  // A scan first: most values have nothing to escape, and replace() would copy them.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27) return text.replace(SPECIAL, (ch) => ESCAPES[ch]!);
  }
  return text;
}

/** What a misused value was, for error messages: its type, and its value when short. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'a plain object';
}
