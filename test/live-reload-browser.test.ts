// examples/live-reload.ts in a real browser (Debian's Chromium through playwright-core):
// the page opens its WebSocket, an edit of the watched file reloads it with the new
// content; a page on another origin cannot open that WebSocket (cross-origin protection).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Server } from '../src/index.js';
import { liveReload, type LiveReload } from '../examples/live-reload.js';
import { browserMissing, launchChromium } from './lib/browser.js';

const missing = browserMissing();
let folder: string;
let app: LiveReload;
let browser: Browser;

before(async () => {
  if (missing) return;
  folder = mkdtempSync(join(tmpdir(), 'warren-live-'));
  writeFileSync(join(folder, 'index.html'), '<h1>first</h1>');
  app = await liveReload(folder, { quiet: true });
  browser = await launchChromium();
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await app?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Waits (bounded) until `ready` holds. */
async function until(ready: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('an edit of the watched file reloads the open page with the new content', { skip: missing ?? false }, async () => {
  const page = await browser.newPage();
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto(app.url);
  assert.equal(await page.textContent('h1'), 'first');
  await until(() => app.pages === 1, 'the page to open its WebSocket');
  writeFileSync(join(folder, 'index.html'), '<h1>second</h1>');
  await page.waitForFunction("document.querySelector('h1')?.textContent === 'second'", undefined, { timeout: 5000 });
  assert.ok(loads >= 2, `the page loaded ${loads} time(s)`);
  await until(() => app.pages === 1, 'the reloaded page to open its WebSocket again');
  await page.close();
  await until(() => app.pages === 0, 'the closed page to close its WebSocket');
});

test('a page on another origin cannot open the WebSocket: the handshake gets 403', { skip: missing ?? false }, async () => {
  // Another origin on this machine: another port.
  const other = await new Server(['127.0.0.1', 0], () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<p>elsewhere</p>' })).listen();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(other.address as [string, number])[1]}/`);
  const live = app.url.replace('http:', 'ws:') + 'live';
  const outcome = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => resolve('open');
        socket.onerror = () => resolve('refused');
      }),
    live,
  );
  assert.equal(outcome, 'refused');
  assert.equal(app.pages, 0);
  await page.close();
  await other.close();
});
