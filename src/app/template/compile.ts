// File templates compiled to programs (pure): each section is read by the context machine
// once, every hole gets its context (or the template is refused, naming line and column),
// and the result is a list of ops, literal strings and holes, that render() interprets. No
// template text is ever evaluated as code. Templates named by <extend> and <include> are
// found through a resolver at render, so a reloaded file is seen by every template using it.

import { describe, escapeHtml, isHtml, trusted, type Html, type HtmlPiece } from '../html.js';
import { locate, TemplateError, type TemplateLocation } from './errors.js';
import type { Formatter } from './formatters.js';
import { append, place, type Site } from './place.js';
import { Scanner, type SlotContext } from './scan.js';
import { parse, type Section } from './syntax.js';

/** The data a template renders: fields by name. */
export type TemplateData = Readonly<Record<string, unknown>>;

interface HoleOp {
  readonly kind: 'hole';
  readonly path: readonly string[];
  readonly raw: boolean;
  readonly context: SlotContext;
  readonly format: Formatter | null;
  readonly site: Site;
}

interface IncludeOp {
  readonly kind: 'include';
  readonly name: string;
  readonly site: Site;
}

type Op = string | HoleOp | IncludeOp;

/** Fields looked up innermost first: a loop's row, then the data around it. */
export interface Scope {
  readonly values: TemplateData;
  readonly parent: Scope | null;
}

/** How a compiled template finds its peers and treats missing fields. */
export interface Environment {
  /** Missing fields are errors (true) or render nothing (false). */
  readonly dev: boolean;
  /** The template `name`, as a program; throws a TemplateError naming `site` when there is none. */
  resolve(name: string, site: Site): Program;
}

/** A compiled template. */
export interface Program {
  readonly name: string;
  /** The templates it names (<extend>, <include>), for loading them with it. */
  readonly uses: readonly { readonly name: string; readonly site: Site }[];
  render(scope: Scope, out: HtmlPiece[], env: Environment): void;
  /** Renders once per item (a <loop> file: its preamble, rows, end, or else when empty). */
  loop(items: Iterable<TemplateData>, scope: Scope | null, out: HtmlPiece[], env: Environment): void;
}

/** Options of compile(). */
export interface CompileOptions {
  readonly formatters: ReadonlyMap<string, Formatter>;
}

/** Compiles template `source`, named `name` in errors. */
export function compile(source: string, name: string, options: CompileOptions): Program {
  const parsed = parse(source, name);
  const uses: { name: string; site: Site }[] = [];
  const ops = (section: Section): readonly Op[] => compileSection(section, source, name, options, uses);
  switch (parsed.kind) {
    case 'plain': {
      const body = ops(parsed.body);
      return { name, uses, render: (scope, out, env) => run(body, scope, out, env), loop: (items, scope, out, env) => rows(body, items, scope, out, env) };
    }
    case 'extend': {
      const site = siteAt(source, name, parsed.baseOffset, `<extend>${parsed.base}`);
      uses.push({ name: parsed.base, site });
      const sections = [...parsed.sections].map(([field, section]) => [field, ops(section)] as const);
      const render = (scope: Scope, out: HtmlPiece[], env: Environment): void => {
        const values: Record<string, Html> = {};
        for (const [field, body] of sections) {
          const pieces: HtmlPiece[] = [];
          run(body, scope, pieces, env);
          values[field] = trusted(pieces);
        }
        env.resolve(parsed.base, site).render({ values, parent: scope }, out, env);
      };
      return { name, uses, render, loop: (items, scope, out, env) => eachRow(items, scope, (row) => render(row, out, env)) };
    }
    case 'loop': {
      const preamble = ops(parsed.preamble);
      const begin = ops(parsed.begin);
      const end = parsed.end === null ? [] : ops(parsed.end);
      const otherwise = parsed.otherwise === null ? [] : ops(parsed.otherwise);
      const itemsSite = siteAt(source, name, 0, '<loop>');
      const loop = (items: Iterable<TemplateData>, scope: Scope | null, out: HtmlPiece[], env: Environment): void => {
        const context: Scope = scope ?? { values: {}, parent: null };
        // The first item is taken before anything is written: with none, <?else?> alone renders.
        const iterator = items[Symbol.iterator]();
        let next = iterator.next();
        if (next.done === true && parsed.otherwise !== null) return run(otherwise, context, out, env);
        run(preamble, context, out, env);
        for (; next.done !== true; next = iterator.next()) run(begin, rowScope(next.value, context), out, env);
        run(end, context, out, env);
      };
      // Called as a template, a <loop> file loops over the field `items`.
      const render = (scope: Scope, out: HtmlPiece[], env: Environment): void => {
        const items = lookup(scope, ['items']);
        if (items === MISSING && env.dev) throw new TemplateError('missing-field', name, itemsSite, 'a <loop> template called with data loops over its field items, and there is none', source);
        if (items === MISSING || items === null || items === undefined) return loop([], scope, out, env);
        if (typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof items === 'string') throw new TemplateError('bad-value', name, itemsSite, `a <loop> loops over an iterable of records; got ${describe(items)} as items`, source);
        loop(items as Iterable<TemplateData>, scope, out, env);
      };
      return { name, uses, render, loop };
    }
  }
}

function rowScope(item: unknown, scope: Scope | null): Scope {
  if (typeof item !== 'object' || item === null) throw new TypeError(`a loop's items are records of fields; got ${describe(item)}`);
  return { values: item as TemplateData, parent: scope };
}

function eachRow(items: Iterable<TemplateData>, scope: Scope | null, each: (row: Scope) => void): void {
  for (const item of items) each(rowScope(item, scope));
}

