// Running a benchmark script as the smoke tests do: its quick mode in a child process,
// with a JSON report in a temp folder that is removed afterwards; and its refusal of an
// argument it does not know.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface QuickRun {
  readonly stdout: string;
  /** The parsed --json report. */
  readonly report: unknown;
  /** Where the report is; the folder is the caller's to write into until `check` returns. */
  readonly json: string;
  readonly dir: string;
  readonly elapsedMs: number;
}

/** Runs `script --quick --json FILE [...args]`, asserts that it exits 0, and hands the output to `check`. */
export function quickRun(script: string, timeoutMs: number, check: (run: QuickRun) => void, args: readonly string[] = []): void {
  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-'));
  try {
    const json = join(dir, 'result.json');
    const started = Date.now();
    const child = spawnSync(process.execPath, [script, '--quick', '--json', json, ...args], { encoding: 'utf8', timeout: timeoutMs });
    const elapsedMs = Date.now() - started;
    assert.equal(child.error, undefined, String(child.error));
    assert.equal(child.status, 0, `exit ${child.status}\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`);
    assert.match(child.stdout, /^machine: .+, \d+ cores, node v\d+/m);
    check({ stdout: child.stdout, report: JSON.parse(readFileSync(json, 'utf8')), json, dir, elapsedMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An unknown argument is a usage error (exit 2), not a full run with the argument ignored. */
export function assertRefusesUnknownArgument(script: string): void {
  const child = spawnSync(process.execPath, [script, '--nope'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.status, 2, `exit ${child.status}\nstderr:\n${child.stderr}`);
  assert.match(child.stderr, /usage:/);
}
