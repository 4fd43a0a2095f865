import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import * as v from 'valibot';
import { parseFragment } from 'parse5';
import * as field from './fields.js';
import { defineForm } from './form.js';
import { renderField, renderForm } from './render.js';

const posted = (pairs: [string, string][]): URLSearchParams => new URLSearchParams(pairs);
const convert = async <T>(f: field.Field<T>, entry: string[]) => f.toNative(entry);

test('text: stripped of ASCII blanks only, blank refused unless optional, length limits', async () => {
  assert.deepEqual(await convert(field.text(), ['  a b\t\r\n']), { ok: true, value: 'a b' });
  // U+00A0 is not blank to HTML: a user who typed it keeps it.
  assert.deepEqual(await convert(field.text(), ['\u00a0x\u00a0']), { ok: true, value: '\u00a0x\u00a0' });
  assert.deepEqual(await convert(field.text(), ['   ']), { ok: false, message: 'may not be blank.' });
  assert.deepEqual(await convert(field.text(), []), { ok: false, message: 'may not be blank.' });
  assert.deepEqual(await convert(field.text({ required: false }), ['']), { ok: true, value: '' });
  assert.equal((await convert(field.text({ maxLength: 3 }), ['abcd'])).ok, false);
  assert.deepEqual(await convert(field.text({ maxLength: 3 }), ['åäö']), { ok: true, value: 'åäö' });
  assert.equal((await convert(field.text({ minLength: 2 }), ['a'])).ok, false);
  assert.throws(() => field.text({ maxLength: -1 }), /maxLength is a whole number of 0 or more; got the number -1/);
});

test('nullable: blank is null, else the child decides', async () => {
  const f = field.nullable(field.integer());
  assert.deepEqual(await convert(f, [' ']), { ok: true, value: null });
  assert.deepEqual(await convert(f, ['7']), { ok: true, value: 7 });
  assert.equal((await convert(f, ['x'])).ok, false);
  assert.deepEqual(f.fromNative(null), ['']);
  assert.equal(f.attributes['required'], false);
});

test('integer and decimal', async () => {
  for (const [input, want] of [['42', 42], ['-3', -3], ['+5', 5]] as const) assert.deepEqual(await convert(field.integer(), [input]), { ok: true, value: want });
  for (const input of ['4.2', '1e3', '0x10', '', '--1', '9007199254740993', ' 1 2']) assert.equal((await convert(field.integer(), [input])).ok, false, input);
  assert.deepEqual(await convert(field.integer({ min: 1, max: 10 }), ['11']), { ok: false, message: 'is above the most allowed, 10.' });
  assert.deepEqual(await convert(field.decimal({ places: 2 }), ['12.50']), { ok: true, value: 12.5 });
  assert.deepEqual(await convert(field.decimal({ places: 2 }), ['.5']), { ok: true, value: 0.5 });
  assert.deepEqual(await convert(field.decimal({ places: 2 }), ['1.234']), { ok: false, message: 'is not a number with at most 2 decimals.' });
  assert.deepEqual(field.decimal({ places: 2 }).fromNative(3), ['3.00']);
  // Shown without exponents, so an entry submitted unchanged reads back (the validation fuzz target found '1e-7').
  assert.deepEqual(field.decimal().fromNative(1e-7), ['0.0000001']);
  assert.deepEqual(field.decimal().fromNative(-1.5e-10), ['-0.00000000015']);
  for (const big of [1.2345678901234568e23, -9.87e30]) {
    const [shown] = field.decimal().fromNative(big);
    assert.ok(!shown!.includes('e') && Number(shown) === big, shown);
  }
  assert.deepEqual(field.decimal({ places: 2 }).fromNative(1e21), ['1000000000000000000000.00']);
  assert.deepEqual(await convert(field.decimal(), [...field.decimal().fromNative(1e-7)]), { ok: true, value: 1e-7 });
  assert.equal(field.decimal({ places: 2 }).attributes['step'], '0.01');
});

