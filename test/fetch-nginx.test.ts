// createFetch against a real nginx, over TCP and over a Unix socket: its static files with
// Content-Length, gzip on the fly (chunked), redirects (followed, manual, 303 after POST),
// a POST body through to a warren backend and its chunked answer back.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, createFetch, type WarrenFetch } from '../src/index.js';
import { nginxSkipReason, startNginx, type RunningNginx } from './lib/nginx.js';

const skip = nginxSkipReason();
if (skip !== null) console.log(`# skipping createFetch against nginx: ${skip}`);

const TEXT = 'warren and nginx\n'.repeat(4096);

describe('createFetch against nginx', { skip: skip ?? false, timeout: 60_000 }, () => {
  let dir = '';
  let nginx: RunningNginx | null = null;
  let backend: Server | null = null;
  const fetches: WarrenFetch[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warren-fetch-nginx-'));
    writeFileSync(join(dir, 'big.txt'), TEXT);
    // The backend answers a POST with its body, upper-cased, in chunks.
    backend = await new Server(join(dir, 'backend.sock'), async (_s, request) => {
      const text = request.body === null ? '' : await request.body.text();
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: (async function* () { yield `${request.method} `; yield text.toUpperCase(); })() };
    }).listen();
    nginx = await startNginx(
      (port) => `
  server {
    listen 127.0.0.1:${port};
    listen unix:${join(dir, 'nginx.sock')};
    root ${dir};
    location = /hello { default_type text/plain; return 200 "hello from nginx"; }
    location = /moved { return 302 /hello; }
    location = /gone { return 301 /hello; }
    location = /see { return 303 /hello; }
    location /gz/ { alias ${dir}/; gzip on; gzip_types text/plain; gzip_min_length 1; gzip_proxied any; }
    location /app/ { proxy_pass http://unix:${join(dir, 'backend.sock')}:/; proxy_http_version 1.1; }
  }`,
    );
  });

  after(async () => {
    for (const f of fetches) await f.close();
    await nginx?.stop();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const where of ['tcp', 'unix'] as const) {
    test(`over ${where}: static, gzip, redirects, a POST through to a backend`, async () => {
      const fetch = createFetch(where === 'tcp' ? ['127.0.0.1', nginx!.port] : join(dir, 'nginx.sock'));
      fetches.push(fetch);
      const base = where === 'tcp' ? `http://127.0.0.1:${nginx!.port}` : 'http://localhost';
      const hello = await fetch(`${base}/hello`);
      assert.equal(hello.status, 200);
      assert.match(hello.headers.get('server') ?? '', /^nginx/);
      assert.equal(await hello.text(), 'hello from nginx');

      const big = await fetch(`${base}/big.txt`);
      assert.equal(big.headers.get('content-length'), String(TEXT.length));
      assert.equal(await big.text(), TEXT);

      const gz = await fetch(`${base}/gz/big.txt`);
      assert.equal(gz.headers.get('content-encoding'), 'gzip');
      assert.equal(await gz.text(), TEXT);

      const moved = await fetch(`${base}/moved`);
      assert.equal(moved.redirected, true);
      assert.equal(moved.url, `${base}/hello`);
      assert.equal(await moved.text(), 'hello from nginx');
      const manual = await fetch(`${base}/gone`, { redirect: 'manual' });
      assert.equal(manual.status, 301);
      assert.equal(manual.headers.get('location'), `${where === 'tcp' ? base : 'http://localhost'}/hello`);
      await manual.body?.cancel();
      await assert.rejects(fetch(`${base}/moved`, { redirect: 'error' }), TypeError);
      const seen = await fetch(`${base}/see`, { method: 'POST', body: 'dropped' });
      assert.equal(seen.url, `${base}/hello`);
      assert.equal(await seen.text(), 'hello from nginx');

      const posted = await fetch(`${base}/app/echo`, { method: 'POST', body: 'through nginx' });
      assert.equal(posted.status, 200);
      assert.equal(await posted.text(), 'POST THROUGH NGINX');
    });
  }
});
