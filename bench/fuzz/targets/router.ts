// Target: warren/app's router, its pattern parser (src/app/router/pattern.ts) and lookup:
// random patterns (near the grammar: params, rests, escapes, dot and empty segments, any
// character), registered on a Router, then random request targets and targets made by
// filling the registered patterns' params.
// Invariants:
// 1. parsePattern() and Router.get() throw nothing but a RoutePatternError or a
//    RouteConflictError (both coded), and a TypeError only for a non-string.
// 2. An accepted pattern keeps its source; its names are distinct and in path order.
// 3. Dispatch never throws and always answers a status from 200 to 599.
// 4. A target made from a registered pattern (params filled with percent-encoded text)
//    reaches that pattern's handler, with the params decoded back to the filled text.

import fc from 'fast-check';
import { ServerRequest, Session, bodies, Fields, type AppResponse } from '../../../src/index.js';
import { parsePattern, RoutePatternError } from '../../../src/app/router/pattern.js';
import { Router, RouteConflictError } from '../../../src/app/router/router.js';
import { target } from '../target.js';

const session = new Session('/tmp/warren-fuzz.sock');
const segment = fc.oneof(
  fc.constantFrom('a', 'b', 'tasks', ':id', ':x', '*rest', '', '.', '..', '%2e', '%2F', '%zz', 'a%20b', ':', '*', ':1', 'x:y', '~'),
  fc.string({ maxLength: 4 }),
);
const pattern = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => '/' + s.join('/'));
const param = fc.string({ minLength: 1, maxLength: 6 });

function ok(error: unknown): boolean {
  return error instanceof RoutePatternError || error instanceof RouteConflictError;
}

function answer(router: Router, uri: string): AppResponse | null {
  const result = router(session, new ServerRequest('GET', uri, '1.1', new Fields([['host', 'h']]), null), bodies);
  if (result instanceof Promise) return null;
  if (!Number.isInteger(result.status) || result.status < 200 || result.status > 599) throw new Error(`GET ${uri} answered status ${String(result.status)}`);
  return result;
}

export const router = target({
  name: 'router',
  invariants: [
    'parsePattern() and Router.get() throw only their coded errors',
    'an accepted pattern keeps its source and has distinct names',
    'dispatch never throws and answers 200-599',
    'a target filled from a registered pattern reaches its handler with the params decoded',
  ],
  input: fc.record({ patterns: fc.array(pattern, { maxLength: 5 }), targets: fc.array(pattern, { maxLength: 4 }), values: fc.array(param, { minLength: 4, maxLength: 4 }) }),
  check({ patterns, targets, values }) {
    const r = new Router();
    const added: string[] = [];
    for (const p of patterns) {
      try {
        const parsed = parsePattern(p);
        if (parsed.source !== p || new Set(parsed.names).size !== parsed.names.length) throw new Error(`parsePattern(${JSON.stringify(p)}) gave ${JSON.stringify(parsed)}`);
        r.get(p, (_s, req) => ({ status: 200, headers: { 'x-route': p }, body: JSON.stringify(req.params) }));
        added.push(p);
      } catch (error) {
        if (!ok(error)) throw error;
      }
    }
    for (const t of targets) answer(r, t);
    for (const p of added) {
      const parsed = parsePattern(p);
      let v = 0;
      const expected: Record<string, string> = {};
      const path = parsed.segments.map((s) => {
        if (s.kind === 'literal') return s.text;
        const text = values[v++ % values.length]!;
        expected[s.name] = text;
        return encodeURIComponent(text);
      });
      if (parsed.tail.kind === 'rest') path.push('r');
      const uri = '/' + path.join('/');
      const res = answer(r, uri);
      if (res === null || res.status !== 200) continue; // a more specific pattern, or an unpaired surrogate, may take it
      const route = (res.headers as Record<string, string>)['x-route'];
      if (route !== p) continue;
      const got = JSON.parse(String(res.body)) as Record<string, string>;
      for (const [name, text] of Object.entries(expected)) {
        if (got[name] !== text && !/[\uD800-\uDFFF]/.test(text)) throw new Error(`${p}: ${uri} gave ${name}=${JSON.stringify(got[name])}, filled ${JSON.stringify(text)}`);
      }
    }
  },
});
