// File templates: errors name the file, the line and the column with a two-line code
// frame; missing fields are errors in dev and nothing in production; other braces pass
// through; templates(folder) finds, caches and (with dev) reloads files and what they use.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flat } from '../../../test/lib/html-tree.js';
import { trusted } from '../html.js';
import { html, raw, template, templates, TemplateError, HTML_TYPE } from '../index.js';

function refused(code: string, line: number, column: number, frame?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof TemplateError, String(e));
    assert.equal(e.code, code, e.message);
    assert.deepEqual([e.line, e.column], [line, column], e.message);
    assert.ok(e.message.startsWith(`${e.template}:${line}:${column}: `), e.message);
    if (frame !== undefined) assert.equal(e.frame, frame);
    return true;
  };
}

test('a hole where no escaping is safe is refused at compile time with file, line, column and a code frame', () => {
  const source = '<ul>\n  <li><a href={url}>x</a></li>\n</ul>';
  assert.throws(() => template(source, { name: 'views/list.html' }), refused('unquoted-attribute', 2, 15, '2 |   <li><a href={url}>x</a></li>\n                  ^'));
  assert.throws(() => template('<p>\n<b onclick="go({id})">', { name: 'a.html' }), refused('event-handler-attribute', 2, 16));
  assert.throws(() => template('<p class="{.x}">'), refused('raw-outside-text', 1, 11));
  assert.throws(() => template('<p>\n\n  {price:money}</p>'), refused('unknown-formatter', 3, 3));
  assert.throws(() => template('<p title="{t}>'), refused('end-context', 1, 15));
});

test('syntax errors name the line and column: <extend> and <loop> forms', () => {
  assert.throws(() => template('<loop><ul>\n<?begin?><li>{x}</li>\n<?middle?>\n</loop>'), refused('syntax', 3, 1));
  assert.throws(() => template('<loop><ul>\n<?end?></ul>\n</loop>'), refused('syntax', 1, 7));
  assert.throws(() => template('<loop><ul>\n<?begin?>x\n'), refused('syntax', 3, 1));
  assert.throws(() => template('<loop><?begin?>x</loop>\ntrailing'), refused('syntax', 2, 1));
  assert.throws(() => template('<extend>\n<?a?>x</extend>'), refused('syntax', 1, 9));
  assert.throws(() => template('<extend>page\nstray\n<?a?>x</extend>'), refused('syntax', 2, 1));
  assert.throws(() => template('<extend>page\n<?a?>x\n<?a?>y</extend>'), refused('syntax', 3, 1));
  assert.throws(() => template('<p><include></p>'), refused('syntax', 1, 4));
});

test('a missing field is an error naming template, line, column and field in dev, and nothing in production', () => {
  const source = '<h1>{title}</h1>\n<p>{user.name} {user.missing}</p>';
  assert.throws(() => template(source, { name: 'page.html', dev: true })({ user: { name: 'x' } }), (e: unknown) => refused('missing-field', 1, 5, '1 | <h1>{title}</h1>\n        ^')(e) && (e as Error).message.includes('title'));
  assert.throws(() => template(source, { name: 'page.html', dev: true })({ title: 't', user: { name: 'x' } }), (e: unknown) => refused('missing-field', 2, 16)(e) && (e as Error).message.includes('user.missing'));
  assert.equal(flat(template(source)({ user: { name: 'x' } })), '<h1></h1>\n<p>x </p>');
  assert.equal(flat(template('{constructor}{toString}{__proto__}')({})), '', 'what every object inherits is not a field');
  assert.equal(flat(template('{a}{b}', { dev: true })({ a: null, b: undefined })), '', 'a field that is there but empty is no error');
});

test('{.name} takes Html only, naming the field', () => {
  const t = template('<div>{.body}</div>');
  assert.equal(flat(t({ body: html`<b>${'<'}</b>` })), '<div><b>&lt;</b></div>');
  assert.throws(() => t({ body: '<script>alert(1)</script>' }), (e: unknown) => e instanceof TemplateError && e.code === 'raw-needs-html' && /body/.test(e.message) && /string/.test(e.message));
});

