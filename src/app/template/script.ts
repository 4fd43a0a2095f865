// Where a json() slot lands inside <script> or <style>: json() text is a whole expression,
// safe in code, but inside a JS string, template literal, comment or regular expression
// (or a CSS string or comment) its quotes would end the literal and the data would run. So
// the literal text of a script is read for those states only: quotes, escapes, `${`
// nesting, comments, and a regex-or-division guess from the previous token (ECMA-262
// §12.9.5's ambiguity; Go's jsCtx uses the same guess). Pure, and a character at a time.

type JsState = 'code' | 'single' | 'double' | 'template' | 'line-comment' | 'block-comment' | 'regex' | 'regex-class';

// After these, a `/` begins a regular expression; after an identifier, a number, `)` or `]`
// it is a division (keywords such as return excepted).
const REGEX_AFTER = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'instanceof', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

function isWord(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '$';
}

/** Reads script (or, with `css`, style) text; says whether the next character is code. */
export class ScriptReader {
  #state: JsState = 'code';
  #escaped = false;
  #previous = ''; // the last significant character in code
  #word = ''; // the identifier that ends at #previous, to tell `return /x/` from `a / b`
  #spaced = false; // whitespace since #previous, so `return x` is two words
  #star = false; // a block comment's last character was `*`
  #pending = ''; // a `/`, `$` or `<!-` whose meaning the next character decides
  readonly #braces: number[] = []; // for each open `${`, the depth of braces inside it
  readonly #css: boolean;

  constructor(css: boolean) {
    this.#css = css;
  }

  /** True when a slot here would be in code, not inside a string, comment or regex. */
  get inCode(): boolean {
    return this.#state === 'code' && this.#pending === '';
  }

  /** What the reader is inside, for messages. */
  get where(): string {
    if (this.#pending !== '') return 'right after a character whose meaning the slot would decide';
    return { code: 'code', single: "a '...' string", double: 'a "..." string', template: 'a `...` template literal', 'line-comment': 'a comment', 'block-comment': 'a comment', regex: 'a regular expression', 'regex-class': 'a regular expression' }[this.#state];
  }

  /** A slot's json() text went in: code continues, as after a value. */
  slot(): void {
    this.#endLiteral();
  }

  /** Reads one character. */
  step(c: string): void {
    if (this.#pending !== '') {
      const pending = this.#pending;
      this.#pending = '';
      if (this.#resolve(pending, c)) return;
    }
    switch (this.#state) {
      case 'code':
        return this.#code(c);
      case 'single':
      case 'double':
        // A newline ends the literal: a syntax error in JS, a bad-string in CSS.
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === (this.#state === 'single' ? "'" : '"') || c === '\n') this.#endLiteral();
        return;
      case 'template':
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === '`') this.#endLiteral();
        else if (c === '$') this.#pending = '$';
        return;
      case 'line-comment':
        if (c === '\n') this.#state = 'code';
        return;
      case 'block-comment':
        if (c === '/' && this.#star) this.#state = 'code';
        this.#star = c === '*';
        return;
      case 'regex':
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === '[') this.#state = 'regex-class';
        else if (c === '/') this.#endLiteral();
        return;
      case 'regex-class':
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === ']') this.#state = 'regex';
        return;
    }
  }

  #endLiteral(): void {
    this.#state = 'code';
    this.#previous = '0'; // a literal is a value: a `/` after it divides
    this.#word = '';
    this.#spaced = false;
  }

  // Returns true when `c` was consumed as part of the pending sequence.
  #resolve(pending: string, c: string): boolean {
    if (pending === '$') {
      if (c === '{') {
        this.#braces.push(0);
        this.#state = 'code';
        this.#previous = '{';
        return true;
      }
      return false;
    }
    if (pending === '/') {
      if (c === '/' && !this.#css) {
        this.#state = 'line-comment';
        return true;
      }
      if (c === '*') {
        this.#state = 'block-comment';
        this.#star = false;
        return true;
      }
      const regex = !this.#css && (this.#previous === '' || REGEX_AFTER.has(this.#previous) || REGEX_KEYWORDS.has(this.#word));
      if (regex) {
        this.#state = 'regex';
        this.step(c);
        return true;
      }
      this.#previous = '/';
      this.#word = '';
      return false;
    }
    // `<!--` begins a line comment in a classic script (ECMA-262 §B.1.1).
    if (pending === '<' && c === '!') {
      this.#pending = '<!';
      return true;
    }
    if (pending === '<!' && c === '-') {
      this.#pending = '<!-';
      return true;
    }
    if (pending === '<!-' && c === '-') {
      this.#state = 'line-comment';
      return true;
    }
    this.#previous = '<';
    this.#word = '';
    return false;
  }

  #code(c: string): void {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      this.#spaced = true;
      return;
    }
    if (c === "'") this.#state = 'single';
    else if (c === '"') this.#state = 'double';
    else if (c === '`' && !this.#css) this.#state = 'template';
    else if (c === '/') this.#pending = '/';
    else if (c === '<' && !this.#css) this.#pending = '<';
    else if (c === '{' && this.#braces.length > 0) this.#braces[this.#braces.length - 1]!++;
    else if (c === '}' && this.#braces.length > 0 && this.#braces[this.#braces.length - 1] === 0) {
      this.#braces.pop();
      this.#state = 'template';
      return;
    } else if (c === '}' && this.#braces.length > 0) this.#braces[this.#braces.length - 1]!--;
    if (this.#state !== 'code' || this.#pending !== '') return;
    this.#word = isWord(c) ? (isWord(this.#previous) && !this.#spaced ? this.#word + c : c) : '';
    this.#previous = c;
    this.#spaced = false;
  }
}
