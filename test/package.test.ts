// What the package ships and what its declarations show, read from what npm would pack
// (`npm pack --dry-run --json`) and from the emitted dist/src/**/*.d.ts: no test file, every
// source map's sources inside the package, every export pointing at a packed file, and
// the classes users autocomplete free of the members the implementation keeps to itself.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// This file runs as dist/test/package.test.js; the package is two folders up.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface PackEntry {
  readonly files: readonly { readonly path: string }[];
}

/** The paths npm would put in the tarball, relative to the package root, with '/'. */
function packedFiles(): Set<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, String(run.error));
  assert.equal(run.status, 0, `npm pack --dry-run exited ${run.status}:\n${run.stderr}`);
  const entries = JSON.parse(run.stdout) as PackEntry[];
  assert.equal(entries.length, 1);
  return new Set(entries[0]!.files.map((f) => f.path));
}

const packed = packedFiles();

test('the package ships the build and the sources of the library, no test and no bench', () => {
  const tests = [...packed].filter((p) => /\.test\.|(^|\/)test\//.test(p));
  assert.deepEqual(tests, [], `test files in the package: ${tests.join(', ')}`);
  for (const p of packed) assert.match(p, /^(dist\/src\/|src\/|package\.json$|README\.md$|LICENSE)/, `${p} should not be packed`);
  assert.ok(packed.has('dist/src/index.js') && packed.has('dist/src/index.d.ts') && packed.has('src/index.ts'));
});

test("every source map's sources are files of the package", () => {
  const maps = [...packed].filter((p) => p.endsWith('.map'));
  assert.ok(maps.length > 0, 'the package has maps (or this test should say it has none)');
  for (const map of maps) {
    const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] };
    assert.ok(sources.length > 0, `${map} has no sources`);
    for (const source of sources) {
      const resolved = posix.normalize(posix.join(posix.dirname(map), source));
      assert.ok(packed.has(resolved), `${map} points at ${source} (${resolved}), which is not in the package`);
    }
  }
});

test('every export and the bin point at packed files', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>>; bin: Record<string, string> };
  assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './app', './protocol', './testing']);
  for (const [subpath, conditions] of Object.entries(pkg.exports)) {
    // The types come before the code they describe, and the sources' condition first of all (Node takes the first that matches).
    assert.deepEqual(Object.keys(conditions), ['warren-source', 'types', 'default'], `conditions of ${subpath}`);
    for (const [condition, target] of Object.entries(conditions)) {
      assert.ok(packed.has(posix.normalize(target)), `exports["${subpath}"]["${condition}"] is ${target}, which is not in the package`);
    }
  }
  for (const [name, target] of Object.entries(pkg.bin)) assert.ok(packed.has(posix.normalize(target)), `bin ${name} is ${target}, which is not in the package`);
});

/** The members the public classes keep to themselves (issue 13): marked @internal at their source, stripped from the declarations. */
const INTERNAL: Record<string, { readonly file: string; readonly members: readonly string[] }> = {
  Server: { file: 'server/server', members: ['pumpReads', 'expire', 'deadline', 'released', 'closed', 'write', 'drain'] },
  Client: { file: 'client/client', members: ['pumpReads', 'expire', 'deadline', 'released', 'closed'] },
  ClientConnection: { file: 'client/connection', members: ['pumpReads', 'expire', 'deadline', 'released', 'closed', 'write', 'drain'] },
  Pool: { file: 'client/pool', members: ['pumpReads', 'expire', 'deadline', 'released', 'closed'] },
};

/** The body of `export declare class NAME` in a .d.ts, braces matched. */
function classBody(text: string, name: string): string {
  const start = text.indexOf(`export declare class ${name} `);
  assert.ok(start >= 0, `no class ${name}`);
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`class ${name} does not end`);
}

test('the declarations of Server, Client, ClientConnection and Pool do not show their internal members', () => {
  const missing: string[] = [];
  for (const [name, { file, members }] of Object.entries(INTERNAL)) {
    const dts = join(ROOT, 'dist/src', `${file}.d.ts`);
    assert.ok(existsSync(dts), `${relative(ROOT, dts)} was not emitted`);
    const body = classBody(readFileSync(dts, 'utf8'), name);
    for (const member of members) {
      // A member line: optional modifiers, the name, then ( ? : or < (a method, a property, a generic).
      if (new RegExp(`^\\s*(?:(?:readonly|static|get|set|protected|abstract)\\s+)*${member}\\s*[?(:<]`, 'm').test(body)) {
        missing.push(`${name}.${member} (mark it /** @internal */ in src/${file}.ts)`);
      }
    }
  }
  assert.deepEqual(missing, [], `internal members in the public declarations:\n  ${missing.join('\n  ')}`);
});
