// Inside <script> and <style>, a json() slot goes only where code is: never in a string,
// a template literal, a comment or a regular expression, where its quotes would end the
// literal and the data would run (`var s = '{x}'` with x = `'+alert(1)+'`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flat, tree } from '../../../test/lib/html-tree.js';
import { html, json, TemplateError } from '../index.js';
import { ScriptReader } from './script.js';

function inCode(source: string, css = false): boolean {
  const reader = new ScriptReader(css);
  for (const c of source) reader.step(c);
  return reader.inCode;
}

test('ScriptReader: code, strings, template literals, comments and regular expressions', () => {
  const code = ['', 'var x = ', 'f(', 'a = "s"; b = ', "a = 'it\\'s'; ", 'x = `t${1}u`; y = ', 'x = `${ {a: 1}.a }`; ', '/* c */ ', '// c\n', 'a = b / c; d = ', 'r = /"/; s = ', 'r = /[/"]/g, s = ', 'return /\'/.test(s) && ', 'x = a\n', '<!-- c\n', 'x = `a${', 'a < b && '];
  const literal = ['"', "var s = '", 'x = `', 'x = `${a}', '/* ', '// ', 'x = /', 'x = /[', 'x = "\\"', '<!--', 'r = /a/; s = "', 'x = `${ "', 'return /'];
  for (const source of code) assert.equal(inCode(source), true, JSON.stringify(source));
  for (const source of literal) assert.equal(inCode(source), false, JSON.stringify(source));
  assert.equal(inCode('a { content: "', true), false);
  assert.equal(inCode('a { b: 1 } /* x */ ', true), true);
  assert.equal(inCode('a { b: url(/x/y) } ', true), true, 'no regular expressions in CSS');
});

test('a json() slot inside a JS string, template literal, comment or regex is refused at compile time', () => {
  const attacks = [
    (v: unknown) => html`<script>var s = '${v}';</script>`,
    (v: unknown) => html`<script>var s = "${v}";</script>`,
    (v: unknown) => html`<script>var s = \`${v}\`;</script>`,
    (v: unknown) => html`<script>// ${v}
</script>`,
    (v: unknown) => html`<script>/* ${v} */</script>`,
    (v: unknown) => html`<script>var r = /${v}/;</script>`,
    (v: unknown) => html`<style>a { content: "${v}" }</style>`,
  ];
  for (const attack of attacks) assert.throws(() => attack(json("'+alert(1)+'")), (e: unknown) => e instanceof TemplateError && e.code === 'slot-in-script-literal');
});

test('a json() slot where a value goes renders as data, whatever the string holds', () => {
  for (const value of ["'+alert(1)+'", '"+alert(1)+"', '`${alert(1)}`', '</script><script>alert(1)</script>', '<!--', '\u2028']) {
    const out = flat(html`<script>var s = ${json(value)}; var t = \`ok\`;</script>`);
    const parsed = tree(out, false);
    assert.equal(parsed.elements.filter((e) => e.tag === 'script').length, 1, out);
    const body = parsed.texts.join('');
    assert.equal(JSON.parse(body.slice('var s = '.length, body.indexOf('; var t'))), value);
  }
});