test('date: YYYY-MM-DD, a real day, bad input is an error (not kali\'s silent null)', async () => {
  assert.deepEqual(await convert(field.date(), ['2024-02-29']), { ok: true, value: '2024-02-29' });
  for (const bad of ['2023-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '01/02/2026', '2026-12-32', 'tomorrow']) {
    assert.deepEqual(await convert(field.date(), [bad]), { ok: false, message: 'is not a date: write it as YYYY-MM-DD, such as 2026-12-31.' }, bad);
  }
  assert.equal((await convert(field.date({ min: '2026-01-01' }), ['2025-12-31'])).ok, false);
  assert.equal(field.isDate('1900-02-29'), false);
  assert.equal(field.date().control, 'text');
  assert.equal(field.date({ picker: true }).control, 'date');
  assert.equal(field.isDate('2000-02-29'), true);
});

test('choice from a list, pairs, or an enum; multiple; checkbox', async () => {
  enum Priority { Low = 1, High = 2 }
  const p = field.choice(Priority);
  assert.deepEqual(p.options, [['1', 'Low'], ['2', 'High']]);
  assert.deepEqual(await convert(p, ['2']), { ok: true, value: Priority.High });
  assert.deepEqual(await convert(p, ['3']), { ok: false, message: 'is not one of the choices.' });
  assert.deepEqual(await convert(p, ['']), { ok: false, message: 'choose one, please.' });
  assert.deepEqual(await convert(field.choice(['red', 'blue']), ['blue']), { ok: true, value: 'blue' });
  assert.deepEqual(field.choice([['r', 'Red']] as const).options, [['r', 'Red']]);
  const m = field.multiple(['a', 'b', 'c'], { min: 1 });
  assert.deepEqual(await convert(m, ['c', 'a', 'c']), { ok: true, value: ['c', 'a'] });
  assert.deepEqual(await convert(m, []), { ok: false, message: 'choose at least 1, please.' });
  assert.equal((await convert(m, ['z'])).ok, false);
  assert.deepEqual(await convert(field.checkbox(), ['on']), { ok: true, value: true });
  assert.deepEqual(await convert(field.checkbox(), []), { ok: true, value: false });
});

test('a field checked by Standard Schema: zod and valibot', async () => {
  const zodAge = field.schema(z.coerce.number().int().min(18, 'must be 18 or more'));
  assert.deepEqual(await convert(zodAge, ['21']), { ok: true, value: 21 });
  assert.deepEqual(await convert(zodAge, ['12']), { ok: false, message: 'must be 18 or more' });
  const valibotEmail = field.schema(v.pipe(v.string(), v.email('is not an email address')));
  assert.deepEqual(await convert(valibotEmail, ['a@b.example']), { ok: true, value: 'a@b.example' });
  assert.deepEqual(await convert(valibotEmail, ['nope']), { ok: false, message: 'is not an email address' });
  assert.throws(() => field.schema({} as never), /schema\(\) takes a Standard Schema validator \(zod, valibot, arktype\.\.\.\); got a plain object/);
});

const taskForm = defineForm({
  title: field.text({ label: 'Title', maxLength: 80 }),
  due: field.nullable(field.date({ label: 'Due' })),
  done: field.checkbox({ label: 'Done' }),
});

test('a form reads native values, typed', async () => {
  const r = await taskForm.read(posted([['title', ' Buy milk '], ['due', '2026-12-24'], ['done', 'on']]));
  assert.equal(r.ok, true);
  if (!r.ok) return;
  const value: { title: string; due: string | null; done: boolean } = r.value;
  assert.deepEqual(value, { title: 'Buy milk', due: '2026-12-24', done: true });
});

test('a failed read keeps every entry exactly as typed, with a message per bad field', async () => {
  const typed = '<b>"milk"</b> & \u00a0';
  const r = await taskForm.read(posted([['title', typed], ['due', '2026-02-30']]));
  assert.equal(r.ok, false);
  assert.deepEqual(r.state.entries, { title: [typed], due: ['2026-02-30'], done: [] });
  assert.deepEqual(r.state.errors, { due: 'is not a date: write it as YYYY-MM-DD, such as 2026-12-31.' });
  const page = String((renderForm(taskForm, r.state) as readonly unknown[]).flat(Infinity).join(''));
  // A real HTML parser finds the typed text as the input's value, not as markup.
  const fragment = parseFragment(page);
  const inputs: { name: string; value: string }[] = [];
  const walk = (node: { nodeName: string; attrs?: { name: string; value: string }[]; childNodes?: unknown[] }): void => {
    if (node.nodeName === 'input') {
      const attrs = Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value]));
      inputs.push({ name: attrs['name']!, value: attrs['value'] ?? '' });
    }
    if (node.nodeName === 'b') assert.fail('the typed text became an element');
    for (const child of node.childNodes ?? []) walk(child as never);
  };
  walk(fragment as never);
  assert.deepEqual(inputs.find((i) => i.name === 'title'), { name: 'title', value: typed });
  assert.deepEqual(inputs.find((i) => i.name === 'due'), { name: 'due', value: '2026-02-30' });
  assert.match(page, /<p class="invalid"><label for="field-due">Due<\/label> <input type="text" placeholder="YYYY-MM-DD" inputmode="numeric" id="field-due" name="due" aria-invalid="true" aria-describedby="field-due-error" value="2026-02-30"> <span class="error" id="field-due-error">is not a date/);
});