test('formatters: :num and :cents built in, user ones by option; a formatter\'s result is escaped by the hole', () => {
  const t = template('{n:num} {n:cents} <b title="{n:shout}">{n:shout}</b>', { formatters: { shout: (v) => `<${String(v)}!>` } });
  assert.equal(flat(t({ n: 1234567.891 })), '1,234,567.891 1,234,567.89 <b title="&lt;1234567.891!&gt;">&lt;1234567.891!&gt;</b>');
  assert.equal(flat(template('{a:num}|{b:num}|{c:num}|{d:num}|{e:num}|{f:cents}')({ a: 0.1 + 0.2, b: -1234, c: 10n ** 7n, d: 999, e: Number.NaN, f: -0.005 })), '0.30000000000000004|-1,234|10,000,000|999|NaN|-0.01');
  assert.throws(() => template('{n:num}')({ n: 'x' }), (e: unknown) => e instanceof TemplateError && e.code === 'bad-value' && /:num takes a number/.test(e.message));
});

test('misuse fails with what was given: data that is not a record, items that are not iterable, a bad formatter', () => {
  const t = template('<p>{x}</p>');
  assert.throws(() => t('x' as never), /a template renders a record of fields; got the string "x"/);
  assert.throws(() => t.loop(42 as never), /loop\(\) takes an iterable of records \(an array of rows\); got the number 42/);
  assert.throws(() => t.loop([1] as never), /a loop's items are records of fields; got the number 1/);
  assert.throws(() => template('x', { formatters: { bad: 'no' as never } }), /the formatter bad must be a function/);
  assert.throws(() => templates(''), /templates\(\) takes the path of a folder; got the string ""/);
});

test('other braces pass through: CSS, JS, spaced or numbered', () => {
  const source = '<style>li.done { text-decoration: line-through; }</style><script>function f() { return {a: 1}; }</script><p>{ name } {1} {} {-x}</p>';
  assert.equal(flat(template(source, { dev: true })({})), source);
});

test('html() called plainly is the text/html response; as a tag, its pieces are never joined', () => {
  const response = html(raw('<p>x</p>'), 201);
  assert.equal(response.status, 201);
  assert.deepEqual(response.headers, { 'content-type': HTML_TYPE });
  const inner = html`<b>${'x'}</b>`;
  const page = html`<p>${inner}</p>`;
  assert.equal(page.length, 3);
  assert.equal(page[1], inner);
  assert.ok(Object.isFrozen(page));
  // A template's own text and escaped values make one string; nested Html stays a piece.
  assert.deepEqual([...html`<p class="${'a'}">${'<'}${1}</p>`], ['<p class="a">&lt;1</p>']);
  const bytes = new TextEncoder().encode('<i>b</i>');
  const body = template('<div>{.a}{x}{.b}</div>')({ a: inner, x: 'y', b: raw('<hr>') });
  assert.equal(body.length, 5);
  assert.equal(body[1], inner);
  const page2 = html`<div>${trusted([bytes])}</div>`;
  assert.equal(page2[1]![0], bytes, 'bytes inside Html stay bytes');
  assert.throws(() => html`<p>${bytes}</p>`, (e: unknown) => e instanceof TemplateError && e.code === 'bad-value' && /Uint8Array/.test(e.message), 'bare bytes are neither text nor trusted markup');
});

test('html``: each call site is read once; its errors name the call site and the literal\'s line and column', () => {
  const render = (v: unknown) => html`<p class="${v}">${v}</p>`;
  assert.equal(flat(render('a')), '<p class="a">a</p>');
  assert.equal(flat(render('"')), '<p class="&#34;">&#34;</p>');
  // The contexts are learnt from the strings array once: a changed array is not read again.
  const strings = Object.assign(['<p class="', '">'], { raw: ['<p class="', '">'] });
  html(strings as unknown as TemplateStringsArray, 'x');
  strings[0] = '<p onclick="';
  assert.equal(flat(html(strings as unknown as TemplateStringsArray, 'x')), '<p onclick="x">');
  assert.throws(() => html(Object.assign(['<p onclick="', '">'], { raw: ['', ''] }) as unknown as TemplateStringsArray, 'x'), TemplateError);
  assert.throws(
    () => html`<p>
      <a href=${'x'}>`,
    (e: unknown) => e instanceof TemplateError && e.code === 'unquoted-attribute' && e.line === 2 && e.column === 15 && /files\.test\.js:\d+/.test(e.template) && e.message.includes('line 2, column 15 of the literal'),
  );
});

function folder(files: Record<string, string>): { dir: string; write(name: string, text: string, age?: number): void; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'warren-templates-'));
  let tick = 1;
  const write = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(path, text);
    // A distinct mtime per write, as an editor's save a moment later would give.
    const when = new Date(Date.now() - 100_000 + tick++ * 1000);
    utimesSync(path, when, when);
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { dir, write, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test('templates(): a syntax error in a file names its path, line and column', () => {
  using views = folder({ 'bad.html': '<p>\n<div style="{s}">' });
  assert.throws(() => templates(views.dir)('bad'), (e: unknown) => e instanceof TemplateError && e.code === 'style-attribute' && e.template === join(views.dir, 'bad.html') && e.line === 2 && e.column === 13);
});

test('templates(): an unknown base or include, or a cycle, fails when the page is loaded', () => {
  using views = folder({ 'a.html': '<p><include>nope</p>', 'b.html': '<extend>gone\n<?x?>y\n</extend>', 'c.html': '<include>d', 'd.html': '<include>c', 'e.html': '<include>e' });
  const load = templates(views.dir);
  assert.throws(() => load('a'), (e: unknown) => e instanceof TemplateError && e.code === 'unknown-template' && e.line === 1 && e.column === 4);
  assert.throws(() => load('b'), (e: unknown) => e instanceof TemplateError && e.code === 'unknown-template');
  assert.throws(() => load('c'), (e: unknown) => e instanceof TemplateError && e.code === 'template-cycle' && /c -> d -> c/.test(e.message));
  assert.throws(() => load('e'), (e: unknown) => e instanceof TemplateError && e.code === 'template-cycle');
  assert.throws(() => load('../etc/passwd'), TypeError);
  assert.throws(() => load('/abs'), TypeError);
  assert.throws(() => load('missing'), /no template missing/);
});

test('templates(): extension option, and sub-folders by name', () => {
  using views = folder({ 'p.tpl': '<p>{x}</p>' });
  assert.equal(flat(templates(views.dir, { extension: '.tpl' })('p')({ x: 1 })), '<p>1</p>');
});

test('templates() with dev reloads a changed file, and pages see their changed base and partials; without dev, nothing reloads', () => {
  using views = folder({ 'base.html': '<main>{.body}</main>', 'page.html': '<extend>base\n<?body?><include>part\n</extend>', 'part.html': '<p>{x}</p>' });
  const dev = templates(views.dir, { dev: true });
  const prod = templates(views.dir);
  const devPage = dev('page');
  const prodPage = prod('page');
  assert.equal(flat(devPage({ x: 1 })), '<main><p>1</p></main>');
  assert.equal(flat(prodPage({ x: 1 })), '<main><p>1</p></main>');
  views.write('part.html', '<p class="new">{x}</p>');
  assert.equal(flat(devPage({ x: 2 })), '<main><p class="new">2</p></main>');
  views.write('base.html', '<section>{.body}</section>');
  assert.equal(flat(devPage({ x: 3 })), '<section><p class="new">3</p></section>');
  views.write('page.html', '<extend>base\n<?body?><i>{x}</i>\n</extend>');
  assert.equal(flat(devPage({ x: 4 })), '<section><i>4</i></section>');
  assert.equal(flat(prodPage({ x: 5 })), '<main><p>5</p></main>');
  // An edit that closes a cycle through a cached template is refused, not run until the stack overflows.
  views.write('page.html', '<extend>base\n<?body?><include>part\n</extend>');
  assert.equal(flat(devPage({ x: 4 })), '<section><p class="new">4</p></section>');
  views.write('part.html', '<p><include>page</p>');
  assert.throws(() => devPage({ x: 1 }), (e: unknown) => e instanceof TemplateError && e.code === 'template-cycle' && /part -> page -> part/.test(e.message));
  views.write('part.html', '<p>{x}</p>');
  assert.equal(flat(devPage({ x: 4 })), '<section><p>4</p></section>');
  // A broken edit is reported; fixing it recovers.
  views.write('page.html', '<a href={x}>');
  assert.throws(() => devPage({ x: 1 }), (e: unknown) => e instanceof TemplateError && e.code === 'unquoted-attribute');
  views.write('page.html', '<b>{x}</b>');
  assert.equal(flat(devPage({ x: 6 })), '<b>6</b>');
});
