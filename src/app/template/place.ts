// Rendering one slot's value by the context the compiler chose for it: text and quoted
// attributes escape & < > " ', a URL slot at the start of a value filters the scheme, a
// script slot takes only json(). Strings, numbers, bigints and booleans are values; arrays
// render each item by the same rule with no separator; null and undefined render nothing
// (except in a script, where only json() goes); Html goes in as it is, in text only.
// Anything else is refused, naming the slot.

import { describe, escapeHtml, isHtml, type HtmlPiece } from '../html.js';
import { isJson } from '../response.js';
import { TemplateError, type TemplateErrorCode, type TemplateLocation } from './errors.js';
import type { SlotContext } from './scan.js';
import { isSafeUrl, REFUSED_URL } from './url.js';

/** Where a slot is, for the errors its values may raise. */
export interface Site extends TemplateLocation {
  readonly template: string;
  /** What the slot shows: `${...}` for html``, `{name}` for a file. */
  readonly label: string;
  /** The template's text, for the code frame of errors raised at render. */
  readonly source?: string;
}

/**
 * Appends markup text to `out`, into the string already at its end when there is one: the
 * text and values of one template become one string (V8 concatenates without copying, as a
 * rope), so a page is a few pieces per template, not one per value. Html and bytes stay
 * pieces of their own; nothing already in `out` is ever copied.
 */
export function append(out: HtmlPiece[], text: string): void {
  const last = out.length - 1;
  if (last >= 0 && typeof out[last] === 'string') out[last] += text;
  else out.push(text);
}

function refuse(site: Site, code: TemplateErrorCode, message: string): never {
  throw new TemplateError(code, site.template, site, `${site.label}: ${message}`, site.source);
}

/** Appends the pieces `value` renders to in `context` onto `out`. */
export function place(out: HtmlPiece[], value: unknown, context: SlotContext, site: Site): void {
  if (value === null || value === undefined) {
    // `var x = ;` would be a script error: in a script, even nothing must be json(null).
    if (context === 'script') refuse(site, 'script-needs-json', `inside <script> or <style> a slot takes only json(value); got ${describe(value)}`);
    return;
  }
  switch (typeof value) {
    case 'string':
      if (value === '') return;
      if (context === 'text' || context === 'attribute' || context === 'url') append(out, escapeHtml(value));
      else if (context === 'url-start') append(out, isSafeUrl(value) ? escapeHtml(value) : REFUSED_URL);
      else refuse(site, 'script-needs-json', `inside <script> or <style> a slot takes only json(value); got ${describe(value)}`);
      return;
    case 'number':
    case 'bigint':
    case 'boolean':
      if (context === 'script') refuse(site, 'script-needs-json', `inside <script> or <style> a slot takes only json(value); got ${describe(value)}`);
      append(out, String(value));
      return;
    case 'object':
      if (isHtml(value)) {
        if (context === 'text') out.push(value);
        else if (context === 'script') refuse(site, 'script-needs-json', 'inside <script> or <style> a slot takes only json(value); got Html');
        else refuse(site, 'html-in-attribute', 'an attribute value is text, so it cannot take Html (markup there is a bug, or an injection); pass a string');
        return;
      }
      if (context === 'script') {
        if (isJson(value)) append(out, value.body);
        else refuse(site, 'script-needs-json', `inside <script> or <style> a slot takes only json(value); got ${describe(value)}`);
        return;
      }
      if (Array.isArray(value)) {
        // Each item of a URL could begin it: ['java', 'script:...'] must not pass as two halves.
        if (context === 'url-start' && value.length > 1) refuse(site, 'bad-value', `a URL slot takes one value; got ${describe(value)}`);
        for (const item of value) place(out, item, context, site);
        return;
      }
      break;
  }
  refuse(site, 'bad-value', `a slot takes a string, number, boolean, array, Html, null or undefined; got ${describe(value)}`);
}
