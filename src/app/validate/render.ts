// Form fields as HTML: the right element for each field (<input>, <textarea>, <select>),
// its attributes (required, maxlength, min, max...), the entry as typed, and its message
// beside it. Every value and message is escaped; names are checked, never escaped into
// something else. The output is Html, an iolist, for templates and handlers alike.

import { escapeHtml, trusted, type Html, type HtmlPiece } from '../html.js';
import type { Attributes, Field } from './fields.js';
import type { FormFields, Form, FormState } from './form.js';

/** How renderForm() wraps the fields. */
export interface RenderFormOptions {
  /** Where the form posts (default: the page's own URL). */
  readonly action?: string;
  /** The submit button's text (default 'Save'). */
  readonly submit?: string;
  /** Set for a form with file inputs: multipart/form-data. */
  readonly multipart?: boolean;
  /** Markup placed before the submit button (extra inputs, a file input...). */
  readonly extra?: Html;
}

/** One field: its label, element and message, in a `<p>` (class "invalid" when it has a message). */
export function renderField<F extends FormFields>(form: Form<F, unknown>, state: FormState<F>, name: keyof F & string): Html {
  const field = form.fields[name];
  if (field === undefined) throw new TypeError(`renderField() names ${JSON.stringify(name)}, which is not a field of this form (${Object.keys(form.fields).join(', ')})`);
  const message = state.errors[name];
  const id = `field-${name}`;
  const label = field.label ?? name;
  const element = control(field as Field<unknown>, name, id, state.entries[name] ?? [], message !== undefined);
  const pieces: HtmlPiece[] = [message === undefined ? '<p>' : '<p class="invalid">'];
  if (field.control === 'checkbox') pieces.push(element, ` <label for="${id}">`, escapeHtml(label), '</label>');
  else pieces.push(`<label for="${id}">`, escapeHtml(label), '</label> ', element);
  if (message !== undefined) pieces.push(` <span class="error" id="${id}-error">`, escapeHtml(message), '</span>');
  pieces.push('</p>\n');
  return trusted(pieces);
}

/** A whole form: the form-wide messages, every field in order, and a submit button. */
export function renderForm<F extends FormFields>(form: Form<F, unknown>, state: FormState<F>, options?: RenderFormOptions): Html {
  const pieces: HtmlPiece[] = ['<form method="post"'];
  if (options?.action !== undefined) pieces.push(' action="', escapeHtml(options.action), '"');
  if (options?.multipart === true) pieces.push(' enctype="multipart/form-data"');
  pieces.push('>\n');
  if (state.formErrors.length > 0) {
    pieces.push('<ul class="errors">');
    for (const message of state.formErrors) pieces.push('<li>', escapeHtml(message), '</li>');
    pieces.push('</ul>\n');
  }
  for (const name of Object.keys(form.fields)) pieces.push(renderField(form, state, name as keyof F & string));
  if (options?.extra !== undefined) pieces.push(options.extra);
  pieces.push('<p><button type="submit">', escapeHtml(options?.submit ?? 'Save'), '</button></p>\n</form>\n');
  return trusted(pieces);
}

function control(field: Field<unknown>, name: string, id: string, entry: readonly string[], invalid: boolean): Html {
  const attrs: Record<string, string | number | boolean> = { ...field.attributes, id, name };
  if (invalid) {
    attrs['aria-invalid'] = 'true';
    attrs['aria-describedby'] = `${id}-error`;
  }
  const value = entry[0] ?? '';
  switch (field.control) {
    case 'textarea':
      return trusted(['<textarea', attributes(attrs), '>', escapeHtml(value), '</textarea>']);
    case 'select':
    case 'select-multiple': {
      const many = field.control === 'select-multiple';
      if (many) attrs['multiple'] = true;
      const pieces: HtmlPiece[] = ['<select', attributes(attrs), '>'];
      // kali's rule: a blank first option, unless the field is required and has a value.
      if (!many && !(attrs['required'] === true && value !== '')) pieces.push('<option value=""></option>');
      for (const [v, label] of field.options ?? []) {
        pieces.push('<option value="', escapeHtml(v), entry.includes(v) ? '" selected>' : '">', escapeHtml(label), '</option>');
      }
      pieces.push('</select>');
      return trusted(pieces);
    }
    case 'checkbox':
      if (entry.length > 0) attrs['checked'] = true;
      return trusted(['<input type="checkbox"', attributes(attrs), '>']);
    case 'number':
      // A number field keeps what was typed: type=number would blank a bad entry in the browser.
      return trusted(['<input type="text" inputmode="decimal"', attributes({ ...attrs, value }), '>']);
    default:
      return trusted([`<input type="${field.control}"`, attributes({ ...attrs, value }), '>']);
  }
}

function attributes(attrs: Attributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (!isAttributeName(name)) throw new TypeError(`a form field's attribute name ${JSON.stringify(name)} is not a plain HTML attribute name (letters, digits, - and _)`);
    if (name.startsWith('on') || name === 'style') throw new TypeError(`a form field's attribute ${JSON.stringify(name)} would run script or style from data: set it in the template instead`);
    if (value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

function isAttributeName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
    if (!ok) return false;
  }
  return true;
}