test('save() may still add field errors; a name that is not a field is refused', async () => {
  const r = await taskForm.read(posted([['title', 'x']]));
  assert.equal(r.ok, true);
  const again = r.state.withErrors({ title: 'is taken already.' }, ['Try again.']);
  assert.equal(again.invalid, true);
  assert.deepEqual(again.errors, { title: 'is taken already.' });
  assert.deepEqual(again.formErrors, ['Try again.']);
  assert.throws(() => r.state.withErrors({ nope: 'x' } as never), /withErrors\(\) names "nope", which is not a field of this form \(title, due, done\)/);
});

test('a whole-form Standard Schema: issues go beside the field their path names, its output is the value', async () => {
  const range = defineForm(
    { from: field.integer(), to: field.integer() },
    { schema: z.object({ from: z.number(), to: z.number() }).refine((r) => r.to >= r.from, { message: 'must not be before from', path: ['to'] }).transform((r) => ({ span: r.to - r.from })) },
  );
  const good = await range.read(posted([['from', '2'], ['to', '5']]));
  assert.deepEqual(good.ok && good.value, { span: 3 });
  const bad = await range.read(posted([['from', '5'], ['to', '2']]));
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.state.errors, { to: 'must not be before from' });
  const vform = defineForm({ a: field.text() }, { schema: v.pipeAsync(v.objectAsync({ a: v.string() }), v.checkAsync(async (r) => r.a !== 'x', 'x is not allowed')) });
  const vbad = await vform.read(posted([['a', 'x']]));
  assert.deepEqual([vbad.ok, vbad.state.formErrors], [false, ['x is not allowed']]);
});

test('from() shows native values; blank() shows none', () => {
  const s = taskForm.from({ title: 'A', due: null, done: true });
  assert.deepEqual(s.entries, { title: ['A'], due: [''], done: ['on'] });
  assert.deepEqual(taskForm.blank().entries, { title: [''], due: [''], done: [] });
});

test('elements: textarea, select with kali\'s blank option, multiple, checkbox, attributes kept', () => {
  const f = defineForm({
    notes: field.text({ multiline: true, required: false }),
    color: field.choice([['r', 'Red & <Rose>'], ['b', 'Blue']]),
    tags: field.multiple(['x', 'y']),
    ok: field.checkbox(),
  });
  const s = f.from({ notes: '</textarea><script>', color: 'b', tags: ['y'], ok: true });
  const out = (name: 'notes' | 'color' | 'tags' | 'ok'): string => (renderField(f, s, name) as readonly unknown[]).flat(Infinity).join('');
  assert.equal(out('notes'), '<p><label for="field-notes">notes</label> <textarea id="field-notes" name="notes">&lt;/textarea&gt;&lt;script&gt;</textarea></p>\n');
  assert.equal(out('color'), '<p><label for="field-color">color</label> <select required id="field-color" name="color"><option value="r">Red &amp; &lt;Rose&gt;</option><option value="b" selected>Blue</option></select></p>\n');
  assert.match(out('tags'), /<select id="field-tags" name="tags" multiple><option value="x">x<\/option><option value="y" selected>y<\/option><\/select>/);
  assert.equal(out('ok'), '<p><input type="checkbox" value="on" id="field-ok" name="ok" checked> <label for="field-ok">ok</label></p>\n');
  const blank = (renderField(f, f.blank(), 'color') as readonly unknown[]).flat(Infinity).join('');
  assert.match(blank, /<select required id="field-color" name="color"><option value=""><\/option>/);
  assert.throws(() => renderField(f, s, 'nope' as never), /renderField\(\) names "nope", which is not a field of this form/);
  const evil = defineForm({ a: field.text({ attributes: { onclick: 'x' } }) });
  assert.throws(() => renderField(evil, evil.blank(), 'a'), /would run script or style from data/);
});

test('misuse says what was given', () => {
  assert.throws(() => defineForm({ a: 'text' } as never), /the form field "a" is the string "text": give a field such as text\(\)/);
  assert.throws(() => defineForm({ a: field.text() }, { schema: {} as never }), /schema option takes a Standard Schema validator/);
  assert.rejects(taskForm.read({} as never), /read\(\) takes posted values with getAll\(name\)/);
});