function rows(body: readonly Op[], items: Iterable<TemplateData>, scope: Scope | null, out: HtmlPiece[], env: Environment): void {
  eachRow(items, scope, (row) => run(body, row, out, env));
}

function siteAt(source: string, template: string, offset: number, label: string): Site {
  const where: TemplateLocation = locate(source, offset);
  return { template, line: where.line, column: where.column, label, source };
}

function compileSection(section: Section, source: string, name: string, options: CompileOptions, uses: { name: string; site: Site }[]): readonly Op[] {
  const scanner = new Scanner();
  const ops: Op[] = [];
  const fail = (code: TemplateError['code'], offset: number, reason: string): never => {
    throw new TemplateError(code, name, locate(source, offset), reason, source);
  };
  for (const part of section.parts) {
    if (part.kind === 'text') {
      const bad = scanner.feed(part.text);
      if (bad !== null) fail(bad.code, part.offset + bad.at, bad.reason);
      ops.push(part.text);
      continue;
    }
    const context = scanner.slot();
    const label = part.kind === 'hole' ? part.label : `<include>${part.name}`;
    if (typeof context === 'object') fail(context.code, part.offset, `${label}: ${context.reason}`);
    const site = siteAt(source, name, part.offset, label);
    if (part.kind === 'include') {
      if (context !== 'text') fail('raw-outside-text', part.offset, `${label}: an <include> goes in text, between tags`);
      uses.push({ name: part.name, site });
      ops.push({ kind: 'include', name: part.name, site });
      continue;
    }
    if (part.raw && context !== 'text') fail('raw-outside-text', part.offset, `${label}: a raw hole {.name} goes in text, between tags; use {name} in an attribute`);
    let format: Formatter | null = null;
    if (part.format !== null) {
      const found = options.formatters.get(part.format);
      if (found === undefined) fail('unknown-formatter', part.offset, `${label}: no formatter :${part.format}; the known ones are ${[...options.formatters.keys()].map((k) => `:${k}`).join(', ')} (add one with the formatters option)`);
      format = found!;
    }
    ops.push({ kind: 'hole', path: part.path, raw: part.raw, context: context as SlotContext, format, site });
  }
  const end = scanner.end();
  if (end !== null) fail(end.code, section.end, end.reason);
  return ops;
}

const MISSING: unique symbol = Symbol('missing');

// Own fields, or a class's getters; never what every object inherits (constructor, __proto__).
function field(values: object, key: string): unknown {
  if (Object.hasOwn(values, key) || (key in values && !(key in Object.prototype))) return (values as Record<string, unknown>)[key];
  return MISSING;
}

function lookup(scope: Scope | null, path: readonly string[]): unknown {
  let value: unknown = MISSING;
  for (let s = scope; s !== null; s = s.parent) {
    value = field(s.values, path[0]!);
    if (value !== MISSING) break;
  }
  for (let i = 1; i < path.length && value !== MISSING; i++) value = typeof value === 'object' && value !== null ? field(value, path[i]!) : MISSING;
  return value;
}

function run(ops: readonly Op[], scope: Scope, out: HtmlPiece[], env: Environment): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (typeof op === 'string') {
      append(out, op);
      continue;
    }
    if (op.kind === 'include') {
      env.resolve(op.name, op.site).render(scope, out, env);
      continue;
    }
    let value = lookup(scope, op.path);
    if (value === MISSING) {
      if (env.dev) throw new TemplateError('missing-field', op.site.template, op.site, `${op.site.label}: no field ${op.path.join('.')} in the data (in production it renders as nothing)`, op.site.source);
      continue;
    }
    if (op.raw) {
      if (!isHtml(value)) throw new TemplateError('raw-needs-html', op.site.template, op.site, `${op.site.label}: a raw hole takes Html (from a template, html\`\` or raw()); got ${describe(value)} in the field ${op.path.join('.')}`, op.site.source);
      out.push(value);
      continue;
    }
    if (op.format !== null) {
      try {
        value = op.format(value);
      } catch (cause) {
        throw new TemplateError('bad-value', op.site.template, op.site, `${op.site.label}: ${(cause as Error).message}`, op.site.source, { cause });
      }
    }
    if (typeof value === 'string' && (op.context === 'text' || op.context === 'attribute')) {
      if (value !== '') append(out, escapeHtml(value));
    } else place(out, value, op.context, op.site);
  }
}

/** A root scope for `data`. */
export function scopeOf(data: TemplateData | undefined): Scope {
  if (data !== undefined && (typeof data !== 'object' || data === null)) throw new TypeError(`a template renders a record of fields; got ${describe(data)}`);
  return { values: data ?? {}, parent: null };
}

/** A compiled template: call it with data for Html. */
export interface Template {
  /** Renders the template with `data` (a <loop> file loops over `data.items`). */
  (data?: TemplateData): Html;
  /** Renders once per item, each over `context` (a <loop> file: preamble, rows, end, or else when there are none). */
  loop(items: Iterable<TemplateData>, context?: TemplateData): Html;
}

/** Wraps `program` as the public Template, rendering through `env`. */
export function asTemplate(current: () => Program, env: Environment): Template {
  const render = (data?: TemplateData): Html => {
    const out: HtmlPiece[] = [];
    current().render(scopeOf(data), out, env);
    return trusted(out);
  };
  render.loop = (items: Iterable<TemplateData>, context?: TemplateData): Html => {
    if (typeof (items as Partial<Iterable<TemplateData>> | null)?.[Symbol.iterator] !== 'function' || typeof items === 'string') throw new TypeError(`loop() takes an iterable of records (an array of rows); got ${describe(items)}`);
    const out: HtmlPiece[] = [];
    current().loop(items, context === undefined ? null : scopeOf(context), out, env);
    return trusted(out);
  };
  return render;
}
