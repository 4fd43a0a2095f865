// Memory stays bounded when a file is uploaded through a real warren Server into form():
// files stream to disk, so RSS grows by the pieces in flight and the garbage the GC has
// not yet taken, not by the file. V8 collects the socket's 64 KiB read buffers in batches
// (after about 32 MiB of them on Node 22, 64 MiB on 24 and 26), so growth plateaus there:
// 37 MiB (Node 22) and 60 MiB (24, 26) for 64 MiB, 41 and 63 MiB for 256 MiB. The bound,
// 96 MiB for both sizes, holds that plateau; Request.formData() grows by 184-211 MiB for 64 MiB.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fromRoot } from './lib/paths.js';
import { withTimeout } from '../bench/lib/timeout.js';

const BOUND = 96 * 1024 * 1024;

/** One upload of `mib` MiB in a fresh process (bench/lib/form-rss-child.ts): its RSS growth. */
async function upload(mib: number): Promise<number> {
  const child = spawn(process.execPath, ['--expose-gc', fromRoot('dist/bench/lib/form-rss-child.js'), 'server', String(mib)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), 180_000, `the ${mib} MiB upload child`);
  assert.equal(code, 0, out);
  const result = JSON.parse(out) as { size: number; growth: number };
  assert.equal(result.size, mib * 1024 * 1024, 'the whole file reached disk');
  return result.growth;
}

test('a 64 MiB and a 256 MiB upload through a Server into form() each grow RSS by less than 96 MiB', async () => {
  for (const mib of [64, 256]) {
    const growth = await upload(mib);
    console.log(`# RSS growth for a ${mib} MiB upload: ${(growth / 2 ** 20).toFixed(1)} MiB (bound 96 MiB)`);
    assert.ok(growth < BOUND, `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB for a ${mib} MiB upload, over the bound of 96 MiB`);
  }
});
