// A form: a record of fields, read from what a browser posted into native values or into
// a state that shows the page again. kali's pipeline made typed: native -> entries -> html
// to show a form; posted -> entries -> native to take it. A failed read keeps every entry
// as typed, with a message beside each bad field; save() may still add field errors.

import { describe } from '../html.js';
import type { Entry, Field, NativeOf } from './fields.js';
import { isStandardSchema, issueField, type StandardSchemaV1 } from './standard-schema.js';

/** What a form reads: posted values by name (warren/app's FormValues, or URLSearchParams). */
export interface PostedValues {
  getAll(name: string): readonly string[] | string[];
}

/** A form's fields. */
export type FormFields = Readonly<Record<string, Field<unknown>>>;

/** The native record a form's fields make. */
export type NativeRecord<F extends FormFields> = { [K in keyof F]: NativeOf<F[K]> };

/** A form as shown: every field's entry as typed, and the messages for it. */
export interface FormState<F extends FormFields = FormFields> {
  /** Each field's entry, as the browser sent it or as a native value shows. */
  readonly entries: { readonly [K in keyof F]: Entry };
  /** A message per bad field. */
  readonly errors: { readonly [K in keyof F]?: string };
  /** Messages about the form as a whole (a schema's issues without a field). */
  readonly formErrors: readonly string[];
  /** True when there is any message. */
  readonly invalid: boolean;
  /** The same state with more messages: what save() found wrong (a name already taken...). */
  withErrors(errors: { readonly [K in keyof F]?: string }, formErrors?: readonly string[]): FormState<F>;
}

/** A read: the native values, or the state to show the form again. */
export type Validated<F extends FormFields, T = NativeRecord<F>> =
  | { readonly ok: true; readonly value: T; readonly state: FormState<F> }
  | { readonly ok: false; readonly state: FormState<F> };

/** Options of a form. */
export interface DefineFormOptions<F extends FormFields, T> {
  /**
   * A Standard Schema for the whole record, checked after every field converted: its
   * issues go beside the field their path names (or above the form), and its output is
   * the value read.
   */
  readonly schema?: StandardSchemaV1<NativeRecord<F>, T>;
}

/** A form defined by its fields; see defineForm(). */
export interface Form<F extends FormFields, T = NativeRecord<F>> {
  readonly fields: F;
  /** The state of an empty form (every entry blank). */
  blank(): FormState<F>;
  /** The state showing native values (a database row, say); missing names are blank. */
  from(native: Partial<NativeRecord<F>> | object): FormState<F>;
  /** Reads posted values: the native record, or the state to show again with messages. */
  read(posted: PostedValues): Promise<Validated<F, T>>;
}

/** Defines a form from its fields: `defineForm({ title: text(), due: nullable(date()) })`. */
export function defineForm<F extends FormFields, T = NativeRecord<F>>(fields: F, options?: DefineFormOptions<F, T>): Form<F, T> {
  if (typeof fields !== 'object' || fields === null) throw new TypeError(`defineForm() takes a record of name to field, such as { title: text() }; got ${describe(fields)}`);
  const names = Object.keys(fields) as (keyof F & string)[];
  for (const name of names) {
    const f = fields[name] as unknown;
    if (name === '') throw new TypeError('a form field needs a name: the record has an empty key');
    if (typeof f !== 'object' || f === null || typeof (f as Field<unknown>).toNative !== 'function') {
      throw new TypeError(`the form field ${JSON.stringify(name)} is ${describe(f)}: give a field such as text(), date(), choice([...]), or schema(validator) for a Standard Schema`);
    }
  }
  const whole = options?.schema;
  if (whole !== undefined && !isStandardSchema(whole)) throw new TypeError(`defineForm()'s schema option takes a Standard Schema validator (zod, valibot...); got ${describe(whole)}`);

  const state = (entries: Record<string, Entry>, errors: Record<string, string>, formErrors: readonly string[]): FormState<F> =>
    Object.freeze({
      entries: Object.freeze(entries) as FormState<F>['entries'],
      errors: Object.freeze(errors) as FormState<F>['errors'],
      formErrors: Object.freeze([...formErrors]),
      invalid: Object.keys(errors).length > 0 || formErrors.length > 0,
      withErrors(more: { readonly [K in keyof F]?: string }, moreForm: readonly string[] = []): FormState<F> {
        const merged: Record<string, string> = { ...errors };
        for (const [name, message] of Object.entries(more)) {
          if (!names.includes(name as keyof F & string)) throw new TypeError(`withErrors() names ${JSON.stringify(name)}, which is not a field of this form (${names.join(', ')})`);
          if (typeof message === 'string') merged[name] = message;
        }
        return state(entries, merged, [...formErrors, ...moreForm]);
      },
    });

  return Object.freeze({
    fields,
    blank: () => state(Object.fromEntries(names.map((n) => [n, fields[n]!.fromNative(undefined)])), {}, []),
    from(native: object) {
      if (typeof native !== 'object' || native === null) throw new TypeError(`from() takes a record of native values; got ${describe(native)}`);
      const record = native as Readonly<Record<string, unknown>>;
      return state(Object.fromEntries(names.map((n) => [n, fields[n]!.fromNative(record[n])])), {}, []);
    },
    async read(posted: PostedValues): Promise<Validated<F, T>> {
      if (typeof posted?.getAll !== 'function') throw new TypeError(`read() takes posted values with getAll(name), such as form(request).fields or URLSearchParams; got ${describe(posted)}`);
      const entries: Record<string, Entry> = {};
      const errors: Record<string, string> = {};
      const native: Record<string, unknown> = {};
      for (const name of names) {
        const entry = Object.freeze([...posted.getAll(name)]);
        entries[name] = entry;
        const converted = await fields[name]!.toNative(entry);
        if (converted.ok) native[name] = converted.value;
        else errors[name] = converted.message;
      }
      if (Object.keys(errors).length > 0 || whole === undefined) {
        const s = state(entries, errors, []);
        return s.invalid ? { ok: false, state: s } : { ok: true, value: native as T, state: s };
      }
      const result = await whole['~standard'].validate(native);
      if (result.issues === undefined) return { ok: true, value: result.value, state: state(entries, {}, []) };
      const formErrors: string[] = [];
      for (const issue of result.issues) {
        const name = issueField(issue);
        if (name !== null && names.includes(name as keyof F & string)) errors[name] = errors[name] === undefined ? issue.message : `${errors[name]} ${issue.message}`;
        else formErrors.push(issue.message);
      }
      return { ok: false, state: state(entries, errors, formErrors) };
    },
  });
}
