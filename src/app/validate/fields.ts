// Form fields, after kali's lenses: each field turns a native value into what a browser
// shows (n2i), and what a browser posted back into a native value or a message (i2n).
// What the user typed is kept as strings, so a bad entry is shown again exactly as typed.
// Whitespace stripped from entries is HTML's ASCII whitespace (TAB LF FF CR SP), never
// JavaScript's trim(), which also eats U+00A0 and other spaces a user may mean.

import { describe } from '../html.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** What a browser posted for one field: every value under its name, in order. */
export type Entry = readonly string[];

/** A conversion: the native value, or a message for the user. */
export type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** How a field is shown: which element, and which of its attributes. */
export type Control = 'text' | 'textarea' | 'number' | 'date' | 'select' | 'checkbox' | 'select-multiple';

/** Attribute values a field puts on its element (`true` writes the name alone, false leaves it out). */
export type Attributes = Readonly<Record<string, string | number | boolean>>;

/** A form field: a label, an element, and the two conversions. */
export interface Field<T> {
  readonly control: Control;
  readonly label: string | undefined;
  /** Attributes of the element (required, maxlength, min, max, step, placeholder...). */
  readonly attributes: Attributes;
  /** The choices of a select, as [value, label]. */
  readonly options: readonly (readonly [value: string, label: string])[] | undefined;
  /** A native value as the entry a browser would post for it. */
  fromNative(value: T | null | undefined): Entry;
  /** The entry a browser posted, as a native value or a message. May be async (a Standard Schema). */
  toNative(entry: Entry): Converted<T> | Promise<Converted<T>>;
}

/** The native type of a field. */
export type NativeOf<F> = F extends Field<infer T> ? T : never;

/** Options every field takes. */
export interface FieldOptions {
  /** The label shown beside the element. */
  readonly label?: string;
  /** More attributes for the element (class, placeholder, autocomplete...). */
  readonly attributes?: Attributes;
}

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const bad = (message: string): Converted<never> => ({ ok: false, message });

