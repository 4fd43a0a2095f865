// Target: warren/app's template compiler (src/app/template/), on sources near kali's syntax
// (holes, raw holes, formats, <include>, <extend>, <loop> sections, stray braces) rendered
// with data whose every string is markup.
// Invariants:
// 1. template() and rendering throw nothing but a TemplateError (coded, with a location).
// 2. A string from the data never reaches the output as markup: the marker `<q'"&>` never
//    appears unescaped, whatever slot it lands in.
// 3. Compiling is pure: the same source compiles to a template that renders the same output twice.

import fc from 'fast-check';
import { TemplateError, template, type Html } from '../../../src/app/index.js';
import { target } from '../target.js';

const MARK = `<q'"&>`;
const bit = fc.oneof(
  fc.constantFrom('{a}', '{b}', '{.a}', '{a:num}', '{a:x}', '{a.b}', '{', '}', '{}', '{ a }', '<loop>', '<?begin?>', '<?end?>', '<?else?>', '<extend>base', '<?s?>', '<include>x', '<p title="{a}">', "<a href='{a}'>", '<script>{a}</script>', '<style>{a}</style>', '<!--{a}-->', '</p>', 'text', '\n', ' '),
  fc.string({ maxLength: 4 }),
);
const source = fc.array(bit, { maxLength: 10 }).map((b) => b.join(''));

function flatten(h: Html | string | Uint8Array, out: string[]): void {
  if (typeof h === 'string') out.push(h);
  else if (h instanceof Uint8Array) out.push(Buffer.from(h).toString('utf8'));
  else for (const p of h) flatten(p, out);
}

function render(src: string, dev: boolean): string | null {
  let t;
  try {
    t = template(src, { dev });
  } catch (error) {
    if (error instanceof TemplateError && typeof error.code === 'string') return null;
    throw error;
  }
  try {
    const out: string[] = [];
    flatten(t({ a: MARK, b: [MARK], c: { b: MARK } }) as Html, out);
    return out.join('');
  } catch (error) {
    if (error instanceof TemplateError && typeof error.code === 'string') return null;
    throw error;
  }
}

export const templateCompiler = target({
  name: 'template',
  invariants: [
    'template() and rendering throw only a coded TemplateError',
    'a data string never reaches the output unescaped',
    'the same source renders the same output twice',
  ],
  input: fc.record({ src: source, dev: fc.boolean() }),
  check({ src, dev }) {
    if (src.includes(MARK)) return;
    const once = render(src, dev);
    if (once === null) return;
    if (once.includes(MARK)) throw new Error(`${JSON.stringify(src)} rendered ${JSON.stringify(once)}: the data string is in it unescaped`);
    const twice = render(src, dev);
    if (twice !== once) throw new Error(`${JSON.stringify(src)} rendered ${JSON.stringify(once)} then ${JSON.stringify(twice)}`);
  },
});
