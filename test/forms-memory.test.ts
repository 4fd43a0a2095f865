// Memory stays bounded when a 64 MiB file is uploaded through a real warren Server into
// form(): files stream to disk, so RSS grows by the pieces in flight and the garbage the
// GC has not yet taken, not by the file. Measured in a fresh child process (the RSS of
// this one is shared with other tests). The bound: growth < 48 MiB for a 64 MiB file. It
// was 37-38 MiB here, and 41 MiB for a 256 MiB file: a plateau, V8 freeing the pieces'
// buffers in batches. undici's Request.formData() grows by 190-210 MiB (bench/multipart.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fromRoot } from './lib/paths.js';
import { withTimeout } from '../bench/lib/timeout.js';

const BOUND = 48 * 1024 * 1024;

test('a 64 MiB upload through a Server into form() grows RSS by less than 48 MiB', async () => {
  const child = spawn(process.execPath, ['--expose-gc', fromRoot('dist/bench/lib/form-rss-child.js'), 'server', '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), 120_000, 'the upload child');
  assert.equal(code, 0, out);
  const result = JSON.parse(out) as { size: number; growth: number };
  assert.equal(result.size, 64 * 1024 * 1024, 'the whole file reached disk');
  assert.ok(result.growth < BOUND, `RSS grew by ${(result.growth / 2 ** 20).toFixed(1)} MiB, over the bound of 48 MiB`);
  console.log(`# RSS growth for a 64 MiB upload: ${(result.growth / 2 ** 20).toFixed(1)} MiB (bound 48 MiB)`);
});
