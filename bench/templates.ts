// Templates: a 100-row table page rendered by warren (html`` and a file template) beside
// Eta and Nunjucks (autoescape) on the same data in one run, the median of several runs in
// pages per second, as each engine's own result (Html, or a string) and encoded to bytes
// as a socket write would take it (which makes V8 flatten the strings); then the XSS table: the same payloads through each engine, parsed with
// parse5 as a browser would, showing which emit a live javascript: href, a live on*
// handler or a script breakout, and which escape or refuse. Outputs are checked to match
// before anything is timed.
//
//   node dist/bench/templates.js [--quick] [--json FILE]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eta } from 'eta';
import nunjucks from 'nunjucks';
import { parseFragment } from 'parse5';
import { html, json, template, templates, TemplateError, type Html } from '../src/app/index.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { spread, tableHeader, tableRow } from './lib/stats.js';

const USAGE = 'usage: node dist/bench/templates.js [--quick] [--json FILE]';
const args = process.argv.slice(2);
let quick = false;
let jsonPath: string | null = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--quick') quick = true;
  else if (args[i] === '--json' && args[i + 1] !== undefined) jsonPath = args[++i]!;
  else {
    console.error(`unknown argument ${JSON.stringify(args[i])}\n${USAGE}`);
    process.exit(2);
  }
}
const RUNS = quick ? 3 : 7;
const RUN_MS = quick ? 60 : 400;

interface Row {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly balance: string;
  readonly cls: string;
  readonly status: string;
  readonly url: string;
}

const rows: Row[] = Array.from({ length: 100 }, (_, i) => ({
  id: i + 1,
  name: `User ${i + 1} <b>"O'Neil" & co`,
  email: `user${i + 1}@example.com`,
  balance: (i * 12.5).toFixed(2),
  cls: i % 3 === 0 ? 'active' : 'idle',
  status: i % 3 === 0 ? 'active' : 'idle',
  url: `/users/${i + 1}`,
}));
const data = { title: 'Users & accounts', rows, items: rows };

const HEAD = '<!doctype html><html><head><meta charset="utf-8"><title>';
const TOP = '</title></head><body><h1>';
const TABLE = '</h1><table><thead><tr><th>#</th><th>Name</th><th>Email</th><th>Balance</th><th>Status</th></tr></thead><tbody>';
const END = '</tbody></table></body></html>';

// warren, html``: rows are Html nested in the page, never joined.
const row = (r: Row): Html => html`<tr class="${r.cls}"><td>${r.id}</td><td><a href="${r.url}">${r.name}</a></td><td>${r.email}</td><td>${r.balance}</td><td>${r.status}</td></tr>`;
const tagged = (d: typeof data): Html =>
  html`<!doctype html><html><head><meta charset="utf-8"><title>${d.title}</title></head><body><h1>${d.title}</h1><table><thead><tr><th>#</th><th>Name</th><th>Email</th><th>Balance</th><th>Status</th></tr></thead><tbody>${d.rows.map(row)}</tbody></table></body></html>`;

// warren, file templates: a page that includes a <loop> file.
const dir = mkdtempSync(join(tmpdir(), 'warren-bench-templates-'));
writeFileSync(join(dir, 'page.html'), `${HEAD}{title}${TOP}{title}${TABLE}<include>rows${END}`);
writeFileSync(join(dir, 'rows.html'), '<loop><?begin?><tr class="{cls}"><td>{id}</td><td><a href="{url}">{name}</a></td><td>{email}</td><td>{balance}</td><td>{status}</td></tr></loop>');
const filePage = templates(dir)('page');

const eta = new Eta({ autoEscape: true, autoTrim: false });
const etaPage = eta.compile(
  `${HEAD}<%= it.title %>${TOP}<%= it.title %>${TABLE}<% for (const r of it.rows) { %><tr class="<%= r.cls %>"><td><%= r.id %></td><td><a href="<%= r.url %>"><%= r.name %></a></td><td><%= r.email %></td><td><%= r.balance %></td><td><%= r.status %></td></tr><% } %>${END}`,
);
const nunjucksEnv = new nunjucks.Environment(null, { autoescape: true });
const nunjucksPage = nunjucks.compile(
  `${HEAD}{{ title }}${TOP}{{ title }}${TABLE}{% for r in rows %}<tr class="{{ r.cls }}"><td>{{ r.id }}</td><td><a href="{{ r.url }}">{{ r.name }}</a></td><td>{{ r.email }}</td><td>{{ r.balance }}</td><td>{{ r.status }}</td></tr>{% endfor %}${END}`,
  nunjucksEnv,
);

