// template(source): a file template written inline, as kali's Template(text). The same
// syntax and context rules as a file, compiled once when called; only <extend> and
// <include> need a folder, since they name other files.

import { describe } from '../html.js';
import { asTemplate, compile, type Environment, type Template } from './compile.js';
import { TemplateError } from './errors.js';
import { formatterRegistry, type Formatter } from './formatters.js';

/** Options of template(). */
export interface InlineTemplateOptions {
  /** The name errors give (default 'inline template'). */
  readonly name?: string;
  /** A missing field is an error (default false: it renders as nothing). */
  readonly dev?: boolean;
  /** Formatters for `{name:fmt}`, over the built-in :num and :cents. */
  readonly formatters?: Readonly<Record<string, Formatter>>;
}

/** Compiles `source` in kali's syntax (`{name}`, `{.name}`, `{name:fmt}`, `<loop>`) to a Template. */
export function template(source: string, options: InlineTemplateOptions = {}): Template {
  if (typeof source !== 'string') throw new TypeError(`template() takes the template's text; got ${describe(source)}`);
  const program = compile(source, options.name ?? 'inline template', { formatters: formatterRegistry(options.formatters) });
  const use = program.uses[0];
  if (use !== undefined) throw new TemplateError('unknown-template', use.site.template, use.site, `${use.site.label}: an inline template cannot name other templates; load it with templates(folder)`);
  const env: Environment = {
    dev: options.dev === true,
    resolve: (name, site) => {
      throw new TemplateError('unknown-template', site.template, site, `no template ${name}`);
    },
  };
  return asTemplate(() => program, env);
}
