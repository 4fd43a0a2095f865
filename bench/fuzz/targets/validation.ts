// Target: warren/app's form fields (src/app/validate/fields.ts), where posted text becomes
// native values: every built-in field, fed random entries (near each field's grammar and
// any text, several values per name), and its values shown back as entries.
// Invariants:
// 1. toNative() never throws, answers at once (no promise), and gives a value of the
//    field's type within its bounds, or a non-empty message.
// 2. A value read shows again as an entry (fromNative) that reads back to the same value:
//    what a user submits unchanged is taken unchanged.

import fc from 'fast-check';
import { checkbox, choice, date, decimal, integer, multiple, nullable, text, type Converted, type Field } from '../../../src/app/validate/fields.js';
import { target } from '../target.js';

const FIELDS: readonly (readonly [string, Field<unknown>, (value: unknown) => boolean])[] = [
  ['text', text({ maxLength: 5 }), (v) => typeof v === 'string' && v !== '' && [...v].length <= 5],
  ['text optional', text({ required: false, minLength: 2 }), (v) => typeof v === 'string' && (v === '' || [...v].length >= 2)],
  ['integer', integer({ min: -50, max: 1_000_000 }), (v) => Number.isSafeInteger(v) && (v as number) >= -50 && (v as number) <= 1_000_000],
  ['integer any', integer(), (v) => Number.isSafeInteger(v)],
  ['decimal', decimal(), (v) => typeof v === 'number' && Number.isFinite(v)],
  ['decimal 2', decimal({ places: 2 }), (v) => typeof v === 'number' && Number.isFinite(v)],
  ['date', date({ min: '2000-01-01' }), (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= '2000-01-01'],
  ['choice', choice<number | string>([[1, 'one'], [2, 'two'], ['x', 'ex']]), (v) => v === 1 || v === 2 || v === 'x'],
  ['multiple', multiple(['a', 'b', 'c'], { min: 1 }), (v) => Array.isArray(v) && v.length >= 1 && new Set(v).size === v.length && v.every((x) => ['a', 'b', 'c'].includes(x))],
  ['checkbox', checkbox(), (v) => typeof v === 'boolean'],
  ['nullable integer', nullable(integer()), (v) => v === null || Number.isSafeInteger(v)],
];

const word = fc.oneof(
  fc.constantFrom('', ' ', '1', '-0', '+7', '007', '1.5', '1.50', '.5', '5.', '-1.005', '1e3', '0x10', 'NaN', 'Infinity', '9007199254740993', '0.0000001', '123456789012345678901234', '1000000000000000000000.00', '2024-02-29', '2023-02-29', '2026-12-31', '1999-12-31', '2026-1-1', 'a', 'b', 'x', 'on', '\u00a0', ' 12 ', '１２'),
  fc.stringMatching(/^[+-]?[0-9]{0,22}(\.[0-9]{0,6})?$/),
  fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

function read(field: Field<unknown>, entry: readonly string[]): Converted<unknown> {
  const result = field.toNative(entry);
  if (result instanceof Promise) throw new Error('a built-in field answered with a promise');
  return result;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export const validation = target({
  name: 'validation',
  invariants: [
    "toNative() never throws, answers at once, and gives a value of the field's type within its bounds, or a non-empty message",
    'a value read shows again as an entry that reads back to the same value',
  ],
  input: fc.array(word, { maxLength: 3 }),
  check(entry) {
    for (const [name, field, valid] of FIELDS) {
      const first = read(field, entry);
      if (!first.ok) {
        if (typeof first.message !== 'string' || first.message === '') throw new Error(`${name}: ${JSON.stringify(entry)} refused without a message`);
        continue;
      }
      if (!valid(first.value)) throw new Error(`${name}: ${JSON.stringify(entry)} read as ${JSON.stringify(first.value)}, outside the field's type or bounds`);
      const shown = field.fromNative(first.value);
      const again = read(field, shown);
      if (!again.ok || !same(again.value, first.value)) {
        throw new Error(`${name}: ${JSON.stringify(entry)} read as ${JSON.stringify(first.value)}, shown as ${JSON.stringify(shown)}, read back as ${JSON.stringify(again)}`);
      }
    }
  },
});
