// The main demo (npm start): kali's datebook and task list as a localhost web app. It keeps
// its SQLite database and attachments in WARREN_DEMO_DATA (default: a folder in the system
// temp dir), prints its URL and serves until Ctrl-C.
//
// WARREN_DEMO_ONCE=1 (the tests use it): instead of waiting, it runs a scripted session
// with warren's client (a contact, a task with a bad date shown again, the task fixed, an
// attachment up and down, a rebinding attempt refused), prints each step and exits 0.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type ClientConnection } from 'warren';
import { serve } from 'warren/app';
import { datebookApp } from './app.js';
import { openDatebook } from './db.js';

const once = process.env['WARREN_DEMO_ONCE'] === '1';
// A scripted run gets a fresh folder; a served one keeps its data between runs.
const data = once ? mkdtempSync(join(tmpdir(), 'warren-datebook-')) : (process.env['WARREN_DEMO_DATA'] ?? join(tmpdir(), 'warren-datebook'));
mkdirSync(join(data, 'attachments'), { recursive: true });
// Compiled to dist/examples/datebook/, the templates and CSS stay in examples/datebook/.
const source = fileURLToPath(new URL('../../../examples/datebook/', import.meta.url));
const port = Number(process.env['PORT'] ?? (once ? 0 : 8642));

const book = openDatebook(join(data, 'datebook.sqlite'));
const app = datebookApp(book, { attachments: join(data, 'attachments'), templates: join(source, 'templates'), static: join(source, 'static') }, { dev: !once });
const served = await serve(app, { port, serial: true, quiet: once, dev: !once });

if (!once) {
  console.log(`datebook: data in ${data}\nserving until Ctrl-C`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
} else {
  const conn = await new Client(served.address).connect();
  try {
    await script(conn);
  } finally {
    conn.close();
  }
  console.log('datebook demo done');
}
await served.close();
book.close();
if (once) rmSync(data, { recursive: true, force: true });

async function script(conn: ClientConnection): Promise<void> {
  const say = async (method: string, uri: string, headers: Record<string, string> = {}, body: string | Uint8Array | null = null) => {
    const response = await conn.request(method, uri, headers, body);
    const text = (await response.body?.text()) ?? '';
    console.log(`${method} ${uri} -> ${response.status}${response.headers['location'] ? ` ${response.headers['location']}` : ''}`);
    return { status: response.status, headers: response.headers, text };
  };
  const post = (uri: string, fields: Record<string, string>) =>
    say('POST', uri, { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(fields).toString());

  assert.match((await say('GET', '/')).text, /No tasks yet/);
  assert.equal((await post('/contacts/new', { name: 'Ada Lovelace', email: 'ada@example.org' })).status, 303);
  const taken = await post('/contacts/new', { name: 'Ada Lovelace', email: '' });
  assert.match(taken.text, /is in your contacts already\./);

  const bad = await post('/tasks/new', { title: 'Write <the> report', due: '2026-02-30', priority: '1', contact_id: '1', notes: '' });
  assert.equal(bad.status, 200);
  assert.match(bad.text, /is not a date/);
  assert.match(bad.text, /value="2026-02-30"/);
  assert.match(bad.text, /value="Write &lt;the&gt; report"/);
  console.log('  the bad date is shown again as typed, with its message');

  assert.equal((await post('/tasks/new', { title: 'Write <the> report', due: '2026-12-24', priority: '1', contact_id: '1', notes: '' })).status, 303);
  const list = await say('GET', '/');
  assert.match(list.text, /Write &lt;the&gt; report/);
  assert.match(list.text, /Ada Lovelace/);

  const boundary = 'datebook-demo-boundary';
  const content = 'attached bytes\n';
  const upload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  assert.equal((await say('POST', '/tasks/1/attachments', { 'content-type': `multipart/form-data; boundary=${boundary}` }, upload)).status, 303);
  const task = await say('GET', '/tasks/1');
  assert.match(task.text, /href="\/attachments\/1\/notes\.txt"/);
  const download = await say('GET', '/attachments/1/notes.txt');
  assert.equal(download.text, content);
  console.log('  the attachment came back byte for byte');

  assert.equal((await say('POST', '/tasks/1/done')).status, 303);
  assert.match((await say('GET', '/')).text, /<tr class="done">/);
  assert.match((await say('GET', '/static/style.css')).headers['content-type'] as string, /^text\/css/);
  assert.equal((await say('GET', '/', { host: 'evil.example' })).status, 421);
  console.log('  a request for another host name (DNS rebinding) is refused');
}
