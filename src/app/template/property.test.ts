// The property of issue 15, checked with a real HTML parser (parse5, as browsers parse):
// for any string in a text or quoted-attribute slot, of html`` or of a file template, the
// parsed page has exactly the template's elements and attributes, and the value comes back
// as the text or the attribute's value, whole.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { flat, tree } from '../../../test/lib/html-tree.js';
import { html, template } from '../index.js';

// Strings made of the characters that matter to HTML, and any strings at all.
const nasty = fc.oneof(
  fc.array(fc.constantFrom('<', '>', '&', '"', "'", '=', '/', ' ', '\t', '\n', '!', '-', '`', '#', ';', 'a', 'x', 'script', 'img', 'on', 'onerror', 'amp', 'lt', '#60', 'x3c', '<!--', '-->', ']]>', '</div>', '</p>'), { maxLength: 30 }).map((a) => a.join('')),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

// What the parser does to any text before tokenizing (HTML §13.2.3.5), and to NUL.
const asText = (s: string) => s.replace(/\r\n?/g, '\n').replace(/\0/g, '');
const asAttribute = (s: string) => s.replace(/\r\n?/g, '\n').replace(/\0/g, '\ufffd');

const page = template('<div id="t" title="{a}" class=\'{b}\'>{c}</div><p>{d}</p>');

test('any string in a text or quoted-attribute slot parses back as that text or value, never an element or attribute', () => {
  fc.assert(
    fc.property(nasty, nasty, nasty, nasty, (a, b, c, d) => {
      for (const out of [flat(html`<div id="t" title="${a}" class='${b}'>${c}</div><p>${d}</p>`), flat(page({ a, b, c, d }))]) {
        const parsed = tree(out);
        assert.deepEqual(
          parsed.elements.map((e) => e.tag),
          ['div', 'p'],
          out,
        );
        assert.deepEqual(parsed.elements[0]!.attrs, { id: 't', title: asAttribute(a), class: asAttribute(b) }, out);
        assert.deepEqual(parsed.elements[1]!.attrs, {}, out);
        assert.equal(parsed.texts.join(''), asText(c) + asText(d), out);
        assert.deepEqual(parsed.comments, [], out);
      }
    }),
    { numRuns: 400 },
  );
});

test('any string in <title> or <textarea> stays their text', () => {
  fc.assert(
    fc.property(nasty, (s) => {
      const out = flat(html`<textarea>${s}</textarea>`);
      const parsed = tree(out);
      assert.deepEqual(parsed.elements.map((e) => e.tag), ['textarea'], out);
      // A textarea drops one leading newline (HTML §13.2.6.4.7).
      assert.equal(parsed.texts.join(''), asText(s).replace(/^\n/, ''), out);
    }),
    { numRuns: 300 },
  );
});

// Schemes, disguised: letters in any case, controls and spaces, references, and the rest.
const urlish = fc.oneof(
  fc.array(fc.constantFrom('java', 'script', 'JAVA', 'SCRIPT', 'vb', 'data', ':', '&colon;', '&#58;', '&#x3A;', '&#106;', '\t', '\n', '\0', '\x01', ' ', '/', '?', '#', 'http', 's', 'mailto', 'a', '&', '%3A', '\\', 'alert(1)'), { maxLength: 12 }).map((a) => a.join('')),
  fc.webUrl(),
  fc.string({ maxLength: 30 }),
);

test('any string in a URL slot parses to an href that the WHATWG URL parser resolves to http, https or mailto, or is #', () => {
  fc.assert(
    fc.property(urlish, (value) => {
      const out = flat(html`<a href="${value}">x</a>`);
      const href = tree(out).elements.find((e) => e.tag === 'a')?.attrs['href'];
      assert.notEqual(href, undefined, out);
      if (href === '#') return;
      assert.equal(href, asAttribute(value), out);
      let protocol: string;
      try {
        protocol = new URL(href!, 'https://base.example/dir/').protocol;
      } catch {
        return; // not a URL a browser would follow
      }
      assert.ok(['http:', 'https:', 'mailto:'].includes(protocol), `${JSON.stringify(value)} resolves to ${protocol}`);
    }),
    { numRuns: 1000 },
  );
});
