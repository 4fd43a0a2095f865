// Target: warren/app's application/x-www-form-urlencoded parser (src/app/form/urlencoded.ts),
// on text near its grammar ('&', '=', '+', '%XX', bad escapes, non-UTF-8 bytes) and on the
// encodings of random entries.
// Invariants:
// 1. No throw but an HttpError with a code and a 4xx status (400 malformed, 413 over a limit).
// 2. The form of random entries with non-empty names, written with encodeURIComponent and
//    joined by '&', parses back to exactly those entries, in order.
// 3. A byte string and the same text as a string parse alike (or fail with the same code).

import fc from 'fast-check';
import { HttpError, parseUrlencoded, type UrlencodedLimits } from '../../../src/app/index.js';
import { target } from '../target.js';

const LIMITS: UrlencodedLimits = { maxBytes: 4096, maxFields: 64, maxNameBytes: 64, maxFieldBytes: 256 };
const near = fc.array(fc.oneof(fc.constantFrom('&', '=', '+', '%', '%2', '%41', '%zz', '%C3%A9', '%FF', '%E2%82', 'a', 'b', ' ', '\u00e9'), fc.string({ maxLength: 3 })), { maxLength: 20 }).map((a) => a.join(''));
const entries = fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 })).filter(([n, v]) => !/[\uD800-\uDFFF]/.test(n + v)), { maxLength: 8 });

function outcome(f: () => ReturnType<typeof parseUrlencoded>): string {
  try {
    return JSON.stringify([...f()]);
  } catch (error) {
    if (error instanceof HttpError && typeof error.code === 'string' && error.status >= 400 && error.status < 500) return `error ${error.code}`;
    throw error;
  }
}

export const urlencoded = target({
  name: 'urlencoded',
  invariants: [
    'no throw but a coded HttpError with a 4xx status',
    'encoded random entries parse back to the same entries in order',
    'bytes and the same text as a string parse alike',
  ],
  input: fc.record({ text: near, entries }),
  check({ text, entries: es }) {
    const a = outcome(() => parseUrlencoded(text, LIMITS));
    const b = outcome(() => parseUrlencoded(new TextEncoder().encode(text), LIMITS));
    if (a !== b && !/[\uD800-\uDFFF]/.test(text)) throw new Error(`${JSON.stringify(text)}: as a string ${a}, as bytes ${b}`);
    const body = es.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
    const back = outcome(() => parseUrlencoded(body, LIMITS));
    if (back !== JSON.stringify(es)) throw new Error(`${JSON.stringify(es)} -> ${JSON.stringify(body)} -> ${back}`);
  },
});