/** Strips HTML's ASCII whitespace (TAB LF FF CR SP) from both ends. */
export function stripBlank(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function first(entry: Entry): string {
  return entry.length === 0 ? '' : entry[0]!;
}

function field<T>(control: Control, options: FieldOptions | undefined, attributes: Attributes, rest: Pick<Field<T>, 'fromNative' | 'toNative'> & { options?: Field<T>['options'] }): Field<T> {
  return Object.freeze({ control, label: options?.label, attributes: Object.freeze({ ...attributes, ...options?.attributes }), options: rest.options, fromNative: rest.fromNative, toNative: rest.toNative });
}

/** Options of a text field. */
export interface TextOptions extends FieldOptions {
  /** False lets the field be blank (its value is then ''). Default true: kali's "may not be blank". */
  readonly required?: boolean;
  /** The most characters accepted (also the element's maxlength). */
  readonly maxLength?: number;
  /** The fewest characters accepted when not blank. */
  readonly minLength?: number;
  /** A `<textarea>` instead of an `<input>`. */
  readonly multiline?: boolean;
}

/** Text, stripped of surrounding blanks; blank is an error unless `required: false`. */
export function text(options?: TextOptions): Field<string> {
  const required = options?.required ?? true;
  const max = options?.maxLength;
  const min = options?.minLength;
  const attributes: Record<string, string | number | boolean> = { required };
  if (max !== undefined) attributes['maxlength'] = checkCount('maxLength', max);
  if (min !== undefined) attributes['minlength'] = checkCount('minLength', min);
  return field<string>(options?.multiline === true ? 'textarea' : 'text', options, attributes, {
    fromNative: (value) => [value ?? ''],
    toNative(entry) {
      const value = stripBlank(first(entry));
      if (value === '') return required ? bad('may not be blank.') : ok('');
      const length = [...value].length;
      if (max !== undefined && length > max) return bad(`is ${length} characters long: at most ${max}, please.`);
      if (min !== undefined && length < min) return bad(`is ${length} characters long: at least ${min}, please.`);
      return ok(value);
    },
  });
}

/** The same field, but a blank entry is null (and a null shows as blank). */
export function nullable<T>(child: Field<T>): Field<T | null> {
  return Object.freeze({
    ...child,
    attributes: Object.freeze({ ...child.attributes, required: false }),
    fromNative: (value: T | null | undefined) => (value === null || value === undefined ? [''] : child.fromNative(value)),
    toNative: (entry: Entry) => (stripBlank(first(entry)) === '' ? ok(null) : child.toNative(entry)),
  });
}

/** Options of a number field. */
export interface NumberOptions extends FieldOptions {
  readonly min?: number;
  readonly max?: number;
}

/** A whole number (a safe integer), optionally within [min, max]. */
export function integer(options?: NumberOptions): Field<number> {
  return numeric(options, { step: 1 }, 'a whole number', (s) => isDigits(s, false), 0);
}

/** Options of a decimal field. */
export interface DecimalOptions extends NumberOptions {
  /** Digits after the point accepted and shown (2 for money). Default: any. */
  readonly places?: number;
}

/** A decimal number such as 12.50, optionally within [min, max] and with at most `places` decimals. */
export function decimal(options?: DecimalOptions): Field<number> {
  const places = options?.places === undefined ? undefined : checkCount('places', options.places);
  const what = places === undefined ? 'a number' : `a number with at most ${places} decimal${places === 1 ? '' : 's'}`;
  return numeric(options, { step: places === undefined ? 'any' : places === 0 ? 1 : `0.${'0'.repeat(places - 1)}1` }, what, (s) => isDigits(s, true, places), places);
}

function numeric(options: NumberOptions | undefined, extra: Attributes, what: string, valid: (s: string) => boolean, places: number | undefined): Field<number> {
  const { min, max } = options ?? {};
  const attributes: Record<string, string | number | boolean> = { required: true, ...extra };
  if (min !== undefined) attributes['min'] = min;
  if (max !== undefined) attributes['max'] = max;
  return field<number>('number', options, attributes, {
    fromNative: (value) => [value === null || value === undefined ? '' : decimalText(value, places)],
    toNative(entry) {
      const s = stripBlank(first(entry));
      if (s === '') return bad('may not be blank.');
      if (!valid(s)) return bad(`is not ${what}.`);
      const n = Number(s);
      if (!Number.isFinite(n) || (places === 0 && !Number.isSafeInteger(n))) return bad(`is out of range.`);
      if (min !== undefined && n < min) return bad(`is below the least allowed, ${min}.`);
      if (max !== undefined && n > max) return bad(`is above the most allowed, ${max}.`);
      return ok(n);
    },
  });
}

/**
 * `n` written as digits with an optional point, never in exponent form (String(1e-7) is
 * '1e-7', (1e21).toFixed(2) is '1e+21'), so the entry shown reads back as the same number.
 */
function decimalText(n: number, places: number | undefined): string {
  if (places !== undefined && Math.abs(n) < 1e21) return n.toFixed(places);
  const s = String(n);
  const e = s.indexOf('e');
  let plain = s;
  if (e !== -1) {
    const sign = s.charCodeAt(0) === 0x2d ? '-' : '';
    const mantissa = s.slice(sign.length, e);
    const dot = mantissa.indexOf('.');
    const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
    // Where the point falls among the digits once the exponent moves it.
    const point = (dot === -1 ? mantissa.length : dot) + Number(s.slice(e + 1));
    plain =
      point <= 0 ? `${sign}0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length ? `${sign}${digits}${'0'.repeat(point - digits.length)}`
      : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  // Past 1e21 a number is whole: its places are zeros.
  return places === undefined || places === 0 ? plain : `${plain}.${'0'.repeat(places)}`;
}

/** Digits with an optional sign and, when `point`, one decimal point (at most `places` after it). */
function isDigits(s: string, point: boolean, places?: number): boolean {
  let i = s.charCodeAt(0) === 0x2b || s.charCodeAt(0) === 0x2d ? 1 : 0;
  let digits = 0;
  let after = -1;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      digits++;
      if (after >= 0) after++;
    } else if (c === 0x2e && point && after < 0) after = 0;
    else return false;
  }
  return digits > 0 && (places === undefined || after <= places);
}

/**
 * A calendar date as `YYYY-MM-DD` (what `<input type=date>` posts). A bad date is an error,
 * not kali's silent null. Shown as a text input unless `picker: true` asks for the browser's.
 */
export function date(options?: FieldOptions & { readonly min?: string; readonly max?: string; readonly picker?: boolean }): Field<string> {
  // A text input by default: a browser's date picker blanks what it cannot parse, and the
  // point of a redisplay is to show the user what they typed.
  const picker = options?.picker === true;
  const attributes: Record<string, string | number | boolean> = picker ? { required: true } : { required: true, placeholder: 'YYYY-MM-DD', inputmode: 'numeric' };
  if (options?.min !== undefined) attributes['min'] = checkDate('min', options.min);
  if (options?.max !== undefined) attributes['max'] = checkDate('max', options.max);
  return field<string>(picker ? 'date' : 'text', options, attributes, {
    fromNative: (value) => [value ?? ''],
    toNative(entry) {
      const s = stripBlank(first(entry));
      if (s === '') return bad('may not be blank.');
      if (!isDate(s)) return bad('is not a date: write it as YYYY-MM-DD, such as 2026-12-31.');
      if (options?.min !== undefined && s < options.min) return bad(`is before ${options.min}.`);
      if (options?.max !== undefined && s > options.max) return bad(`is after ${options.max}.`);
      return ok(s);
    },
  });
}

/** True for a real calendar date written YYYY-MM-DD (no 2026-02-30). */
export function isDate(s: string): boolean {
  if (s.length !== 10 || s[4] !== '-' || s[7] !== '-') return false;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (s.charCodeAt(i) < 0x30 || s.charCodeAt(i) > 0x39) return false;
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** Choices: a list of values, [value, label] pairs, or an enum-like record of label to value. */
export type Choices<T extends string | number> = readonly T[] | readonly (readonly [value: T, label: string])[] | Readonly<Record<string, T>>;

function choicePairs<T extends string | number>(choices: Choices<T>): (readonly [T, string])[] {
  if (Array.isArray(choices)) return (choices as readonly (T | readonly [T, string])[]).map((c) => (Array.isArray(c) ? (c as readonly [T, string]) : ([c as T, String(c)] as const)));
  if (typeof choices !== 'object' || choices === null) throw new TypeError(`choices are a list of values, [value, label] pairs or a record of label to value; got ${describe(choices)}`);
  // A numeric TypeScript enum maps values back to names too: keep the name -> value side.
  return Object.entries(choices as Record<string, T>).filter(([name]) => !/^\d+$/.test(name)).map(([name, value]) => [value, name] as const);
}

/** One of a fixed set of choices, shown as a `<select>` (a blank first option unless it has a value). */
export function choice<T extends string | number>(choices: readonly (readonly [value: T, label: string])[], options?: FieldOptions): Field<T>;
export function choice<T extends string | number>(choices: readonly T[] | Readonly<Record<string, T>>, options?: FieldOptions): Field<T>;
export function choice<T extends string | number>(choices: Choices<T>, options?: FieldOptions): Field<T> {
  const pairs = choicePairs(choices);
  const byText = new Map(pairs.map(([value]) => [String(value), value] as const));
  return field<T>('select', options, { required: true }, {
    options: pairs.map(([value, label]) => [String(value), label] as const),
    fromNative: (value) => [value === null || value === undefined ? '' : String(value)],
    toNative(entry) {
      const s = first(entry);
      if (s === '') return bad('choose one, please.');
      const value = byText.get(s);
      return value === undefined ? bad('is not one of the choices.') : ok(value);
    },
  });
}

/** Any number of a fixed set of choices (`<select multiple>`); posted once per chosen value. */
export function multiple<T extends string | number>(choices: readonly (readonly [value: T, label: string])[], options?: FieldOptions & { readonly min?: number }): Field<T[]>;
export function multiple<T extends string | number>(choices: readonly T[] | Readonly<Record<string, T>>, options?: FieldOptions & { readonly min?: number }): Field<T[]>;
export function multiple<T extends string | number>(choices: Choices<T>, options?: FieldOptions & { readonly min?: number }): Field<T[]> {
  const pairs = choicePairs(choices);
  const byText = new Map(pairs.map(([value]) => [String(value), value] as const));
  const least = options?.min ?? 0;
  return field<T[]>('select-multiple', options, { required: least > 0 }, {
    options: pairs.map(([value, label]) => [String(value), label] as const),
    fromNative: (values) => (values ?? []).map(String),
    toNative(entry) {
      const out: T[] = [];
      for (const s of entry) {
        const value = byText.get(s);
        if (value === undefined) return bad(`has ${JSON.stringify(s)}, which is not one of the choices.`);
        if (!out.includes(value)) out.push(value);
      }
      if (out.length < least) return bad(`choose at least ${least}, please.`);
      return ok(out);
    },
  });
}

/** A checkbox: true when ticked (a browser posts it only then). */
export function checkbox(options?: FieldOptions): Field<boolean> {
  return field<boolean>('checkbox', options, { value: 'on' }, {
    fromNative: (value) => (value === true ? ['on'] : []),
    toNative: (entry) => ok(entry.length > 0),
  });
}

/**
 * A field checked by any Standard Schema validator (zod, valibot, arktype...): the schema
 * gets the text the user typed and returns the native value or its issues.
 */
export function schema<T>(validator: StandardSchemaV1<unknown, T>, options?: FieldOptions & { readonly control?: Control; readonly format?: (value: T) => string }): Field<T> {
  const props = validator?.['~standard'];
  if (props?.version !== 1 || typeof props.validate !== 'function') throw new TypeError(`schema() takes a Standard Schema validator (zod, valibot, arktype...); got ${describe(validator)}`);
  return field<T>(options?.control ?? 'text', options, {}, {
    fromNative: (value) => [value === null || value === undefined ? '' : options?.format ? options.format(value) : String(value)],
    async toNative(entry) {
      const result = await props.validate(first(entry));
      if (result.issues !== undefined) return bad(result.issues.map((i) => i.message).join(' '));
      return ok(result.value);
    },
  });
}

function checkCount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`${name} is a whole number of 0 or more; got ${describe(n)}`);
  return n;
}

function checkDate(name: string, s: string): string {
  if (typeof s !== 'string' || !isDate(s)) throw new TypeError(`${name} is a date written YYYY-MM-DD; got ${describe(s)}`);
  return s;
}
