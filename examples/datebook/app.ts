// kali's datebook and task list in one warren/app: tasks with due dates, a priority and a
// contact picked from the contacts, forms that show a bad entry again with its message,
// attachments uploaded as multipart (streamed to disk) and downloaded back, static CSS,
// file templates with a layout. Handlers run one at a time (serve's serial mode), and the
// guard rolls back any transaction a handler leaves open.

import { createReadStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BodyIter } from 'warren';
import {
  HttpError, Router, defineForm, field, form, guardTransactions, notFound, redirect, renderForm, staticFiles, templates,
  type Handler, type FormState, type Form, type FormFields,
} from 'warren/app';
import type { Datebook } from './db.js';

/** Where the datebook keeps its files. */
export interface DatebookDirs {
  /** Attachments, one file per id. */
  readonly attachments: string;
  /** The templates (`*.html`) and the static folder. */
  readonly templates: string;
  readonly static: string;
}

const PRIORITIES = [[1, 'high'], [2, 'normal'], [3, 'low']] as const;

const contactForm = defineForm({
  name: field.text({ label: 'Name', maxLength: 80 }),
  email: field.text({ label: 'Email', required: false, maxLength: 200, attributes: { type: 'email', autocomplete: 'off' } }),
});

/** The task form: its contact picker lists the contacts there are now. */
function taskForm(book: Datebook) {
  const contacts = book.contacts().map((c) => [c.id, c.name] as const);
  return defineForm({
    title: field.text({ label: 'Title', maxLength: 120 }),
    due: field.nullable(field.date({ label: 'Due (YYYY-MM-DD)' })),
    priority: field.choice(PRIORITIES, { label: 'Priority' }),
    contact_id: field.nullable(field.choice(contacts, { label: 'Contact' })),
    notes: field.text({ label: 'Notes', required: false, multiline: true, maxLength: 2000 }),
  });
}

/** The datebook as a handler: a Router behind the transaction guard. */
export function datebookApp(book: Datebook, dirs: DatebookDirs, options: { readonly dev?: boolean } = {}): Handler {
  const page = templates(dirs.templates, { dev: options.dev ?? false });
  const app = new Router();
  const id = (text: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0) throw new HttpError(404, 'no-such-record', `There is no record ${text}.`);
    return n;
  };
  const show = <F extends FormFields>(title: string, f: Form<F, unknown>, state: FormState<F>, extra = {}) =>
    page('form')({ title, form: renderForm(f, state), ...extra });

  app.get('/', () => {
    const tasks = book.tasks().map((t) => ({ ...t, state: t.done ? 'done' : 'open', action: t.done ? 'Reopen' : 'Done', due: t.due ?? '', contact: t.contact ?? '', priority: PRIORITIES.find(([p]) => p === t.priority)?.[1] ?? '' }));
    return page('tasks')({ title: 'Tasks', rows: page('task-rows').loop(tasks), count: tasks.filter((t) => !t.done).length });
  });

  app.get('/tasks/new', () => {
    const f = taskForm(book);
    return show('New task', f, f.from({ priority: 2 }));
  });
  app.post('/tasks/new', async (_session, request) => {
    const f = taskForm(book);
    const read = await f.read((await form(request)).fields);
    if (!read.ok) return show('New task', f, read.state);
    book.atomically(() => book.addTask(read.value));
    return redirect('/');
  });

  app.get('/tasks/:id', (_session, request) => {
    const task = book.task(id(request.params.id));
    if (task === undefined) return notFound(`There is no task ${request.params.id}.`);
    const f = taskForm(book);
    return editPage(task.id, f, f.from(task));
  });
  app.post('/tasks/:id', async (_session, request) => {
    const task = book.task(id(request.params.id));
    if (task === undefined) return notFound(`There is no task ${request.params.id}.`);
    const f = taskForm(book);
    const read = await f.read((await form(request)).fields);
    if (!read.ok) return editPage(task.id, f, read.state);
    book.atomically(() => book.editTask(task.id, read.value));
    return redirect('/');
  });
  const editPage = <F extends FormFields>(taskId: number, f: Form<F, unknown>, state: FormState<F>) =>
    page('task')({ title: 'Edit task', id: taskId, form: renderForm(f, state), attachments: page('attachment-rows').loop(book.attachments(taskId)) });

  app.post('/tasks/:id/done', (_session, request) => {
    if (!book.atomically(() => book.toggle(id(request.params.id)))) return notFound();
    return redirect('/');
  });

  // The upload streams to a temp file (form() never holds a file whole), then moves in.
  app.post('/tasks/:id/attachments', async (_session, request) => {
    const task = book.task(id(request.params.id));
    if (task === undefined) return notFound();
    const body = await form(request, { maxFiles: 1, maxFileBytes: 64 * 1024 * 1024 });
    try {
      const file = body.files.get('file');
      if (file === null || file.path === null || file.filename === '') throw new HttpError(400, 'no-file', 'Choose a file to attach first.');
      const attachmentId = book.atomically(() => book.addAttachment({ task_id: task.id, filename: file.filename, type: file.contentType, size: file.size }));
      await rename(file.path, join(dirs.attachments, String(attachmentId)));
      return redirect(`/tasks/${task.id}`);
    } finally {
      await body.cleanup();
    }
  });

  app.get('/attachments/:id/:name', async (_session, request) => {
    const a = book.attachment(id(request.params.id));
    if (a === undefined || a.filename !== request.params.name) return notFound();
    const path = join(dirs.attachments, String(a.id));
    const { size } = await stat(path);
    return {
      status: 200,
      headers: { 'content-type': a.type, 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`, 'x-content-type-options': 'nosniff' },
      body: new BodyIter(createReadStream(path), size),
    };
  });

  app.get('/contacts', () => page('contacts')({ title: 'Contacts', rows: page('contact-rows').loop(book.contacts()) }));
  app.get('/contacts/new', () => show('New contact', contactForm, contactForm.blank()));
  app.post('/contacts/new', async (_session, request) => {
    const read = await contactForm.read((await form(request)).fields);
    if (!read.ok) return show('New contact', contactForm, read.state);
    if (book.contactByName(read.value.name) !== undefined) return show('New contact', contactForm, read.state.withErrors({ name: 'is in your contacts already.' }));
    book.atomically(() => book.addContact(read.value));
    return redirect('/contacts');
  });

  app.mount('/static', staticFiles(dirs.static));
  return guardTransactions(book.db, app);
}
