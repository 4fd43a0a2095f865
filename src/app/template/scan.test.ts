// The context machine on its own: (literal prefix, expected slot context) pairs, each fed
// whole and split at every character, since html`` and file templates cut literal text at
// arbitrary places. Go's transition tests are the model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scanner, type SlotContext } from './scan.js';

const CASES: readonly (readonly [string, SlotContext | string])[] = [
  ['', 'text'],
  ['<p>', 'text'],
  ['a < b ', 'text'],
  ['<p class="', 'attribute'],
  ["<p class='x ", 'attribute'],
  ['<p class="a" title="', 'attribute'],
  ['<input value="" name="', 'attribute'],
  ['<a href="', 'url-start'],
  ['<a href="  ', 'url-start'],
  ['<a href="/x/', 'url'],
  ['<a href="https:', 'url'],
  ['<a href="&#47;', 'url'],
  ['<a href="?q=', 'url'],
  ['<A HREF="', 'url-start'],
  ['<img src="', 'url-start'],
  ['<a title="x" href=\'', 'url-start'],
  ['</a href="', 'attribute'],
  ['<title>', 'text'],
  ['<textarea>x', 'text'],
  ['<textarea><p class="', 'text'],
  ['<title></title><p>', 'text'],
  ['<script>', 'script'],
  ['<script type="module">var x = ', 'script'],
  ['<script>"</scrip', 'bad-html'],
  ['<script>"</scripx"', 'script'],
  ['<script>"', 'slot-in-script-literal'],
  ['<script></script >', 'text'],
  ['<script></SCRIPT>', 'text'],
  ['<style>', 'script'],
  ['<style></style><p>', 'text'],
  ['<!-- <script> -->', 'text'],
  ['<!-->', 'text'],
  ['<!--->', 'text'],
  ['<!-- a --!>', 'text'],
  ['<!doctype html>', 'text'],
  ['<![CDATA[ x ]]>', 'text'],
  ['<a href=x>', 'text'],
  ['<br/>', 'text'],
  ['<a b c=d e="f">', 'text'],
  ['<p>', 'text'],
  ['<a href="', 'url-start'],
  ['<p ', 'slot-in-tag'],
  ['<p class', 'slot-in-tag'],
  ['<p class ', 'slot-in-tag'],
  ['<p class="x"', 'slot-in-tag'],
  ['<p class=', 'unquoted-attribute'],
  ['<p class=a', 'unquoted-attribute'],
  ['<p onclick="', 'event-handler-attribute'],
  ['<p style="', 'style-attribute'],
  ['<!-- ', 'slot-in-comment'],
  ['<!', 'slot-in-markup'],
  ['<!-', 'slot-in-markup'],
  ['<?x', 'slot-in-markup'],
  ['<', 'slot-in-tag'],
  ['</', 'slot-in-tag'],
  ['<script></', 'bad-html'],
  ['<a href="java', 'ambiguous-url'],
];

function contextAfter(pieces: readonly string[]): string {
  const scanner = new Scanner();
  for (const piece of pieces) assert.equal(scanner.feed(piece), null);
  const context = scanner.slot();
  return typeof context === 'string' ? context : context.code;
}

test('each prefix puts a slot in its context, fed whole or split at every character', () => {
  for (const [prefix, expected] of CASES) {
    assert.equal(contextAfter([prefix]), expected, JSON.stringify(prefix));
    for (let cut = 0; cut <= prefix.length; cut++) assert.equal(contextAfter([prefix.slice(0, cut), prefix.slice(cut)]), expected, `${JSON.stringify(prefix)} cut at ${cut}`);
    assert.equal(contextAfter([...prefix]), expected, `${JSON.stringify(prefix)} a character at a time`);
  }
});

test('a template ends in text, or end() says where it stopped', () => {
  for (const [source, ends] of [
    ['<p>x</p>', true],
    ['<p', false],
    ['<script>', false],
    ['<!-- x', false],
    ['<a href="x">', true],
  ] as const) {
    const scanner = new Scanner();
    scanner.feed(source);
    assert.equal(scanner.end() === null, ends, source);
  }
});

test('after a slot that began a URL, a literal ":" is refused at the character that makes the slot a scheme', () => {
  const scanner = new Scanner();
  scanner.feed('<a href="');
  assert.equal(scanner.slot(), 'url-start');
  assert.deepEqual(scanner.feed('x:y">'), { code: 'ambiguous-url', reason: 'a \':\' after the slot that begins the URL attribute href: the slot would be the scheme', at: 1 });
  const fine = new Scanner();
  fine.feed('<a href="');
  fine.slot();
  assert.equal(fine.feed('/a:b">'), null);
  assert.equal(fine.end(), null);
});
