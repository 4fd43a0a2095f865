// The html`` tagged template. Its literal parts are read once per call site (the strings
// array is the same object on every call, so a WeakMap keyed by it is the cache) to learn
// each slot's context; a call then only escapes its values and returns the pieces as Html,
// never joined. `html(body, init)` called plainly is the text/html response helper.

import type { AppResponse } from '../../index.js';
import { escapeHtml, isHtml, trusted, type Html, type HtmlPiece } from '../html.js';
import { htmlResponse, type BareBody, type ResponseInit } from '../response.js';
import { locate, TemplateError } from './errors.js';
import { append, place, type Site } from './place.js';
import { Scanner, type SlotContext } from './scan.js';

interface Literal {
  readonly contexts: readonly SlotContext[];
  readonly sites: readonly Site[];
}

const LITERALS = new WeakMap<TemplateStringsArray, Literal>();

/** Where the html`` call is, from the stack: `html`` at file:line`. */
function callSite(): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, html);
  const frame = holder.stack?.split('\n')[1]?.trim() ?? '';
  const at = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?$/.exec(frame);
  return at === null ? 'html``' : `html\`\` at ${at[1]!.replace(/^file:\/\//, '')}:${at[2]}`;
}

function compile(strings: TemplateStringsArray): Literal {
  const name = callSite();
  const source = strings.raw.join('${}');
  const scanner = new Scanner();
  const contexts: SlotContext[] = [];
  const sites: Site[] = [];
  let offset = 0;
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i];
    if (text === undefined) throw new TemplateError('syntax', name, locate(source, offset), 'an invalid escape sequence in the literal', source);
    const bad = scanner.feed(text);
    if (bad !== null) throw new TemplateError(bad.code, name, locate(source, offset + bad.at), bad.reason, source);
    offset += strings.raw[i]!.length;
    if (i === strings.length - 1) break;
    const where = locate(source, offset);
    const context = scanner.slot();
    if (typeof context === 'object') throw new TemplateError(context.code, name, where, context.reason, source);
    contexts.push(context);
    sites.push({ template: name, line: where.line, column: where.column, label: `slot ${i + 1} (\${...})`, source });
    offset += 3;
  }
  const end = scanner.end();
  if (end !== null) throw new TemplateError(end.code, name, locate(source, source.length), end.reason, source);
  return { contexts, sites };
}

function tag(strings: TemplateStringsArray, values: readonly unknown[]): Html {
  let literal = LITERALS.get(strings);
  if (literal === undefined) {
    literal = compile(strings);
    LITERALS.set(strings, literal);
  }
  const pieces: HtmlPiece[] = [];
  const { contexts, sites } = literal;
  for (let i = 0; i < values.length; i++) {
    if (strings[i] !== '') append(pieces, strings[i]!);
    const value = values[i];
    const context = contexts[i]!;
    // The common case inline: a string in text or an attribute.
    if (typeof value === 'string' && (context === 'text' || context === 'attribute')) {
      if (value !== '') append(pieces, escapeHtml(value));
    } else place(pieces, value, context, sites[i]!);
  }
  const last = strings[values.length]!;
  if (last !== '') append(pieces, last);
  return trusted(pieces);
}

/**
 * As a tag, html`<p class="${cls}">${name}</p>` is trusted markup (Html) in which every
 * value is escaped by where it lands: text and quoted attributes escape & < > " ', a URL
 * attribute refuses schemes other than http, https and mailto (the value becomes `#`),
 * `<script>` and `<style>` take only json(value), and a slot in a tag or attribute name, an
 * unquoted value, an on* or style attribute or a comment is a TemplateError on the first
 * call. Values: strings, numbers, booleans escaped; arrays item by item; null and
 * undefined nothing; Html as it is, in text only.
 *
 * Called plainly, html(body, init?) is the text/html response: htmlResponse(body, init).
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html;
export function html(body: BareBody, init?: ResponseInit): AppResponse;
export function html(first: TemplateStringsArray | BareBody, ...rest: unknown[]): Html | AppResponse {
  if (Array.isArray(first) && !isHtml(first) && Array.isArray((first as unknown as Partial<TemplateStringsArray>).raw)) return tag(first as unknown as TemplateStringsArray, rest);
  return htmlResponse(first as BareBody, rest[0] as ResponseInit | undefined);
}
