// Every context of issue 15, table-driven, with the OWASP XSS cheat sheet's payloads: each
// is rendered safe (checked by parsing the output with parse5, as a browser would) or
// refused when the template is compiled. Each row runs as html`` and as a file template.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flat, tree } from '../../../test/lib/html-tree.js';
import { html, raw, json, template, TemplateError, type Html } from '../index.js';

/** An html`` call with literal parts made at run time (a tag receives exactly this). */
function tagged(parts: readonly string[], values: readonly unknown[]): Html {
  const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
  return html(strings, ...values);
}

/** The same parts as a file template, a hole {vN} per slot. */
function filed(parts: readonly string[], values: readonly unknown[]): Html {
  const source = parts.map((part, i) => (i < parts.length - 1 ? `${part}{v${i}}` : part)).join('');
  const data = Object.fromEntries(values.map((v, i) => [`v${i}`, v]));
  return template(source, { name: 'case.html', dev: true })(data);
}

const FORMS = [
  ['html``', tagged],
  ['file', filed],
] as const;

// javascript: in every case, entity and whitespace disguise, and the other live schemes.
const BAD_URLS = [
  'javascript:alert(1)',
  'JAVASCRIPT:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' JAVASCRIPT:alert(1)',
  '\tjavascript:alert(1)',
  '\njavascript:alert(1)',
  '\x01javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  'java\rscript:alert(1)',
  'java\0script:alert(1)',
  'jav&#x09;ascript:alert(1)',
  'jav&#x0A;ascript:alert(1)',
  'jav&#x0D;ascript:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;avascript:alert(1)',
  '&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)',
  '&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)',
  'javascript&colon;alert(1)',
  'javascript&#58;alert(1)',
  ' &#14; javascript:alert(1)',
  'vbscript:msgbox(1)',
  'VBScript:msgbox(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'DATA:text/html,<script>alert(1)</script>',
  'livescript:alert(1)',
  'file:///etc/passwd',
];

const GOOD_URLS = ['/tasks/7?done=1&sort=name', 'https://example.com/a b', 'http://x', 'HTTPS://X', 'mailto:a@example.com', 'page.html', '#top', '?q=1', '//cdn.example/x.js', '../up', 'a/b:c', ''];

const URL_SLOTS = [
  ['<a href="', '">go</a>', 'a', 'href'],
  ["<a HREF='", "'>go</a>", 'a', 'href'],
  ['<img src="', '">', 'img', 'src'],
  ['<form action="', '"></form>', 'form', 'action'],
  ['<button formaction="', '">b</button>', 'button', 'formaction'],
  ['<video poster="', '"></video>', 'video', 'poster'],
  ['<blockquote cite="', '">q</blockquote>', 'blockquote', 'cite'],
  ['<img srcset="', '">', 'img', 'srcset'],
  ['<object data="', '"></object>', 'object', 'data'],
  ['<a href = "', '">go</a>', 'a', 'href'],
] as const;

