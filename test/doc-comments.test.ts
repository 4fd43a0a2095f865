// Every name the package exports has a doc comment: the entry points are read from
// package.json's "exports" (their "warren-source" files), and each exported name, through
// re-exports and `export * as ns` namespaces, must resolve to a declaration with JSDoc.
// Class and interface members are not checked: exported names are the contract here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { fromRoot } from './lib/paths.js';

interface Exports {
  readonly [entry: string]: { readonly 'warren-source': string };
}

/** The entry points' source files, from package.json. */
function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { exports: Exports };
  return Object.values(pkg.exports).map((entry) => fromRoot(entry['warren-source'].replace(/^\.\//, '')));
}

/** `entry: name` for every exported name of `files` without a doc comment. */
function undocumented(files: readonly string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['warren-source'],
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  const seen = new Set<ts.Symbol>();
  const visit = (module: ts.Symbol, prefix: string, entry: string): void => {
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = `${prefix}${exported.name}`;
      // A namespace re-export (export * as field): its members are the names to document.
      if (symbol.flags & ts.SymbolFlags.ValueModule && symbol.declarations?.some(ts.isSourceFile)) {
        visit(symbol, `${name}.`, entry);
        continue;
      }
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      if (!documented(symbol, checker)) missing.push(`${entry}: ${name}`);
    }
  };
  for (const file of files) {
    const source = program.getSourceFile(file);
    assert.ok(source !== undefined, `${file} is in the program`);
    const module = checker.getSymbolAtLocation(source);
    assert.ok(module !== undefined, `${file} is a module`);
    visit(module, '', file.slice(fromRoot('').length));
  }
  return missing;
}

function documented(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (symbol.getDocumentationComment(checker).length > 0) return true;
  // A tag alone (@internal, @deprecated with its text) counts as documentation too.
  return (symbol.declarations ?? []).some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0);
}

test('every exported name of every entry point has a doc comment', () => {
  const files = entryPoints();
  assert.ok(files.length >= 4, `package.json lists the entry points: ${files.join(', ')}`);
  const missing = undocumented(files);
  assert.deepEqual(missing, [], `${missing.length} exported name(s) without a doc comment:\n  ${missing.join('\n  ')}`);
});
