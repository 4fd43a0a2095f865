// Target: the address parser (src/transport/address.ts): checkAddress() on any value and
// parseCliAddress() on any text near its forms (/path, @name, host:port, [v6%zone]:port).
// Invariants:
// 1. No throw but a TypeError whose message is a sentence naming what was given.
// 2. checkAddress() of its own result returns an equal address (idempotent).
// 3. What parseCliAddress() accepts, formatCliAddress() writes back to a text that parses
//    to the same address (when flowinfo is 0, the only case the text form carries).

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { checkAddress, formatCliAddress, parseCliAddress } from '../../../src/transport/address.js';
import { anyByte } from '../grammar.js';
import { target } from '../target.js';

const cliText = fc.oneof(
  fc.tuple(fc.constantFrom('', '/', '@', '[', '127.0.0.1:', 'localhost:', '[::1]:', '[fe80::1%', '::1:', '/tmp/'), fc.array(fc.oneof(fc.constantFrom(...'0123456789:]%.abc/@'), anyByte), { maxLength: 14 }).map((c) => c.join(''))).map(([a, b]) => a + b),
  fc.string({ maxLength: 20 }),
);
const anything = fc.oneof(
  fc.anything(),
  fc.tuple(fc.oneof(fc.constantFrom('127.0.0.1', '::1', 'localhost', 'fe80::1', '', '[::1]'), fc.string({ maxLength: 8 })), fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.double(), fc.string())),
  fc.tuple(fc.constantFrom('fe80::1', '::1', '1.2.3.4'), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: -1, max: 5 }), fc.oneof(fc.integer({ min: -1, max: 9 }), fc.string({ maxLength: 6 }))),
  fc.string({ maxLength: 120 }).map((s) => '/' + s),
);

function typeErrorOnly(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (error) {
    if (!(error instanceof TypeError) || error.message.length < 10) throw error;
    return false;
  }
}

export const address = target({
  name: 'address',
  invariants: [
    'no throw but a TypeError with a sentence',
    'checkAddress() is idempotent',
    'parseCliAddress(formatCliAddress(a)) equals a for every accepted text',
  ],
  input: fc.record({ value: anything, text: cliText }),
  check({ value, text }) {
    typeErrorOnly(() => {
      const a = checkAddress(value);
      if (!isDeepStrictEqual(checkAddress(a), a)) throw new Error(`checkAddress() is not idempotent on ${String(value)}`);
    });
    typeErrorOnly(() => {
      const a = parseCliAddress(text);
      if (typeof a !== 'string' && a.length === 4 && a[2] !== 0) return;
      const back = formatCliAddress(a);
      const again = parseCliAddress(back);
      if (!isDeepStrictEqual(again, a)) throw new Error(`${JSON.stringify(text)} -> ${JSON.stringify(a)} -> ${JSON.stringify(back)} -> ${JSON.stringify(again)}`);
    });
  },
});