type Piece = string | Uint8Array | readonly Piece[];
function flat(body: Piece): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString();
  let out = '';
  for (const piece of body) out += flat(piece);
  return out;
}

// What a socket write costs on top: every piece encoded to bytes, as writev() would take them.
function encode(body: Piece, out: Buffer[] = []): Buffer[] {
  if (typeof body === 'string') out.push(Buffer.from(body));
  else if (body instanceof Uint8Array) out.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  else for (const piece of body) encode(piece, out);
  return out;
}

const engines: readonly (readonly [string, () => unknown])[] = [
  ['warren html``', () => tagged(data)],
  ['warren file template', () => filePage(data)],
  ['Eta 4 (autoEscape)', () => eta.render(etaPage, data)],
  ['Nunjucks 3 (autoescape)', () => nunjucksPage.render(data)],
  ['warren html`` + bytes', () => encode(tagged(data))],
  ['warren file + bytes', () => encode(filePage(data))],
  ['Eta 4 + bytes', () => encode(eta.render(etaPage, data))],
  ['Nunjucks 3 + bytes', () => encode(nunjucksPage.render(data))],
];

// The same page from every engine (each spells the quote escapes its own way).
const same = (s: string) => s.replace(/&quot;/g, '&#34;').replace(/&#x27;/g, '&#39;');
const expected = same(flat(tagged(data)));
for (const [name, render] of engines.slice(0, 4)) {
  const out = render();
  const text = typeof out === 'string' ? out : flat(out as Piece);
  if (same(text) !== expected) throw new Error(`${name} renders a different page:\n${text.slice(0, 400)}\nvs\n${expected.slice(0, 400)}`);
}

function rate(render: () => unknown): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < RUN_MS) {
    for (let i = 0; i < 20; i++) render();
    n += 20;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

console.log(machineLine(thisMachine()));
console.log(`\n100-row table page (${expected.length} bytes), pages/s, median of ${RUNS} runs of ${RUN_MS} ms, engines interleaved:`);
const results = new Map<string, number[]>(engines.map(([name]) => [name, []]));
for (const [, render] of engines) rate(render); // warm-up
for (let run = 0; run < RUNS; run++) for (const [name, render] of engines) results.get(name)!.push(rate(render));
console.log(tableHeader('engine'));
for (const [name, runs] of results) console.log(tableRow(name, spread(runs), 'pages/s'));

// --- the XSS table --------------------------------------------------------------------

interface Node {
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
}
function elements(markup: string): { tag: string; attrs: Record<string, string> }[] {
  const out: { tag: string; attrs: Record<string, string> }[] = [];
  const walk = (node: Node): void => {
    if (node.tagName !== undefined) out.push({ tag: node.tagName, attrs: Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value])) });
    for (const child of node.childNodes ?? []) walk(child);
  };
  walk(parseFragment(markup) as unknown as Node);
  return out;
}
// What a browser's URL parser sees as the scheme (controls and spaces gone, any case).
const liveUrl = (v: string | undefined) => v !== undefined && /^[a-z]+:/i.test(v.replace(/[\x00-\x20]/g, '')) && /^(javascript|vbscript|data):/i.test(v.replace(/[\x00-\x20]/g, ''));

interface Case {
  readonly name: string;
  /** A template in kali/warren syntax with one hole {v}; the others are derived from it. */
  readonly template: string;
  readonly value: string;
  readonly live: (markup: string) => boolean;
}

