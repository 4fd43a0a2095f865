// Route lookups per second, warren's segment trie against find-my-way's radix tree, in one
// run: tables of 10, 100 and 1,000 routes shaped like a REST API (collections, items by
// :id, nested items, a few static pages), looked up with a mix of static and param paths.
// Rows: "warren find" looks the path up among static routes, else splits it and walks the
// tree (find-my-way's find() also takes a path string); "warren Router" is the whole dispatch of a request (canonical check,
// match, params decoded and frozen, a no-op handler); "find-my-way find" is its find().
// Both engines are checked to pick the same route for every path before anything is timed.
//
//   node dist/bench/router.js [--quick] [--json FILE]
//
// --quick: a few short rounds, for smoke tests (numbers are not meaningful).
// --json FILE: also write the results as JSON.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import findMyWay from 'find-my-way';
import { Fields, ServerRequest, Session, bodies } from '../src/index.js';
import { parsePattern } from '../src/app/router/pattern.js';
import { Router } from '../src/app/router/router.js';
import { Tree } from '../src/app/router/tree.js';
import { benchArgs } from './lib/args.js';
import { gitCommit } from './lib/git.js';
import { machineLine, thisMachine } from './lib/machine.js';
import { isNoisy, spread, tableHeader, tableRow, type Spread } from './lib/stats.js';

const USAGE = `usage: node dist/bench/router.js [--quick] [--json FILE]
  --quick      a few short rounds, for smoke tests (numbers are not meaningful)
  --json FILE  also write the results as JSON`;

const options = benchArgs('router', USAGE, process.argv.slice(2));
const RUNS = options.quick ? 3 : 7;
const LOOKUPS = options.quick ? 20_000 : 400_000;

interface Table {
  readonly routes: [method: string, pattern: string][];
  /** Paths to look up, each with its method and the index of the route it must find. */
  readonly lookups: [method: string, path: string, route: number][];
}

/** A REST-shaped table of `size` routes, and lookups over it (half static, half with params). */
function restTable(size: number): Table {
  const routes: [string, string][] = [];
  const lookups: [string, string, number][] = [];
  const add = (method: string, pattern: string, sample: string): void => {
    if (routes.length >= size) return;
    lookups.push([method, sample, routes.length]);
    routes.push([method, pattern]);
  };
  for (const page of ['/', '/about', '/docs/getting-started', '/static/app.css']) add('GET', page, page);
  for (let r = 0; routes.length < size; r++) {
    const base = `/api/v1/res${r}`;
    add('GET', base, base);
    add('POST', base, base);
    add('GET', `${base}/:id`, `${base}/${1000 + r}`);
    add('PUT', `${base}/:id`, `${base}/abc${r}`);
    add('DELETE', `${base}/:id`, `${base}/${r}`);
    add('GET', `${base}/:id/items`, `${base}/7/items`);
    add('GET', `${base}/:id/items/:itemId`, `${base}/7/items/${r}`);
    add('GET', `/docs/page${r}`, `/docs/page${r}`);
  }
  return { routes, lookups };
}

type Lookup = (method: string, path: string) => number;

/**
 * Lookups per second of each engine over the table's paths: RUNS rounds, each timing every
 * engine in turn over LOOKUPS lookups (interleaved, so a change of load hits all alike).
 */
function measure(table: Table, engines: readonly Lookup[]): Spread[] {
  const n = table.lookups.length;
  const methods = table.lookups.map((l) => l[0]);
  const paths = table.lookups.map((l) => l[1]);
  const rates: number[][] = engines.map(() => []);
  let check = 0;
  // A warm-up round, so every run times optimised code.
  for (const lookup of engines) for (let i = 0; i < LOOKUPS / 4; i++) check += lookup(methods[i % n]!, paths[i % n]!);
  for (let run = 0; run < RUNS; run++) {
    engines.forEach((lookup, e) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < LOOKUPS; i++) check += lookup(methods[i % n]!, paths[i % n]!);
      const ns = Number(process.hrtime.bigint() - start);
      rates[e]!.push(LOOKUPS / (ns / 1e9));
    });
  }
  // The checksum keeps the lookups from being optimised away.
  if (check === -1) console.log(check);
  return rates.map(spread);
}

function main(): void {
  const machine = thisMachine();
  const commit = gitCommit();
  const results: unknown[] = [];
  console.log('Route lookups per second: warren segment trie vs find-my-way, same tables, same paths, one process.');
  console.log(machineLine(machine));
  console.log(`commit: ${commit ?? 'unknown'}; ${RUNS} rounds of ${LOOKUPS.toLocaleString('en-US')} lookups per engine, interleaved${options.quick ? ' (--quick: numbers are not meaningful)' : ''}`);
  console.log(tableHeader('routes / engine'));
  const session = new Session('/tmp/bench-router.sock');
  const fields = new Fields([['Host', 'localhost']]);
  for (const size of [10, 100, 1000]) {
    const table = restTable(size);
    const tree = new Tree<number>();
    const fmw = findMyWay();
    const router = new Router();
    table.routes.forEach(([method, pattern], index) => {
      tree.add({ pattern: parsePattern(pattern), method, target: index, where: 'bench' });
      fmw.on(method as 'GET', pattern, () => {}, { index });
      router.route(method, pattern, () => ({ status: 200 + (index % 2), body: null }));
    });
    const warrenFind = (method: string, path: string): number => {
      const found = tree.findStatic(method, path) ?? tree.find(method, path === '/' ? [] : path.slice(1).split('/'));
      return found === null ? -1 : found.route.target;
    };
    const fmwFind = (method: string, path: string): number => {
      const found = fmw.find(method as 'GET', path);
      return found === null ? -1 : (found.store as { index: number }).index;
    };
    const dispatch = (method: string, path: string): number => {
      const response = router(session, new ServerRequest(method, path, '1.1', fields, null), bodies) as { status: number };
      return response.status;
    };
    for (const [method, path, index] of table.lookups) {
      assert.equal(warrenFind(method, path), index, `warren: ${method} ${path}`);
      assert.equal(fmwFind(method, path), index, `find-my-way: ${method} ${path}`);
      assert.equal(dispatch(method, path), 200 + (index % 2), `Router: ${method} ${path}`);
    }
    const [find, fmwSpread, routerSpread] = measure(table, [warrenFind, fmwFind, dispatch]);
    const rows: [string, Spread][] = [
      [`${size} warren find`, find!],
      [`${size} find-my-way find`, fmwSpread!],
      [`${size} warren Router`, routerSpread!],
    ];
    for (const [label, s] of rows) console.log(tableRow(label, s, 'lookups/s', isNoisy(s) ? '  noisy' : ''));
    const ratio = find!.median / fmwSpread!.median;
    console.log(`ratio warren/find-my-way ${size} ${ratio.toFixed(2)}`);
    results.push({ routes: size, lookups: table.lookups.length, warrenFind: find!, findMyWayFind: fmwSpread!, warrenRouter: routerSpread!, ratio });
  }
  if (options.json !== null) {
    const report = { bench: 'router', mode: options.quick ? 'quick' : 'full', commit, machine, runs: RUNS, lookupsPerRun: LOOKUPS, results };
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`results written to ${options.json}`);
  }
}

main();
