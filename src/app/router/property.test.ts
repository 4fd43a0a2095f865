// Property tests: random route tables against random paths. Accepted routes never overlap,
// as sets of paths found by brute force; no input throws; the trie picks what a naive
// reference picks (the one matching route inside every other matching route); and a path
// built from a route with any param values matches it (or a more specific route) with
// those values, which re-encoded give the path back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AppResponse } from '../../index.js';
import { text } from '../response.js';
import { parsePattern, type RoutePattern } from './pattern.js';
import { compare } from './relation.js';
import { Router } from './router.js';
import { bodyText, noBodies, request, session } from './test-helpers.js';

const METHODS = ['GET', 'POST'] as const;

/** A pattern of up to 4 segments from a small alphabet, so that routes collide often. */
const patternArb = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'c', ':p'), { maxLength: 4 }), fc.constantFrom('', '/', '/*r', '/*r'))
  .map(([segments, end]) => {
    const named = segments.map((s, i) => (s === ':p' ? `:p${i}` : s));
    const body = `/${named.join('/')}`;
    if (named.length === 0) return end === '/*r' ? '/*r' : '/';
    return `${body}${end}`;
  });

const tableArb = fc.array(fc.tuple(fc.constantFrom(...METHODS), patternArb), { maxLength: 12 });

interface Table {
  readonly router: Router;
  readonly routes: { method: string; pattern: RoutePattern }[];
  readonly refused: { method: string; pattern: RoutePattern }[];
}

function build(entries: readonly (readonly [string, string])[]): Table {
  const router = new Router();
  const routes: { method: string; pattern: RoutePattern }[] = [];
  const refused: { method: string; pattern: RoutePattern }[] = [];
  for (const [method, source] of entries) {
    const index = routes.length;
    try {
      router.route(method, source, (_s, req) => text(JSON.stringify({ index, params: req.params })));
    } catch (e) {
      if ((e as { code?: string }).code !== 'route-conflict') throw e;
      refused.push({ method, pattern: parsePattern(source) });
      continue;
    }
    routes.push({ method, pattern: parsePattern(source) });
  }
  return { router, routes, refused };
}

/** The naive reading of a pattern: does it match these (canonical) segments? */
function matches(pattern: RoutePattern, path: readonly string[]): boolean {
  const n = pattern.segments.length;
  if (path.length < n) return false;
  for (let i = 0; i < n; i++) {
    const s = pattern.segments[i]!;
    if (s.kind === 'literal' ? s.text !== path[i] : path[i] === '') return false;
  }
  if (pattern.tail.kind === 'none') return path.length === n;
  return path.length > n && path[n] !== '';
}

/**
 * Every canonical path of up to 5 segments over a, b, c and d (d stands for any text no
 * pattern names), with or without a trailing slash: enough to tell any two of the
 * generated patterns (at most 4 fixed segments and a rest) apart as sets.
 */
const UNIVERSE: string[][] = [[]];
for (let length = 1, layer: string[][] = [[]]; length <= 5; length++) {
  layer = layer.flatMap((p) => ['a', 'b', 'c', 'd'].map((s) => [...p, s]));
  for (const p of layer) UNIVERSE.push(p, [...p, '']);
}

/** The paths of the universe a pattern matches, by brute force: the sets the relation algebra reasons about. */
function pathSet(pattern: RoutePattern): Set<number> {
  const set = new Set<number>();
  UNIVERSE.forEach((p, i) => matches(pattern, p) && set.add(i));
  return set;
}

const subset = (a: Set<number>, b: Set<number>): boolean => [...a].every((x) => b.has(x));

test('accepted routes for one method never overlap: as sets of paths, disjoint or nested; a refused one meets an accepted one', () => {
  fc.assert(
    fc.property(tableArb, (entries) => {
      const { routes, refused } = build(entries);
      const sets = routes.map((r) => pathSet(r.pattern));
      for (let i = 0; i < routes.length; i++) {
        for (let j = i + 1; j < routes.length; j++) {
          if (routes[i]!.method !== routes[j]!.method) continue;
          const [a, b] = [sets[i]!, sets[j]!];
          const meet = [...a].some((x) => b.has(x));
          assert.ok(!meet || ((subset(a, b) || subset(b, a)) && !(subset(a, b) && subset(b, a))), `${routes[i]!.pattern.source} and ${routes[j]!.pattern.source}`);
        }
      }
      for (const r of refused) {
        const set = pathSet(r.pattern);
        const clash = routes.some((o) => {
          if (o.method !== r.method) return false;
          const other = pathSet(o.pattern);
          const meet = [...set].some((x) => other.has(x));
          return meet && ((subset(set, other) && subset(other, set)) || (!subset(set, other) && !subset(other, set)));
        });
        assert.ok(clash, `${r.method} ${r.pattern.source} was refused without an equal or overlapping route`);
      }
    }),
    { numRuns: 300 },
  );
});

const pathSegment = fc.constantFrom('a', 'b', 'c', 'd', '', '.', '..', '%2e', '%zz', '%2F', 'a%20b', '%C3%A9', '%C3');

