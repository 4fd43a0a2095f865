// The README's 30-line localhost app: a router, an html`` page, a form that shows a bad
// entry again with its message, SQLite with the transaction guard, served one handler at
// a time on 127.0.0.1 with the localhost defaults. `node dist/examples/notes.js [FILE]`
// (default: an in-memory database); WARREN_DEMO_ONCE=1 posts one bad and one good note.

import { Client } from 'warren';
import { Router, defineForm, field, form, guardTransactions, html, openDatabase, redirect, renderForm, serve, transaction } from 'warren/app';

const db = openDatabase(process.argv[2] ?? ':memory:');
db.exec('CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, text TEXT NOT NULL, due TEXT)');
const noteForm = defineForm({ text: field.text({ label: 'Note', maxLength: 200 }), due: field.nullable(field.date({ label: 'Due' })) });

const page = (state = noteForm.blank()) => html`<!doctype html><title>Notes</title>
<ul>${db.prepare('SELECT text, due FROM note ORDER BY id').all().map((n) => html`<li>${n['text']} <small>${n['due']}</small>`)}</ul>
${renderForm(noteForm, state)}`;

const app = new Router();
app.get('/', () => page());
app.post('/', async (_session, request) => {
  const read = await noteForm.read((await form(request)).fields);
  if (!read.ok) return page(read.state);
  transaction(db, () => db.prepare('INSERT INTO note (text, due) VALUES (?, ?)').run(read.value.text, read.value.due));
  return redirect('/');
});

const served = await serve(guardTransactions(db, app), { serial: true }); // prints http://127.0.0.1:PORT/

if (process.env['WARREN_DEMO_ONCE'] === '1') {
  const conn = await new Client(served.address).connect();
  const post = async (body: string) => (await conn.post('/', { 'content-type': 'application/x-www-form-urlencoded' }, body)).status;
  const bad = await conn.post('/', { 'content-type': 'application/x-www-form-urlencoded' }, 'text=<b>hi</b>&due=2026-13-01');
  console.log(`bad note -> ${bad.status}: ${/class="error"[^>]*>([^<]*)/.exec((await bad.body?.text()) ?? '')?.[1]}`);
  console.log(`good note -> ${await post('text=<b>hi</b>&due=2026-12-31')}`);
  console.log(`list -> ${/<ul>.*<\/ul>/.exec((await (await conn.get('/')).body?.text()) ?? '')?.[0]}`);
  conn.close();
  await served.close();
}
