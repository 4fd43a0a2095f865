// templates(folder): file templates loaded by name, compiled once and cached; the only
// template file that touches the file system. With `dev`, a template is stat()ed when it is
// used and recompiled when its file changed (kali's wrap(), without emptying every cache
// per request); <extend> and <include> find their templates by name at render, so a page
// sees its changed base or partial at once. Names are checked so they stay in the folder.

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from '../html.js';
import { asTemplate, compile, type Environment, type Program, type Template } from './compile.js';
import { TemplateError } from './errors.js';
import { formatterRegistry, type Formatter } from './formatters.js';
import type { Site } from './place.js';

/** Options of templates(). */
export interface TemplateOptions {
  /** The files' extension (default '.html'); `name` is looked up as name + extension. */
  readonly extension?: string;
  /** Reload a template when its file changes, and make a missing field an error (default false). */
  readonly dev?: boolean;
  /** Formatters for `{name:fmt}`, over the built-in :num and :cents. */
  readonly formatters?: Readonly<Record<string, Formatter>>;
}

/** Loads templates by name from a folder. */
export type TemplateFolder = (name: string) => Template;

interface Entry {
  program: Program;
  mtime: number;
}

const NAME = /^[\w-]+(?:[./][\w-]+)*$/;

/**
 * The templates in `folder`: `const page = templates('views')('page')` loads views/page.html,
 * compiles it (refusing it, with file, line and column, if a hole sits where no escaping is
 * safe), and returns it as a function from data to Html. Each file is compiled once.
 */
export function templates(folder: string, options: TemplateOptions = {}): TemplateFolder {
  if (typeof folder !== 'string' || folder === '') throw new TypeError(`templates() takes the path of a folder; got ${describe(folder)}`);
  const root = resolve(folder);
  const extension = options.extension ?? '.html';
  if (typeof extension !== 'string') throw new TypeError(`templates() takes an extension such as '.html'; got ${describe(extension)}`);
  const dev = options.dev === true;
  const compileOptions = { formatters: formatterRegistry(options.formatters) };
  const cache = new Map<string, Entry>();
  const loading = new Set<string>();

  const pathOf = (name: string): string => join(root, name + extension);

  const load = (name: string, site: Site | null): Program => {
    if (!NAME.test(name)) throw new TypeError(`a template name is words separated by / or ., inside the folder; got ${describe(name)}`);
    const cached = cache.get(name);
    if (cached !== undefined && !dev) return cached.program;
    const path = pathOf(name);
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch (cause) {
      if (cached !== undefined) return cached.program; // a file being rewritten: keep the last good one
      if (site === null) throw new Error(`no template ${name}: ${path} cannot be read`, { cause });
      throw new TemplateError('unknown-template', site.template, site, `${site.label}: no template ${name} (${path} cannot be read)`);
    }
    if (cached !== undefined && cached.mtime === mtime) return cached.program;
    if (loading.has(name)) {
      if (cached !== undefined) return cached.program;
      throw new TemplateError('template-cycle', site?.template ?? name, site ?? { line: 1, column: 1 }, `${site?.label ?? name}: templates include or extend each other in a cycle: ${[...loading, name].join(' -> ')}`);
    }
    loading.add(name);
    try {
      const program = compile(readFileSync(path, 'utf8'), path, compileOptions);
      // Load what it names now, so a missing base or partial (or a cycle) fails when the page is loaded.
      for (const use of program.uses) {
        load(use.name, use.site);
        // An edit (in dev) can close a cycle through templates that were cached before it.
        const cycle = cycleThrough(use.name, name);
        if (cycle !== null) throw new TemplateError('template-cycle', use.site.template, use.site, `${use.site.label}: templates include or extend each other in a cycle: ${[name, ...cycle].join(' -> ')}`);
      }
      cache.set(name, { program, mtime });
      return program;
    } finally {
      loading.delete(name);
    }
  };

  // The names from `from` to `target` along the cached templates' uses, or null.
  const cycleThrough = (from: string, target: string, seen = new Set<string>()): string[] | null => {
    if (from === target) return [from];
    if (seen.has(from)) return null;
    seen.add(from);
    for (const use of cache.get(from)?.program.uses ?? []) {
      const rest = cycleThrough(use.name, target, seen);
      if (rest !== null) return [from, ...rest];
    }
    return null;
  };

  const env: Environment = { dev, resolve: (name, site) => load(name, site) };
  return (name: string): Template => {
    const first = load(name, null);
    return asTemplate(dev ? () => load(name, null) : () => first, env);
  };
}
