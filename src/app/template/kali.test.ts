// kali's own template examples, rewritten in this syntax, render to the HTML kali's would:
// the simple_task_list demo (inline templates, {.body}, a user formatter :class) and the
// datebook's folder (<extend>page with <?title?> and <?body?>, <loop> files with begin,
// end and else, and an <include>). As kali's, each section is stripped, so rows follow each
// other with no newline between. Plus what kali got wrong: an array of user strings is
// escaped here, not inserted raw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flat } from '../../../test/lib/html-tree.js';
import { html, template, templates } from '../index.js';

test('simple_task_list: the page, the task list with :class, the empty list and the edit form', () => {
  const page = template('<!DOCTYPE html>\n<html><head><title>Simple Task List</title>\n<style>.done { text-decoration: line-through; }</style></head>\n<body>{.body}</body></html>\n');
  const list = template(
    `<loop><ul>
<?begin?><li class="{done:class}"><a href="/task/{id}/toggle">{text}</a> <a href="/task/{id}/edit">edit</a></li>
<?end?></ul><p><a href="/new">Add a task</a></p>
<?else?><p>Nothing to do. <a href="/new">Add a task</a></p>
</loop>`,
    { formatters: { ':class': (done) => (done ? 'done' : 'pending') } },
  );
  const edit = template('<form method="POST" action="/task/{id}/edit"><input name="text" value="{text}"><button>Save</button></form>');
  const tasks = [
    { id: 1, text: 'Buy milk', done: true },
    { id: 2, text: 'Fix <blink> tag', done: false },
  ];
  assert.equal(
    flat(page({ body: list.loop(tasks) })),
    '<!DOCTYPE html>\n<html><head><title>Simple Task List</title>\n<style>.done { text-decoration: line-through; }</style></head>\n' +
      '<body><ul><li class="done"><a href="/task/1/toggle">Buy milk</a> <a href="/task/1/edit">edit</a></li>' +
      '<li class="pending"><a href="/task/2/toggle">Fix &lt;blink&gt; tag</a> <a href="/task/2/edit">edit</a></li>' +
      '</ul><p><a href="/new">Add a task</a></p></body></html>\n',
  );
  assert.equal(flat(list.loop([])), '<p>Nothing to do. <a href="/new">Add a task</a></p>');
  assert.equal(flat(edit({ id: 2, text: 'say "hi"' })), '<form method="POST" action="/task/2/edit"><input name="text" value="say &#34;hi&#34;"><button>Save</button></form>');
});

const DATEBOOK: Record<string, string> = {
  'page.html': `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title} - Datebook</title>
<link rel="stylesheet" href="https://www.w3schools.com/w3css/4/w3.css">
</head>
<body>
<div class="w3-bar w3-blue"><a href="/" class="w3-bar-item w3-button">Datebook</a><a href="/contact/" class="w3-bar-item w3-button">Contacts</a></div>
<div class="w3-container">
<h1>{title}</h1>
{.body}
</div>
</body>
</html>
`,
  'contacts.html': `<extend>page
<?title?>Contacts
<?body?>
<p><a href="/contact/new" class="w3-button w3-green">New contact</a></p>
<include>contact_rows
</extend>
`,
  'contact_rows.html': `<loop><table class="w3-table w3-striped">
<tr><th>Name</th><th>Phone</th></tr>
<?begin?><tr><td><a href="/contact/{contact_id}">{name}</a></td><td>{phone}</td></tr>
<?end?></table>
<?else?><p>No contacts yet.</p>
</loop>
`,
  'agenda.html': `<extend>page
<?title?>Agenda for {user}
<?body?>{.appointments}
</extend>
`,
  'appointments.html': `<loop><ul class="w3-ul">
<?begin?><li>{when}: {what} with <a href="{link}">{contact.name}</a> ({cost:cents})</li>
<?end?></ul>
</loop>
`,
};

const PAGE_TOP = (title: string) =>
  `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title} - Datebook</title>\n<link rel="stylesheet" href="https://www.w3schools.com/w3css/4/w3.css">\n</head>\n<body>\n` +
  `<div class="w3-bar w3-blue"><a href="/" class="w3-bar-item w3-button">Datebook</a><a href="/contact/" class="w3-bar-item w3-button">Contacts</a></div>\n<div class="w3-container">\n<h1>${title}</h1>\n`;
const PAGE_BOTTOM = '\n</div>\n</body>\n</html>\n';

function folder(files: Record<string, string>): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'warren-templates-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test('datebook: <extend>page with <?title?> and <?body?>, an <include>d <loop> with begin, end and else', () => {
  using views = folder(DATEBOOK);
  const load = templates(views.dir);
  const contacts = load('contacts');
  const rows = [
    { contact_id: 1, name: 'Ada Lovelace', phone: '555-0101' },
    { contact_id: 2, name: "Bob O'Brien", phone: '' },
  ];
  assert.equal(
    flat(contacts({ items: rows })),
    PAGE_TOP('Contacts') +
      '<p><a href="/contact/new" class="w3-button w3-green">New contact</a></p>\n' +
      '<table class="w3-table w3-striped">\n<tr><th>Name</th><th>Phone</th></tr>' +
      '<tr><td><a href="/contact/1">Ada Lovelace</a></td><td>555-0101</td></tr>' +
      '<tr><td><a href="/contact/2">Bob O&#39;Brien</a></td><td></td></tr>' +
      '</table>' +
      PAGE_BOTTOM,
  );
  assert.equal(flat(contacts({ items: [] })), `${PAGE_TOP('Contacts')}<p><a href="/contact/new" class="w3-button w3-green">New contact</a></p>\n<p>No contacts yet.</p>${PAGE_BOTTOM}`);
});

test('datebook: a section sees the caller\'s fields, a loop row sees its own over them, {a.b} and :cents', () => {
  using views = folder(DATEBOOK);
  const load = templates(views.dir);
  const appointments = load('appointments').loop(
    [
      { when: '09:00', what: 'Tea', link: '/contact/1', contact: { name: 'Ada' }, cost: 3.5 },
      { when: '10:00', what: '<Lunch>', link: 'javascript:alert(1)', contact: { name: 'Bob' }, cost: 1234 },
    ],
    { user: 'ignored in rows' },
  );
  assert.equal(
    flat(load('agenda')({ user: 'Kim & Lee', appointments })),
    PAGE_TOP('Agenda for Kim &amp; Lee') +
      '<ul class="w3-ul"><li>09:00: Tea with <a href="/contact/1">Ada</a> (3.50)</li><li>10:00: &lt;Lunch&gt; with <a href="#">Bob</a> (1,234.00)</li></ul>' +
      PAGE_BOTTOM,
  );
});

test('where kali inserted an array of user strings raw, warren escapes each item', () => {
  const list = template('<p>{names}</p>');
  assert.equal(flat(list({ names: ['<script>alert(1)</script>', ' & '] })), '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; </p>');
  assert.equal(flat(html`<p>${['<i>', html`<b>${'<u>'}</b>`]}</p>`), '<p>&lt;i&gt;<b>&lt;u&gt;</b></p>');
});
