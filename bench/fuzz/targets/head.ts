// Targets: the head parser in both roles (requests read by a server, responses read by a
// client), through the public Connection, on grammar-near streams (pipelined messages with
// bodies, mutated whitespace and bytes) and plain random bytes.
// Invariants:
// 1. No throw but a ProtocolError: every malformed input fails with a stable code.
// 2. Split anywhere equals whole: the same events and the same error code whatever the reads.
// 3. No method, target, reason, field name or value handed out holds CR, LF or NUL.
// 4. The core always comes back (need-data, paused or an event) within a bounded number of steps.

import { assertNoControls, canonical, drive, latin1, split, type Role } from '../drive.js';
import { cuts, request, response, stream } from '../grammar.js';
import fc from 'fast-check';
import { target } from '../target.js';

function headTarget(name: string, role: Role, message: fc.Arbitrary<string>) {
  return target({
    name,
    invariants: [
      'no throw but a ProtocolError',
      'split anywhere equals whole (events and error code)',
      'no start-line part, field name or value holds CR, LF or NUL',
      'every nextEvent() returns within a bounded number of steps',
    ],
    input: fc.record({ text: stream(message), cuts, eof: fc.boolean() }),
    check({ text, cuts: at, eof }) {
      const bytes = latin1(text);
      const whole = drive(role, [bytes], eof);
      assertNoControls(whole);
      const parts = drive(role, split(bytes, at), eof);
      const a = canonical(whole);
      const b = canonical(parts);
      if (a !== b) throw new Error(`split reads differ from one read:\nwhole: ${a}\nsplit: ${b}`);
    },
  });
}

export const requestHead = headTarget('head-request', 'server', request);
export const responseHead = headTarget('head-response', 'client', response);
