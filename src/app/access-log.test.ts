// The Common Log Format access log: lines built from a session and a request (exact text,
// escaping, dates in UTC and the local zone), and accessLog() around real servers: serve()'s
// option over TCP, a bare Server over a Unix socket, bodies of known and unknown length, HEAD,
// refusals and an app that throws.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, Fields, Server, ServerRequest, Session, type App } from '../index.js';
import { accessLog, clfDate, commonLogLine } from './access-log.js';
import { serve } from './serve.js';
import { text } from './response.js';

const request = (method: string, uri: string, version: '1.0' | '1.1' = '1.1'): ServerRequest => new ServerRequest(method, uri, version, new Fields([['Host', 'x']]), null);
const when = new Date(Date.UTC(2000, 9, 10, 20, 55, 36));

test('a line: host ident authuser [date] "request line" status bytes', () => {
  const session = new Session(['192.0.2.7', 50123]);
  assert.equal(commonLogLine(session, request('GET', '/a?b=1'), when, 200, 2326, null, true), '192.0.2.7 - - [10/Oct/2000:20:55:36 +0000] "GET /a?b=1 HTTP/1.1" 200 2326');
  assert.equal(commonLogLine(session, request('POST', '/', '1.0'), when, 204, 0, 'frank', true), '192.0.2.7 - frank [10/Oct/2000:20:55:36 +0000] "POST / HTTP/1.0" 204 -');
  assert.equal(commonLogLine(new Session(['::1', 1]), request('GET', '/'), when, 404, null, null, true), '::1 - - [10/Oct/2000:20:55:36 +0000] "GET / HTTP/1.1" 404 -');
  assert.equal(commonLogLine(new Session('/run/app.sock'), request('GET', '/'), when, 200, 5, null, true), '- - - [10/Oct/2000:20:55:36 +0000] "GET / HTTP/1.1" 200 5', 'a Unix socket peer has no address');
});

test('text from the peer cannot end a field or break the line', () => {
  const session = new Session(['192.0.2.7', 1]);
  const line = commonLogLine(session, request('GET', '/"x" 200 1\n\\é'), when, 200, 1, 'a b"c', true);
  assert.equal(line, '192.0.2.7 - a\\x20b\\x22c [10/Oct/2000:20:55:36 +0000] "GET /\\x22x\\x22 200 1\\x0A\\x5C\\xE9 HTTP/1.1" 200 1');
  assert.equal(commonLogLine(session, request('GET', '/\u{1F600}'), when, 200, 1, null, true).includes('/\\xF0\\x9F\\x98\\x80 '), true, 'past Latin-1, the UTF-8 bytes');
});

test('dates in the local zone carry its offset', () => {
  const local = clfDate(when);
  const match = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(local);
  assert.ok(match, local);
  const [, day, month, year, hours, minutes, seconds, sign, zoneHours, zoneMinutes] = match;
  const offset = (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const asUtc = Date.UTC(Number(year), ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(month!), Number(day), Number(hours), Number(minutes), Number(seconds)) - offset * 60_000;
  assert.equal(asUtc, when.getTime(), `${local} is the same instant`);
  assert.equal(offset, 0 - when.getTimezoneOffset());
  // Node takes a TZ changed at run time: a zone half an hour off, east and west.
  const saved = process.env['TZ'];
  try {
    process.env['TZ'] = 'Asia/Kolkata';
    assert.equal(clfDate(when), '11/Oct/2000:02:25:36 +0530');
    process.env['TZ'] = 'America/St_Johns';
    assert.equal(clfDate(when), '10/Oct/2000:18:25:36 -0230', 'Newfoundland daylight time in October 2000');
  } finally {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  }
  assert.equal(clfDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), true), '02/Jan/2026:03:04:05 +0000');
});

test('serve({ accessLog }): a line per request, refusals and error pages included', async () => {
  const lines: string[] = [];
  const served = await serve(
    (_session, req) => {
      if (req.path[0] === 'boom') throw new Error('boom');
      if (req.path[0] === 'stream') return { status: 200, body: (async function* () { yield 'a'; yield 'b'; })() };
      return text('hello, log');
    },
    { quiet: true, onError: () => {}, accessLog: { write: (line) => lines.push(line), utc: true } },
  );
  const conn = await new Client(served.address).connect();
  try {
    const read = async (method: string, uri: string, headers = {}): Promise<number> => {
      const response = await conn.request(method, uri, headers);
      await response.body?.bytes();
      return response.status;
    };
    assert.equal(await read('GET', '/hi?x=1'), 200);
    assert.equal(await read('HEAD', '/hi'), 200);
    assert.equal(await read('GET', '/stream'), 200);
    assert.equal(await read('GET', '/boom'), 500);
    assert.equal(await read('GET', '/', { host: 'evil.example' }), 421);
    assert.equal(lines.length, 5, lines.join('\n'));
    const shape = /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "([^"]*)" (\d{3}) (-|\d+)$/;
    const parsed = lines.map((line) => {
      const match = shape.exec(line);
      assert.ok(match, line);
      return [match[1], match[2], match[3]];
    });
    assert.deepEqual(parsed.slice(0, 3), [
      ['GET /hi?x=1 HTTP/1.1', '200', String(Buffer.byteLength('hello, log'))],
      ['HEAD /hi HTTP/1.1', '200', '-'],
      ['GET /stream HTTP/1.1', '200', '-'],
    ]);
    assert.deepEqual(parsed.slice(3).map(([line, status]) => [line, status]), [['GET /boom HTTP/1.1', '500'], ['GET / HTTP/1.1', '421']]);
    assert.match(parsed[3]![2]!, /^\d+$/, 'the error page has a length');
  } finally {
    conn.close();
    await served.close();
  }
});

test('accessLog(app) around a Server on a Unix socket: an app that throws is logged 500', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-access-'));
  const lines: string[] = [];
  const app: App = async (_session, req) => {
    if (req.path[0] === 'boom') throw new Error('boom');
    return { status: 201, body: ['io', Buffer.from('list'), ['!']] };
  };
  const server = await new Server(join(dir, 's.sock'), accessLog(app, { write: (line) => lines.push(line), user: (_s, req) => req.headers['x-user'] as string | undefined ?? null }), { onError: () => {} }).listen();
  const conn = await new Client(server.address).connect();
  try {
    const ok = await conn.get('/', { 'x-user': 'ann' });
    assert.equal(await ok.body!.text(), 'iolist!');
    const failed = await conn.get('/boom');
    await failed.body?.bytes();
    assert.equal(failed.status, 500);
    assert.match(lines[0]!, /^- - ann \[[^\]]+\] "GET \/ HTTP\/1\.1" 201 7$/);
    assert.match(lines[1]!, /^- - - \[[^\]]+\] "GET \/boom HTTP\/1\.1" 500 -$/);
    assert.equal(lines.length, 2);
  } finally {
    conn.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('misuse is refused with a sentence', () => {
  assert.throws(() => accessLog(null as unknown as App), /accessLog\(app, options\) takes an app/);
  assert.throws(() => accessLog(() => ({ status: 200 }), { write: 'stdout' as unknown as () => void }), /option write is a function/);
});