for (const [form, render] of FORMS) {
  test(`${form}: a URL slot turns every javascript:, vbscript: and data: disguise into #`, () => {
    for (const [before, after, tag, attr] of URL_SLOTS) {
      for (const payload of BAD_URLS) {
        const out = flat(render([before, after], [payload]));
        const element = tree(out).elements.find((e) => e.tag === tag);
        assert.equal(element?.attrs[attr], '#', `${before}${JSON.stringify(payload)}${after} gave ${out}`);
      }
    }
  });

  test(`${form}: a URL slot passes relative, http:, https: and mailto: URLs as they are`, () => {
    for (const [before, after, tag, attr] of URL_SLOTS) {
      for (const url of GOOD_URLS) {
        const out = flat(render([before, after], [url]));
        assert.equal(tree(out).elements.find((e) => e.tag === tag)?.attrs[attr], url, out);
      }
    }
  });

  test(`${form}: after a literal scheme or path, a URL slot is escaped, not filtered`, () => {
    const out = flat(render(['<a href="/search?q=', '&amp;page=', '">s</a>'], ['javascript:alert(1)" onmouseover="x', 2]));
    const a = tree(out).elements.find((e) => e.tag === 'a')!;
    assert.deepEqual(a.attrs, { href: '/search?q=javascript:alert(1)" onmouseover="x&page=2' });
    assert.equal(flat(render(['<a href="mailto:', '">m</a>'], ['javascript:x'])), '<a href="mailto:javascript:x">m</a>');
  });

  // Text, RCDATA and quoted attribute slots: the value comes back as text, never markup.
  const TEXT_PAYLOADS = [
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '<img src=x onerror=alert(1)>',
    '<svg/onload=alert(1)>',
    'x onmouseover=alert(1)',
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '</title><script>alert(1)</script>',
    '</textarea><script>alert(1)</script>',
    '<!--<script>alert(1)</script>-->',
    '<![CDATA[<script>alert(1)</script>]]>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '&#60;script&#62;',
    '`><script>alert(1)</script>',
  ];
  const TEXT_SLOTS = [
    ['<p>', '</p>', 'p', null],
    ['<p class="', '">x</p>', 'p', 'class'],
    ["<p title='", "'>x</p>", 'p', 'title'],
    ['<input value="', '">', 'input', 'value'],
    ['<a href="/x" data-name="', '">x</a>', 'a', 'data-name'],
    ['<textarea>', '</textarea>', 'textarea', null],
    ['<title>', '</title>', 'title', null],
  ] as const;

  test(`${form}: text, RCDATA and quoted attribute slots give the value back as text, no element or attribute`, () => {
    for (const [before, after, tag, attr] of TEXT_SLOTS) {
      for (const payload of TEXT_PAYLOADS) {
        const out = flat(render([before, after], [payload]));
        const parsed = tree(out);
        assert.deepEqual(parsed.elements.map((e) => e.tag), [tag], `${out}: only <${tag}>`);
        const element = parsed.elements[0]!;
        if (attr === null) {
          assert.equal(parsed.texts.join(''), payload, out);
          assert.deepEqual(Object.keys(element.attrs), [], out);
        } else {
          assert.equal(element.attrs[attr], payload, out);
          assert.ok(Object.keys(element.attrs).every((name) => !name.startsWith('on')), out);
        }
      }
    }
  });

  test(`${form}: numbers, booleans, arrays, null and undefined are escaped or render nothing`, () => {
    assert.equal(flat(render(['<p>', '|', '|', '|', '|', '</p>'], [42, true, ['<a>', 1, ['&']], null, undefined])), '<p>42|true|&lt;a&gt;1&amp;||</p>');
    assert.equal(flat(render(['<p title="', '">', '</p>'], [['"', "'"], 1.5])), '<p title="&#34;&#39;">1.5</p>');
  });

  test(`${form}: inside <script>, json() cannot close the element; any other value is refused`, () => {
    const value = { s: '</script><script>alert(1)</script>', c: '<!--', u: '\u2028\u2029', a: '&' };
    for (const [before, after] of [
      ['<script>var data = ', ';</script>'],
      ['<script type="application/json">', '</script>'],
      ['<SCRIPT>f(', ')</SCRIPT >'],
    ] as const) {
      const out = flat(render([before, after], [json(value)]));
      const parsed = tree(out, false);
      assert.deepEqual(parsed.elements.filter((e) => e.tag === 'script').length, 1, out);
      const body = parsed.texts.join('');
      assert.deepEqual(JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)), value);
      for (const bad of ['alert(1)', '</script><script>alert(1)</script>', 42, raw('<b>'), { s: 1 }, null]) {
        assert.throws(() => render([before, after], [bad]), (e: unknown) => e instanceof TemplateError && e.code === 'script-needs-json', `${describeCase(before, bad)}`);
      }
    }
    assert.equal(flat(render(['<style>', '</style>'], [json('x')])), '<style>"x"</style>');
  });

  test(`${form}: Html goes into text as it is, and is refused in an attribute`, () => {
    assert.equal(flat(render(['<div>', '</div>'], [raw('<b>bold</b>')])), '<div><b>bold</b></div>');
    for (const [before, after] of [
      ['<p class="', '">'],
      ['<a href="', '">'],
      ['<a href="/x/', '">'],
    ] as const) {
      assert.throws(() => render([before, after], [raw('x" onclick="alert(1)')]), (e: unknown) => e instanceof TemplateError && e.code === 'html-in-attribute');
    }
  });

  test(`${form}: objects, functions and symbols are refused, naming the type`, () => {
    for (const [bad, named] of [
      [{ a: 1 }, 'a plain object'],
      [new Date(0), 'a Date'],
      [() => 1, 'a function'],
      [Symbol('s'), 'plain object'],
    ] as const) {
      assert.throws(
        () => render(['<p>', '</p>'], [bad]),
        (e: unknown) => e instanceof TemplateError && e.code === 'bad-value' && (typeof bad === 'symbol' || e.message.includes(named)),
      );
    }
    assert.throws(() => render(['<a href="', '">'], [['java', 'script:alert(1)']]), (e: unknown) => e instanceof TemplateError && e.code === 'bad-value');
  });

  // Slots no escaper can make safe: refused when the template is compiled, never rendered.
  const REFUSED: readonly (readonly [readonly string[], string])[] = [
    [['<a href=', '>x</a>'], 'unquoted-attribute'],
    [['<div class=', '>x</div>'], 'unquoted-attribute'],
    [['<div class=x', '>x</div>'], 'unquoted-attribute'],
    [['<div class= ', '>x</div>'], 'unquoted-attribute'],
    [['<a ', '>x</a>'], 'slot-in-tag'],
    [['<a href="/" ', '>x</a>'], 'slot-in-tag'],
    [['<a href="/"', '>x</a>'], 'slot-in-tag'],
    [['<a data-', '="1">x</a>'], 'slot-in-tag'],
    [['<', '>x'], 'slot-in-tag'],
    [['<h', '>x</h1>'], 'slot-in-tag'],
    [['</', '>'], 'slot-in-tag'],
    [['<p>x</', '>'], 'slot-in-tag'],
    [['<a onmouseover="', '">x</a>'], 'event-handler-attribute'],
    [["<a OnClick='", "'>x</a>"], 'event-handler-attribute'],
    [['<body onload="init(', ')">'], 'event-handler-attribute'],
    [['<div style="', '">x</div>'], 'style-attribute'],
    [['<div STYLE="color: ', '">x</div>'], 'style-attribute'],
    [['<iframe srcdoc="', '"></iframe>'], 'html-attribute'],
    [['<!-- ', ' -->'], 'slot-in-comment'],
    [['<!--', '-->'], 'slot-in-comment'],
    [['<!doctype ', '>'], 'slot-in-markup'],
    [['<![CDATA[', ']]>'], 'slot-in-markup'],
    [['<?xml ', '?>'], 'slot-in-markup'],
    [['<xmp>', '</xmp>'], 'slot-in-raw-text'],
    [['<iframe>', '</iframe>'], 'slot-in-raw-text'],
    [['<noscript>', '</noscript>'], 'slot-in-raw-text'],
    [['<textarea></textarea', '>'], 'bad-html'],
    [['<script></scr', 'ipt>'], 'bad-html'],
    [['<a href="java', '">x</a>'], 'ambiguous-url'],
    [['<a href="&#106;', '">x</a>'], 'ambiguous-url'],
    [['<a href="&#', '">x</a>'], 'ambiguous-url'],
    [['<a href="&#x6', '">x</a>'], 'ambiguous-url'],
    [['<a href="&unknown;', '">x</a>'], 'ambiguous-url'],
    [['<a href="', ':alert(1)">x</a>'], 'ambiguous-url'],
    [['<a href="', '&colon;alert(1)">x</a>'], 'ambiguous-url'],
    [['<a href="', '', '">x</a>'], 'ambiguous-url'],
    [['<a href="', 'x', '">x</a>'], 'ambiguous-url'],
    [['<a href="', '">x</a'], 'end-context'],
    [['<p title="', ''], 'end-context'],
    [['<script>', ''], 'end-context'],
    [['<!-- ', ''], 'slot-in-comment'],
  ];

  test(`${form}: a slot in a tag or attribute name, an unquoted value, an on* or style attribute, a comment or an ambiguous URL is refused at compile time`, () => {
    for (const [parts, code] of REFUSED) {
      assert.throws(
        () => render(parts, parts.slice(1).map(() => 'x')),
        (e: unknown) => e instanceof TemplateError && e.code === code && e.line >= 1 && e.column >= 1,
        `${JSON.stringify(parts)} should be refused with ${code}`,
      );
    }
  });

  test(`${form}: a second URL slot is fine once / ? or # fixed the scheme`, () => {
    assert.equal(flat(render(['<a href="', '/', '?x=', '">x</a>'], ['javascript:1', 'a:b', 'c'])), '<a href="#/a:b?x=c">x</a>');
    assert.equal(flat(render(['<a href="', '#', '">x</a>'], ['/p', 'frag'])), '<a href="/p#frag">x</a>');
  });

  test(`${form}: literal markup is the template's own: unquoted literal values, on* and style with no slot pass`, () => {
    const out = flat(render(['<input type=text onclick="go()" style="color: red" value="', '"><!-- note --><a href=javascript:void(0)>x</a>'], ['v']));
    assert.equal(out, '<input type=text onclick="go()" style="color: red" value="v"><!-- note --><a href=javascript:void(0)>x</a>');
  });
}

function describeCase(before: string, value: unknown): string {
  return `${before} with ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`;
}