const CASES: readonly Case[] = [
  { name: 'href javascript:', template: '<a href="{v}">x</a>', value: 'javascript:alert(1)', live: (m) => liveUrl(elements(m).find((e) => e.tag === 'a')?.attrs.href) },
  { name: 'href " JAVASCRIPT:"', template: '<a href="{v}">x</a>', value: ' JAVASCRIPT:alert(1)', live: (m) => liveUrl(elements(m).find((e) => e.tag === 'a')?.attrs.href) },
  { name: 'href java\\tscript:', template: '<a href="{v}">x</a>', value: 'java\tscript:alert(1)', live: (m) => liveUrl(elements(m).find((e) => e.tag === 'a')?.attrs.href) },
  { name: 'src data:', template: '<iframe src="{v}"></iframe>', value: 'data:text/html,<script>alert(1)</script>', live: (m) => liveUrl(elements(m).find((e) => e.tag === 'iframe')?.attrs.src) },
  { name: 'unquoted onmouseover', template: '<div class={v}>x</div>', value: 'x onmouseover=alert(1)', live: (m) => elements(m).some((e) => 'onmouseover' in e.attrs) },
  { name: 'on* attribute', template: '<a onmouseover="{v}">x</a>', value: 'alert(1)', live: (m) => elements(m).some((e) => e.attrs.onmouseover?.includes('alert(1)') === true) },
  { name: 'quoted "><script>', template: '<p title="{v}">x</p>', value: '"><script>alert(1)</script>', live: (m) => elements(m).some((e) => e.tag === 'script') },
  { name: 'text <script>', template: '<p>{v}</p>', value: '<script>alert(1)</script>', live: (m) => elements(m).some((e) => e.tag === 'script') },
  { name: '</script> in script data', template: '<script>var s = {v};</script>', value: '</script><script>alert(1)</script>', live: (m) => elements(m).filter((e) => e.tag === 'script').length > 1 },
  // Quotes of the value ending a JS string: the data would run as code.
  { name: "'...' string in script", template: "<script>var s = '{v}';</script>", value: "'+alert(1)+'", live: (m) => m.includes("''+alert(1)+''") || m.includes("'\"'+alert(1)+'\"'") },
];

type Verdict = string;
function verdict(render: () => string, c: Case): Verdict {
  let out: string;
  try {
    out = render();
  } catch (e) {
    return e instanceof TemplateError ? `refused (${e.code})` : `error: ${(e as Error).message.slice(0, 30)}`;
  }
  return c.live(out) ? 'LIVE' : 'safe';
}

// In a script, Eta and Nunjucks need quotes around the value; warren takes json() bare.
const quoted = (t: string) => t.includes('<script>') && !t.includes("'{v}'");
const toEta = (t: string) => t.replace('{v}', quoted(t) ? '"<%= it.v %>"' : '<%= it.v %>');
const toNunjucks = (t: string) => t.replace('{v}', quoted(t) ? '"{{ v }}"' : '{{ v }}');

console.log('\nXSS table: each payload through each engine, the output parsed with parse5 (LIVE = the attack works in a browser):');
const columns = ['Eta 4', 'Nunjucks 3', 'warren', 'warren json()'];
console.log(`  ${'case'.padEnd(28)}${columns.map((c) => c.padEnd(34)).join('')}`);
const xss: { case: string; verdicts: Record<string, string> }[] = [];
for (const c of CASES) {
  const cells = [
    verdict(() => eta.renderString(toEta(c.template), { v: c.value }), c),
    verdict(() => nunjucks.renderString(toNunjucks(c.template), { v: c.value }), c),
    verdict(() => flat(template(c.template)({ v: c.value })), c),
    c.template.includes('<script>') ? verdict(() => flat(template(c.template)({ v: json(c.value) })), c) : '',
  ];
  console.log(`  ${c.name.padEnd(28)}${cells.map((v) => v.padEnd(34)).join('')}`);
  xss.push({ case: c.name, verdicts: Object.fromEntries(columns.map((column, i) => [column, cells[i]!])) });
}
console.log('  (warren: html`` follows the same rules as file templates; "refused" is a TemplateError, at compile time except script-needs-json, which a value raises at render)');

rmSync(dir, { recursive: true, force: true });
if (jsonPath !== null) {
  const report = { bench: 'templates', mode: quick ? 'quick' : 'full', commit: gitCommit(), machine: thisMachine(), pageBytes: expected.length, rows: [...results].map(([name, runs]) => ({ name, runs })), xss };
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
}
