// MultipartParser: multipart/form-data (RFC 7578 over RFC 2046 §5.1) as a sans-I/O machine.
// Bytes go in with receive() and end(); next() hands out part-start, data, part-end and done
// events, or 'need-data'. The preamble is skipped; after the close delimiter an epilogue
// is allowed and skipped too, but a delimiter in it is a part after the close: 400. After a
// delimiter come optional SP/HTAB then CR LF, or "--"; anything else is malformed. Every
// limit is checked here, so a caller that feeds bytes cannot forget one. Pure.

import { HttpError } from '../errors.js';
import { malformed, overLimit } from '../form/errors.js';
import type { FormLimits } from '../form/limits.js';
import { DelimiterSearch } from './search.js';
import { PartHeadReader, type PartHeader } from './part-head.js';
import { parseDisposition, parseMediaType, MAX_BOUNDARY_LENGTH } from './params.js';

/** The limits the parser checks: all of FormLimits. */
export type MultipartLimits = FormLimits;

/** One event of a multipart body. */
export type MultipartEvent =
  /** A part begins; `filename` is null for a field (a part without filename or filename*). */
  | { readonly type: 'part-start'; readonly name: string; readonly filename: string | null; readonly contentType: string; readonly headers: readonly PartHeader[] }
  /** Bytes of the current part. `borrowed`: a view of a chunk given to receive(), not a copy. */
  | { readonly type: 'data'; readonly bytes: Uint8Array; readonly borrowed: boolean }
  /** The current part is complete. */
  | { readonly type: 'part-end' }
  /** The close delimiter was read and the body ended. */
  | { readonly type: 'done' };

type State = 'preamble' | 'after-delimiter' | 'head' | 'body' | 'epilogue' | 'done';
/** Where we are in the bytes after a delimiter: its first byte, after one '-', in padding, after CR. */
type After = 'start' | 'dash' | 'padding' | 'cr';

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const PART_END: MultipartEvent = Object.freeze({ type: 'part-end' });
const DONE: MultipartEvent = Object.freeze({ type: 'done' });
const ALLOWED_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

/** Parses one multipart/form-data body whose boundary is `boundary` (see boundaryOf()). */
export class MultipartParser {
  readonly #limits: MultipartLimits;
  readonly #boundary: string;
  readonly #search: DelimiterSearch;
  readonly #queue: Uint8Array[] = [];
  #chunk: Uint8Array | null = null;
  #pos = 0;
  #ended = false;
  #received = 0;
  #error: unknown = null;
  #state: State = 'preamble';
  #after: After = 'start';
  #head: PartHeadReader | null = null;
  #parts = 0;
  #fields = 0;
  #files = 0;
  #isFile = false;
  #partBytes = 0;

  constructor(boundary: string, limits: MultipartLimits) {
    if (typeof boundary !== 'string' || boundary.length === 0 || boundary.length > MAX_BOUNDARY_LENGTH || /[^\x20-\x7e]/.test(boundary)) {
      throw new TypeError(`MultipartParser(boundary) takes 1 to 70 printable ASCII characters (use boundaryOf(contentType)), got ${typeof boundary} ${JSON.stringify(boundary)}`);
    }
    this.#boundary = boundary;
    this.#limits = limits;
    const needle = new Uint8Array(4 + boundary.length);
    needle.set([CR, LF, DASH, DASH]);
    for (let i = 0; i < boundary.length; i++) needle[4 + i] = boundary.charCodeAt(i);
    // The first delimiter has no CR LF before it: the search starts as if it had just seen one.
    this.#search = new DelimiterSearch(needle, 2);
  }

  /** Bytes read by the delimiter search so far (for the linearity tests). */
  get searchSteps(): number {
    return this.#search.steps;
  }

  /** Gives the next bytes of the body; the parser keeps a view, so do not reuse `chunk` until it is consumed. */
  receive(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`receive(chunk) takes a Uint8Array, got ${chunk === null ? 'null' : typeof chunk}`);
    if (this.#ended) throw new TypeError('receive(chunk) after end(): the body already ended');
    if (chunk.length === 0) return;
    this.#received += chunk.length;
    if (this.#received > this.#limits.maxBytes && this.#error === null) {
      this.#error = overLimit('form-too-large', 'maxBytes', this.#limits.maxBytes, `the form of more than ${this.#limits.maxBytes} bytes`);
    }
    this.#queue.push(chunk);
  }

  /** Says the body has ended: next() then finishes, or throws if the form was not complete. */
  end(): void {
    this.#ended = true;
  }

