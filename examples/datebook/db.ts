// The datebook's data: contacts, tasks with due dates and a contact, and attachments
// (their bytes are files beside the database, streamed in and out, never held whole).
// Every query is a prepared statement with parameters: no SQL is built from input.

import { openDatabase, transaction } from 'warren/app';

/** A contact. */
export interface Contact {
  readonly id: number;
  readonly name: string;
  readonly email: string;
}

/** A task, with its contact's name when it has one. */
export interface Task {
  readonly id: number;
  readonly title: string;
  readonly due: string | null;
  readonly priority: number;
  readonly contact_id: number | null;
  readonly contact: string | null;
  readonly done: number;
  readonly notes: string;
}

/** An attachment's record; its bytes are in the attachments folder under its id. */
export interface Attachment {
  readonly id: number;
  readonly task_id: number;
  readonly filename: string;
  readonly type: string;
  readonly size: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS contact (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS task (
  id INTEGER PRIMARY KEY, title TEXT NOT NULL, due TEXT, priority INTEGER NOT NULL DEFAULT 2,
  contact_id INTEGER REFERENCES contact(id), done INTEGER NOT NULL DEFAULT 0, notes TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS attachment (
  id INTEGER PRIMARY KEY, task_id INTEGER NOT NULL REFERENCES task(id), filename TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL);
`;

/** The datebook's database, opened (and made, the first time) at `file`. */
export function openDatebook(file: string) {
  const db = openDatabase(file);
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(SCHEMA);
  const q = {
    tasks: db.prepare('SELECT task.*, contact.name AS contact FROM task LEFT JOIN contact ON contact.id = task.contact_id ORDER BY task.done, task.due IS NULL, task.due, task.id'),
    task: db.prepare('SELECT task.*, contact.name AS contact FROM task LEFT JOIN contact ON contact.id = task.contact_id WHERE task.id = ?'),
    addTask: db.prepare('INSERT INTO task (title, due, priority, contact_id, notes) VALUES (?, ?, ?, ?, ?)'),
    editTask: db.prepare('UPDATE task SET title = ?, due = ?, priority = ?, contact_id = ?, notes = ? WHERE id = ?'),
    toggle: db.prepare('UPDATE task SET done = 1 - done WHERE id = ?'),
    contacts: db.prepare('SELECT * FROM contact ORDER BY name'),
    contact: db.prepare('SELECT * FROM contact WHERE id = ?'),
    contactByName: db.prepare('SELECT * FROM contact WHERE name = ?'),
    addContact: db.prepare('INSERT INTO contact (name, email) VALUES (?, ?)'),
    attachments: db.prepare('SELECT * FROM attachment WHERE task_id = ? ORDER BY id'),
    attachment: db.prepare('SELECT * FROM attachment WHERE id = ?'),
    addAttachment: db.prepare('INSERT INTO attachment (task_id, filename, type, size) VALUES (?, ?, ?, ?)'),
  };
  return {
    db,
    tasks: () => q.tasks.all() as unknown as Task[],
    task: (id: number) => q.task.get(id) as Task | undefined,
    addTask: (t: Omit<Task, 'id' | 'done' | 'contact'>) => Number(q.addTask.run(t.title, t.due, t.priority, t.contact_id, t.notes).lastInsertRowid),
    editTask: (id: number, t: Omit<Task, 'id' | 'done' | 'contact'>) => q.editTask.run(t.title, t.due, t.priority, t.contact_id, t.notes, id),
    toggle: (id: number) => q.toggle.run(id).changes > 0,
    contacts: () => q.contacts.all() as unknown as Contact[],
    contact: (id: number) => q.contact.get(id) as Contact | undefined,
    contactByName: (name: string) => q.contactByName.get(name) as Contact | undefined,
    addContact: (c: Omit<Contact, 'id'>) => Number(q.addContact.run(c.name, c.email).lastInsertRowid),
    attachments: (taskId: number) => q.attachments.all(taskId) as unknown as Attachment[],
    attachment: (id: number) => q.attachment.get(id) as Attachment | undefined,
    addAttachment: (a: Omit<Attachment, 'id'>) => Number(q.addAttachment.run(a.task_id, a.filename, a.type, a.size).lastInsertRowid),
    /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
    atomically: <T>(fn: () => T): T => transaction(db, fn),
    close: () => db.close(),
  };
}

/** The datebook's data access. */
export type Datebook = ReturnType<typeof openDatebook>;