function answerOf(response: AppResponse | Promise<AppResponse>): AppResponse {
  assert.ok(!(response instanceof Promise), 'every handler here is synchronous');
  return response;
}

test('random paths against random tables: nothing throws, and the trie picks what the reference picks', () => {
  fc.assert(
    fc.property(tableArb, fc.array(pathSegment, { maxLength: 6 }), fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'), (entries, segments, method) => {
      const { router, routes } = build(entries);
      const uri = `/${segments.join('/')}`;
      const response = answerOf(router(session, request(method, uri), noBodies));
      assert.ok([200, 204, 308, 400, 404, 405].includes(response.status), `${method} ${uri}: ${response.status}`);
      const path = request(method, uri).path;
      const clean = path.every((s, i) => (s === '' ? i === path.length - 1 && path.length > 1 : !['.', '..', '%2e'].includes(s)));
      if (!clean) {
        assert.equal(response.status, 308, `${method} ${uri}`);
        return;
      }
      const lookup = method === 'HEAD' && !routes.some((r) => r.method === 'HEAD') ? 'GET' : method;
      const candidates = routes.map((r, index) => ({ ...r, index })).filter((r) => r.method === lookup && matches(r.pattern, path));
      if (candidates.length === 0) {
        assert.ok([204, 308, 400, 404, 405].includes(response.status), `${method} ${uri}: ${response.status}`);
        const anyMethod = routes.some((r) => matches(r.pattern, path));
        if (anyMethod) assert.equal(response.status, method === 'OPTIONS' ? 204 : 405);
        return;
      }
      // Overlaps were refused, so one candidate is inside every other (by brute force: no trust in compare()).
      const sets = new Map(candidates.map((c) => [c, pathSet(c.pattern)]));
      const best = candidates.filter((c) => candidates.every((o) => o === c || subset(sets.get(c)!, sets.get(o)!)));
      assert.equal(best.length, 1, `one most specific route among ${candidates.map((c) => c.pattern.source).join(', ')}`);
      if (response.status === 400) return; // a malformed escape in a param
      assert.equal(response.status, 200, `${method} ${uri}`);
      assert.equal((JSON.parse(bodyText(response.body)) as { index: number }).index, best[0]!.index, `${method} ${uri}`);
    }),
    { numRuns: 500 },
  );
});

/** Any text for a param (not a dot segment, which a path cannot carry). */
const valueArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((v) => v !== '.' && v !== '..');

test('a path built from a route and any values matches it with those values, which re-encoded give the path', () => {
  fc.assert(
    fc.property(tableArb, fc.nat(), fc.array(valueArb, { minLength: 8, maxLength: 8 }), fc.array(valueArb, { minLength: 1, maxLength: 3 }), (entries, pick, values, restParts) => {
      const { router, routes } = build(entries.map(([, p]) => ['GET', p] as const));
      if (routes.length === 0) return;
      const route = routes[pick % routes.length]!;
      const encode = (pattern: RoutePattern, params: Readonly<Record<string, string>>): string => {
        const parts = pattern.segments.map((s) => (s.kind === 'literal' ? s.text : encodeURIComponent(params[s.name]!)));
        if (pattern.tail.kind === 'rest') parts.push(params[pattern.tail.name]!.split('/').map(encodeURIComponent).join('/'));
        return `/${parts.join('/')}`;
      };
      const given: Record<string, string> = {};
      route.pattern.segments.forEach((s, i) => {
        if (s.kind === 'param') given[s.name] = values[i]!;
      });
      // A rest's parts are joined with '/': parts with a '/' of their own could not be told apart.
      if (route.pattern.tail.kind === 'rest') given[route.pattern.tail.name] = restParts.map((p) => p.split('/').join('_')).join('/');
      const uri = encode(route.pattern, given);
      const response = answerOf(router(session, request('GET', uri), noBodies));
      assert.equal(response.status, 200, `GET ${uri} for ${route.pattern.source}`);
      const { index, params } = JSON.parse(bodyText(response.body)) as { index: number; params: Record<string, string> };
      const chosen = routes[index]!;
      assert.equal(encode(chosen.pattern, params), uri);
      if (chosen === route) assert.deepEqual(params, given);
      else assert.equal(compare(chosen.pattern, route.pattern), 'more-specific', `${chosen.pattern.source} over ${route.pattern.source}`);
    }),
    { numRuns: 2000 },
  );
});

test('any string as a pattern is parsed or refused with a RoutePatternError, never anything else', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), fc.string({ unit: fc.constantFrom('/', ':', '*', 'a', '%', '2', 'F', '.', '_') as fc.Arbitrary<string>, maxLength: 12 }), (any, shaped) => {
      for (const source of [any, `/${shaped}`]) {
        try {
          new Router().get(source, () => '');
        } catch (e) {
          assert.equal((e as { code?: string }).code, 'invalid-pattern', String(e));
        }
      }
    }),
    { numRuns: 3000 },
  );
});
