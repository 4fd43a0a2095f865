// The formatter registry of `{name:fmt}` holes: kali's `:num` ('{:,}', digits grouped by
// thousands) and `:cents` ('{:,.2f}'), plus what a program adds. A formatter's result is
// then placed like any value, so it is escaped by the hole's context.

import { describe } from '../html.js';

/** Turns a field's value into what the hole shows; the result is escaped by the hole's context. */
export type Formatter = (value: unknown) => unknown;

const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function numeric(name: string, value: unknown): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  throw new TypeError(`the formatter :${name} takes a number; got ${describe(value)}`);
}

// Python's '{:,}': the shortest text that reads back as the number (0.1 + 0.2 is
// 0.30000000000000004, not rounded), its integer digits grouped by thousands.
function grouped(value: number | bigint): string {
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text; // NaN, Infinity, 1e+21
  const [whole, fraction] = text.split('.') as [string, string | undefined];
  const digits = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

/** The built-in formatters: `num` (1,234,567.5) and `cents` (1,234.50). */
export const FORMATTERS: Readonly<Record<string, Formatter>> = Object.freeze({
  num: (value: unknown) => grouped(numeric('num', value)),
  cents: (value: unknown) => CENTS.format(numeric('cents', value)),
});

/** The built-ins with `extra` over them (names may be written with kali's leading ':'). */
export function formatterRegistry(extra: Readonly<Record<string, Formatter>> | undefined): ReadonlyMap<string, Formatter> {
  const registry = new Map(Object.entries(FORMATTERS));
  for (const [name, formatter] of Object.entries(extra ?? {})) {
    if (typeof formatter !== 'function') throw new TypeError(`the formatter ${name} must be a function (value) => value; got ${describe(formatter)}`);
    registry.set(name.startsWith(':') ? name.slice(1) : name, formatter);
  }
  return registry;
}
