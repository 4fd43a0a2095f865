// serve() as curl sees it: the security defaults and the error pages from a client that is
// not warren's. Skipped, with the reason printed, where curl is not installed.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { serve, type ServeOptions } from './serve.js';
import type { Handler } from './response.js';

const curlMissing = spawnSync('curl', ['--version']).error === undefined ? null : 'curl is not installed here';

/** curl's answer: the status and the body. */
function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', ...args], { timeout: 15_000 }, (error, stdout) => {
      if (error) return reject(error);
      const cut = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

async function withServe(handler: Handler, options: ServeOptions, run: (url: string, here: string) => Promise<void>): Promise<void> {
  const served = await serve(handler, { quiet: true, onError: () => {}, ...options });
  try {
    await run(served.url, served.url.slice('http://'.length, -1));
  } finally {
    await served.close();
  }
}

const echo: Handler = async (_s, request) => `got ${request.method} ${(await request.body?.text()) ?? ''}`;

test('curl: a rebinding Host gets 421; the loopback Host curl sends passes', { skip: curlMissing ?? false }, async () => {
  await withServe(echo, {}, async (url) => {
    const rebound = await curl(['-H', 'Host: evil.example', url]);
    assert.equal(rebound.status, 421);
    assert.match(rebound.body, /allowedHosts/);
    assert.deepEqual(await curl([url]), { status: 200, body: 'got GET ' });
  });
});

test('curl: a cross-site POST gets 403; a same-origin POST and a plain curl POST pass', { skip: curlMissing ?? false }, async () => {
  await withServe(echo, {}, async (url, here) => {
    const crossSite = await curl(['-H', 'Origin: http://evil.example', '-H', 'Sec-Fetch-Site: cross-site', '--data', 'x=1', url]);
    assert.equal(crossSite.status, 403);
    assert.match(crossSite.body, /trustedOrigins/);
    const sameOrigin = await curl(['-H', `Origin: http://${here}`, '-H', 'Sec-Fetch-Site: same-origin', '--data', 'x=1', url]);
    assert.deepEqual(sameOrigin, { status: 200, body: 'got POST x=1' });
    assert.deepEqual(await curl(['--data', 'x=2', url]), { status: 200, body: 'got POST x=2' });
  });
});

test('curl: the 500 page has the escaped stack in development, and not in production', { skip: curlMissing ?? false }, async () => {
  const failing: Handler = () => {
    throw new Error('failed on <purpose>');
  };
  await withServe(failing, { dev: true }, async (url) => {
    const page = await curl([url]);
    assert.equal(page.status, 500);
    assert.match(page.body, /<pre>Error: failed on &lt;purpose&gt;\n\s+at /);
  });
  await withServe(failing, { dev: false }, async (url) => {
    const page = await curl([url]);
    assert.equal(page.status, 500);
    assert.ok(!page.body.includes('purpose') && !page.body.includes('<pre>'));
  });
});
