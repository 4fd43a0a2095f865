// The commit a benchmark ran on, for its JSON report: numbers from a tree with uncommitted
// changes must not pass for the commit's own, so such a run is marked '+dirty'.

import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Null outside a git checkout (an installed copy of the benches has no history to name). */
export function gitCommit(): string | null {
  const git = (args: string[]): string | null => {
    const child = spawnSync('git', args, { cwd: dirname(fileURLToPath(import.meta.url)), encoding: 'utf8', timeout: 5000 });
    return child.status === 0 ? child.stdout.trim() : null;
  };
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head === null) return null;
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return status === null || status === '' ? head : `${head}+dirty`;
}
