// Target: warren/app's static-file path mapping (src/app/static/resolve.ts), the one place
// a request path becomes file names: random segments from the traversal repertoire (dots
// plain and encoded, encoded separators and NUL, overlong and broken UTF-8, dotfiles) and
// any text, and random decoded names encoded back by encodeName().
// Invariants:
// 1. resolvePath() never throws, and refuses only with 400 'bad-encoding' or 403 'refused-name'.
// 2. Every name it accepts is non-empty, starts with no dot, and holds no / \ or control character.
// 3. The names joined under a root never leave it (posix resolve stays below the root).
// 4. A name refusal() allows, encoded by encodeName(), resolves back to exactly that name.

import { posix } from 'node:path';
import fc from 'fast-check';
import { encodeName, refusal, resolvePath } from '../../../src/app/static/resolve.js';
import { target } from '../target.js';

const ROOT = '/srv/static';
const segment = fc.oneof(
  fc.constantFrom('a', 'index.html', '', '.', '..', '%2e', '%2E%2e', '.%2e', '%2e.', '..%2f', '%2f', '%2F..', '%5c', '%5C..%5C', '%00', '%0a', '%7f', 'a%00.txt', '%c0%ae', '%c0%af', '%e0%80%ae', '%ff', '%', '%z', '%2', 'é', '%C3%A9', '.git', '.env', '~', 'a..b', '...', '%252e%252e'),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

export const staticPath = target({
  name: 'static-path',
  invariants: [
    "resolvePath() never throws and refuses only with 400 'bad-encoding' or 403 'refused-name'",
    'an accepted name is non-empty, starts with no dot, holds no / \\ or control character',
    'the accepted names joined under a root never leave it',
    'a name refusal() allows, encoded by encodeName(), resolves back to itself',
  ],
  input: fc.record({ segments: fc.array(segment, { maxLength: 6 }), name: fc.string({ unit: 'grapheme', maxLength: 8 }) }),
  check({ segments, name }) {
    const result = resolvePath(segments);
    if (!result.ok) {
      const expected = result.status === 400 ? 'bad-encoding' : 'refused-name';
      if ((result.status !== 400 && result.status !== 403) || result.code !== expected) throw new Error(`refused ${JSON.stringify(segments)} with ${result.status} ${result.code}`);
    } else {
      for (const n of result.names) {
        if (refusal(n) !== null) throw new Error(`accepted the name ${JSON.stringify(n)} from ${JSON.stringify(segments)}`);
      }
      const joined = posix.resolve(ROOT, ...result.names);
      if (joined !== ROOT && !joined.startsWith(`${ROOT}/`)) throw new Error(`${JSON.stringify(segments)} leaves the root: ${joined}`);
    }
    if (refusal(name) === null) {
      const back = resolvePath([encodeName(name)]);
      if (!back.ok || back.names.length !== 1 || back.names[0] !== name) throw new Error(`encodeName(${JSON.stringify(name)}) resolves to ${JSON.stringify(back)}`);
    }
  },
});
