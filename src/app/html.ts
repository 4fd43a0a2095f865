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
  // An assignment, then freeze() (which makes it read-only): defineProperty on an array costs
  // ~5x as much, and templates brand one array per row (bench/templates.ts).
  (pieces as unknown as { [HTML]: true })[HTML] = true;
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

/** Escapes `& < > " '`: safe between tags and inside a quoted attribute value. */
export function escapeHtml(text: string): string {
  // One pass that copies only around what it escapes: a value with nothing to escape is
  // returned as it is, and no replace() callback runs per character (~3x faster).
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    let escaped: string;
    switch (text.charCodeAt(i)) {
      case 0x26: escaped = '&amp;'; break;
      case 0x3c: escaped = '&lt;'; break;
      case 0x3e: escaped = '&gt;'; break;
      case 0x22: escaped = '&#34;'; break;
      case 0x27: escaped = '&#39;'; break;
      default: continue;
    }
    if (i > last) out += text.slice(last, i);
    out += escaped;
    last = i + 1;
  }
  return last === 0 ? text : out + text.slice(last);
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
