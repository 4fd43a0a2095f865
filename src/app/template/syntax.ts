// kali's template syntax, read into parts (pure): `{name}`, `{.name}`, `{name:fmt}` and
// `{a.b}` holes, `<include>name`, and whole-file forms `<extend>base` with `<?section?>`
// parts and `<loop>` with `<?begin?>` (the row), `<?end?>`, `<?else?>`. Any other brace
// is text (CSS, JS). Sections are stripped of surrounding SP, HTAB, CR and LF, as kali's
// (so loop rows follow each other with no newline); a plain file is kept as it is.
// Offsets are into the file, so every error can name its line and column.

import { locate, TemplateError } from './errors.js';

/** A run of literal text. */
export interface TextPart {
  readonly kind: 'text';
  readonly text: string;
  readonly offset: number;
}

/** A `{...}` hole. */
export interface HolePart {
  readonly kind: 'hole';
  /** `{.name}`: the value must be Html, and goes in as it is. */
  readonly raw: boolean;
  readonly path: readonly string[];
  readonly format: string | null;
  /** The hole as written, for messages. */
  readonly label: string;
  readonly offset: number;
}

/** An `<include>name`. */
export interface IncludePart {
  readonly kind: 'include';
  readonly name: string;
  readonly offset: number;
}

/** One section of a template: literal text and holes in order. */
export interface Section {
  readonly parts: readonly (TextPart | HolePart | IncludePart)[];
  /** Where the section's text ends (for end-of-section errors). */
  readonly end: number;
}

/** A template file, read. */
export type Parsed =
  | { readonly kind: 'plain'; readonly body: Section }
  | { readonly kind: 'extend'; readonly base: string; readonly baseOffset: number; readonly sections: ReadonlyMap<string, Section> }
  | { readonly kind: 'loop'; readonly preamble: Section; readonly begin: Section; readonly end: Section | null; readonly otherwise: Section | null };

const HOLE = /\{(\.?)([_a-zA-Z]\w*(?:\.[_a-zA-Z]\w*)*)(?::(\w+))?\}|<include>([\w][\w./-]*)?/g;
const SECTION = /<\?([^?>\s]*)\?>/g;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Reads `source` (named `name` in errors) into its parts. */
export function parse(source: string, name: string): Parsed {
  const fail = (offset: number, message: string): never => {
    throw new TemplateError('syntax', name, locate(source, offset), message, source);
  };
  let start = 0;
  while (isSpace(source[start])) start++;
  if (source.startsWith('<extend>', start)) return parseExtend(source, start + '<extend>'.length, fail);
  if (source.startsWith('<loop>', start)) return parseLoop(source, start + '<loop>'.length, fail);
  return { kind: 'plain', body: section(source, 0, source.length, fail, false) };
}

type Fail = (offset: number, message: string) => never;

function closing(source: string, tag: string, from: number, fail: Fail): number {
  const at = source.lastIndexOf(tag);
  if (at < from) fail(source.length, `the file opens with <${tag.slice(2)} and never closes it with ${tag}`);
  for (let i = at + tag.length; i < source.length; i++) if (!isSpace(source[i])) fail(i, `text after ${tag}: a file that opens with <${tag.slice(2)} ends with ${tag}`);
  return at;
}

function parseExtend(source: string, from: number, fail: Fail): Parsed {
  const end = closing(source, '</extend>', from, fail);
  const base = /^[\w][\w./-]*/.exec(source.slice(from, end));
  if (base === null) fail(from, 'expected the base template\'s name right after <extend>, as <extend>page');
  const sections = new Map<string, Section>();
  const marks = [...sectionMarks(source, from + base![0].length, end)];
  const head = marks[0]?.at ?? end;
  for (let i = from + base![0].length; i < head; i++) if (!isSpace(source[i])) fail(i, 'text before the first <?section?> of an <extend>: every part goes in a named section');
  marks.forEach((mark, i) => {
    if (mark.name === '' || !/^[_a-zA-Z]\w*$/.test(mark.name)) fail(mark.at, `a section is named like a field, as <?body?>; got <?${mark.name}?>`);
    if (sections.has(mark.name)) fail(mark.at, `the section <?${mark.name}?> appears twice`);
    sections.set(mark.name, section(source, mark.after, marks[i + 1]?.at ?? end, fail));
  });
  return { kind: 'extend', base: base![0], baseOffset: from, sections };
}

function parseLoop(source: string, from: number, fail: Fail): Parsed {
  const end = closing(source, '</loop>', from, fail);
  const marks = [...sectionMarks(source, from, end)];
  const parts = new Map<string, Section>();
  parts.set('', section(source, from, marks[0]?.at ?? end, fail));
  marks.forEach((mark, i) => {
    if (mark.name !== 'begin' && mark.name !== 'end' && mark.name !== 'else') fail(mark.at, `a <loop> has the sections <?begin?> (the row), <?end?> and <?else?>; got <?${mark.name}?>`);
    if (parts.has(mark.name)) fail(mark.at, `the section <?${mark.name}?> appears twice`);
    parts.set(mark.name, section(source, mark.after, marks[i + 1]?.at ?? end, fail));
  });
  const begin = parts.get('begin');
  if (begin === undefined) fail(from, 'a <loop> needs a <?begin?> section: the row, rendered once per item');
  return { kind: 'loop', preamble: parts.get('')!, begin: begin!, end: parts.get('end') ?? null, otherwise: parts.get('else') ?? null };
}

function* sectionMarks(source: string, from: number, to: number): Generator<{ name: string; at: number; after: number }> {
  SECTION.lastIndex = from;
  for (let m = SECTION.exec(source); m !== null && m.index < to; m = SECTION.exec(source)) yield { name: m[1]!, at: m.index, after: m.index + m[0].length };
}

/** The parts of source[from, to), stripped of surrounding whitespace unless it is a whole plain file. */
function section(source: string, from: number, to: number, fail: Fail, strip = true): Section {
  while (strip && from < to && isSpace(source[from])) from++;
  while (strip && to > from && isSpace(source[to - 1])) to--;
  const parts: (TextPart | HolePart | IncludePart)[] = [];
  const text = source.slice(0, to);
  HOLE.lastIndex = from;
  let last = from;
  for (let m = HOLE.exec(text); m !== null; m = HOLE.exec(text)) {
    if (m.index > last) parts.push({ kind: 'text', text: source.slice(last, m.index), offset: last });
    if (m[0].startsWith('<include>')) {
      if (m[4] === undefined) fail(m.index, 'expected a template name right after <include>, as <include>header');
      parts.push({ kind: 'include', name: m[4]!, offset: m.index });
    } else parts.push({ kind: 'hole', raw: m[1] === '.', path: m[2]!.split('.'), format: m[3] ?? null, label: m[0], offset: m.index });
    last = m.index + m[0].length;
  }
  if (last < to) parts.push({ kind: 'text', text: source.slice(last, to), offset: last });
  return { parts, end: to };
}