  /** The next event, or 'need-data' when it needs receive() or end(); throws an HttpError (400 or 413). */
  next(): MultipartEvent | 'need-data' {
    if (this.#error !== null) throw this.#error;
    try {
      return this.#next();
    } catch (error) {
      this.#error = error;
      throw error;
    }
  }

  #next(): MultipartEvent | 'need-data' {
    for (;;) {
      if (this.#state === 'done') return DONE;
      let chunk = this.#chunk;
      if (chunk === null || this.#pos >= chunk.length) {
        chunk = this.#chunk = this.#queue.shift() ?? null;
        this.#pos = 0;
        if (chunk === null) {
          if (!this.#ended) return 'need-data';
          if (this.#state !== 'epilogue') {
            throw malformed('unexpected-end', `the form ended before its close delimiter --${this.#boundary}-- (${this.#where()})`);
          }
          this.#state = 'done';
          return DONE;
        }
      }
      switch (this.#state) {
        case 'preamble':
        case 'body':
        case 'epilogue': {
          const found = this.#search.scan(chunk, this.#pos);
          if (found.type === 'need-data') {
            this.#pos = chunk.length;
            continue;
          }
          this.#pos = found.next;
          if (found.type === 'data') {
            if (this.#state !== 'body') continue;
            this.#partBytes += found.bytes.length;
            if (this.#isFile ? this.#partBytes > this.#limits.maxFileBytes : this.#partBytes > this.#limits.maxFieldBytes) {
              throw this.#isFile
                ? overLimit('file-too-large', 'maxFileBytes', this.#limits.maxFileBytes, 'an uploaded file')
                : overLimit('field-too-large', 'maxFieldBytes', this.#limits.maxFieldBytes, 'the value of a field');
            }
            return { type: 'data', bytes: found.bytes, borrowed: found.borrowed };
          }
          if (this.#state === 'epilogue') throw malformed('part-after-close', `the form has a delimiter --${this.#boundary} after its close delimiter: nothing may follow the close`);
          const wasBody = this.#state === 'body';
          this.#state = 'after-delimiter';
          this.#after = 'start';
          this.#head = new PartHeadReader(this.#limits.maxHeaderBytes);
          if (wasBody) return PART_END;
          continue;
        }
        case 'after-delimiter':
          this.#afterDelimiter(chunk);
          continue;
        case 'head': {
          const head = this.#head!;
          const end = head.feed(chunk, this.#pos);
          if (end === -1) {
            this.#pos = chunk.length;
            continue;
          }
          this.#pos = end;
          return this.#startPart(head.headers);
        }
      }
    }
  }

  /** The bytes after a delimiter: "--" closes the form; optional SP/HTAB then CR LF start a part. */
  #afterDelimiter(chunk: Uint8Array): void {
    while (this.#pos < chunk.length) {
      const b = chunk[this.#pos++]!;
      switch (this.#after) {
        case 'start':
          if (b === DASH) this.#after = 'dash';
          else if (b === 0x20 || b === 0x09) {
            this.#head!.count(1);
            this.#after = 'padding';
          }
          else if (b === CR) this.#after = 'cr';
          else throw this.#badDelimiter(b);
          break;
        case 'dash':
          if (b !== DASH) throw this.#badDelimiter(b);
          this.#state = 'epilogue';
          return;
        case 'padding':
          this.#head!.count(1);
          if (b === CR) this.#after = 'cr';
          else if (b !== 0x20 && b !== 0x09) throw this.#badDelimiter(b);
          break;
        case 'cr':
          if (b !== LF) throw malformed('cr-without-lf', `the delimiter --${this.#boundary} is followed by a CR without LF`);
          this.#state = 'head';
          return;
      }
    }
  }

  #badDelimiter(b: number): HttpError {
    return malformed('bad-delimiter', `the delimiter --${this.#boundary} is followed by 0x${b.toString(16).padStart(2, '0')}: after a boundary come CR LF, or "--" to close the form (RFC 2046 §5.1.1)`);
  }

  #startPart(headers: readonly PartHeader[]): MultipartEvent {
    let disposition: string | undefined;
    let contentType: string | undefined;
    for (const [name, value] of headers) {
      if (name === 'content-disposition' || name === 'content-type') {
        if ((name === 'content-type' ? contentType : disposition) !== undefined) throw malformed('duplicate-header', `a part has two ${name} headers`);
        if (name === 'content-type') contentType = value;
        else disposition = value;
      } else if (name === 'content-transfer-encoding' && !ALLOWED_ENCODINGS.has(value.toLowerCase())) {
        throw malformed('bad-transfer-encoding', `a part has Content-Transfer-Encoding ${JSON.stringify(value)}: send its bytes as they are (RFC 7578 §4.7)`);
      }
    }
    if (disposition === undefined) throw malformed('missing-disposition', `part ${this.#parts + 1} has no Content-Disposition: each part of a form names its field (RFC 7578 §4.2)`);
    const { name, filename } = parseDisposition(disposition);
    if (contentType !== undefined && parseMediaType(contentType) === null) throw malformed('bad-content-type', `a part's Content-Type ${JSON.stringify(contentType)} is not a media type`);
    const limits = this.#limits;
    if (++this.#parts > limits.maxParts) throw overLimit('too-many-parts', 'maxParts', limits.maxParts, `a form of more than ${limits.maxParts} parts`);
    const nameBytes = utf8Length(name);
    if (nameBytes > limits.maxNameBytes) throw overLimit('name-too-long', 'maxNameBytes', limits.maxNameBytes, `a field name of ${nameBytes} bytes`);
    this.#isFile = filename !== null;
    if (this.#isFile) {
      if (++this.#files > limits.maxFiles) throw overLimit('too-many-files', 'maxFiles', limits.maxFiles, `a form of more than ${limits.maxFiles} files`);
    } else if (++this.#fields > limits.maxFields) {
      throw overLimit('too-many-fields', 'maxFields', limits.maxFields, `a form of more than ${limits.maxFields} fields`);
    }
    this.#partBytes = 0;
    this.#state = 'body';
    this.#head = null;
    // RFC 7578 §4.4: text/plain by default; a file's default follows what browsers send.
    const type = contentType ?? (this.#isFile ? 'application/octet-stream' : 'text/plain');
    return { type: 'part-start', name, filename, contentType: type, headers };
  }

  #where(): string {
    switch (this.#state) {
      case 'preamble':
        return 'no delimiter was found';
      case 'body':
        return `part ${this.#parts} was not finished`;
      case 'head':
        return `the headers of part ${this.#parts + 1} were not finished`;
      default:
        return 'a delimiter was not finished';
    }
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
