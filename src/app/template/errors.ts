// TemplateError: every way a template can be refused, at compile time (a slot where no
// escaper is safe, bad syntax, an unknown formatter) or at render (a value that the slot's
// context cannot take). It names the template, the line and the column (1-based, in the
// file or in the html`` literal) and carries a stable `code`; `frame` is the two-line code
// frame: the source line, and a caret under the column.

/** The stable reasons a template is refused. */
export type TemplateErrorCode =
  | 'syntax'
  | 'slot-in-tag'
  | 'unquoted-attribute'
  | 'event-handler-attribute'
  | 'style-attribute'
  | 'html-attribute'
  | 'slot-in-comment'
  | 'slot-in-markup'
  | 'slot-in-raw-text'
  | 'slot-in-script-literal'
  | 'ambiguous-url'
  | 'bad-html'
  | 'end-context'
  | 'raw-outside-text'
  | 'unknown-formatter'
  | 'unknown-template'
  | 'template-cycle'
  | 'script-needs-json'
  | 'html-in-attribute'
  | 'raw-needs-html'
  | 'bad-value'
  | 'missing-field';

/** Where in a template: 1-based line and column. */
export interface TemplateLocation {
  readonly line: number;
  readonly column: number;
}

/** A template refused at compile time or a value refused at render, with where it happened. */
export class TemplateError extends Error {
  /** A stable name for the failure. */
  readonly code: TemplateErrorCode;
  /** The template's name: a file path, or the call site of an html`` literal. */
  readonly template: string;
  /** 1-based line in the template. */
  readonly line: number;
  /** 1-based column in the template. */
  readonly column: number;
  /** The source line and a caret under the column (empty when the source is unknown). */
  readonly frame: string;

  constructor(code: TemplateErrorCode, template: string, where: TemplateLocation, description: string, source?: string, options?: { cause?: unknown }) {
    const frame = source === undefined ? '' : codeFrame(source, where);
    // An html`` literal is named by its call site, so its line and column are the literal's own.
    const at = template.startsWith('html``') ? `${template} (line ${where.line}, column ${where.column} of the literal)` : `${template}:${where.line}:${where.column}`;
    super(`${at}: ${description}${frame === '' ? '' : `\n${frame}`}`, options);
    this.name = 'TemplateError';
    this.code = code;
    this.template = template;
    this.line = where.line;
    this.column = where.column;
    this.frame = frame;
  }
}

/** The 1-based line and column of `offset` in `source`. */
export function locate(source: string, offset: number): TemplateLocation {
  let line = 1;
  let start = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** The line `where` points into, and a caret under its column; tabs are kept so the caret lines up. */
export function codeFrame(source: string, where: TemplateLocation): string {
  const text = source.split('\n')[where.line - 1];
  if (text === undefined) return '';
  const gutter = `${where.line} | `;
  const before = text.slice(0, where.column - 1).replace(/[^\t]/g, ' ');
  return `${gutter}${text.replace(/\r$/, '')}\n${' '.repeat(gutter.length)}${before}^`;
}
