// Target: the chunked decoder (RFC 9112 §7.1), behind a fixed request head, fed bodies
// from the chunk grammar (size forms, extensions, whitespace, overflow, trailers), random
// bytes, and well-formed encodings of random data.
// Invariants:
// 1. No throw but a ProtocolError.
// 2. Split anywhere equals whole.
// 3. A well-formed encoding (any chunk sizes, any extensions) decodes to exactly its data.
// 4. No extension name or value, no trailer name or value holds CR, LF or NUL.

import fc from 'fast-check';
import { assertNoControls, canonical, drive, latin1, split } from '../drive.js';
import { anyByte, chunkedBody, cuts } from '../grammar.js';
import { target } from '../target.js';

const HEAD = 'POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n';

/** A well-formed chunked encoding of `data` cut into `sizes`, and the data it carries. */
const wellFormed = fc
  .tuple(fc.array(fc.array(anyByte, { minLength: 1, maxLength: 40 }), { maxLength: 6 }), fc.boolean(), fc.constantFrom('', ';a', ';a=b', ';a="x y"'))
  .map(([pieces, upper, ext]) => {
    const data = pieces.map((p) => p.join(''));
    const encoded = data.map((d) => `${upper ? d.length.toString(16).toUpperCase() : d.length.toString(16)}${ext}\r\n${d}\r\n`).join('') + '0\r\n\r\n';
    return { encoded, data: data.join('') };
  });

export const chunked = target({
  name: 'chunked',
  invariants: [
    'no throw but a ProtocolError',
    'split anywhere equals whole',
    'a well-formed encoding decodes to exactly its data',
    'no extension or trailer name or value holds CR, LF or NUL',
  ],
  input: fc.record({
    body: fc.oneof(
      { weight: 3, arbitrary: chunkedBody.map((encoded) => ({ encoded, data: null as string | null })) },
      { weight: 2, arbitrary: wellFormed },
      { weight: 1, arbitrary: fc.array(anyByte, { maxLength: 48 }).map((cs) => ({ encoded: cs.join(''), data: null as string | null })) },
    ),
    cuts,
  }),
  check({ body, cuts: at }) {
    const bytes = latin1(HEAD + body.encoded);
    const whole = drive('server', [bytes], false);
    assertNoControls(whole);
    if (body.data !== null) {
      if (whole.error !== null || whole.messages !== 1) throw new Error(`a well-formed chunked body was not read: ${whole.lines.join(' | ')}`);
      const got = Buffer.from(whole.bodies[0]!).toString('latin1');
      if (got !== body.data) throw new Error(`decoded ${JSON.stringify(got)}, sent ${JSON.stringify(body.data)}`);
    }
    const parts = drive('server', split(bytes, at), false);
    if (canonical(whole) !== canonical(parts)) throw new Error(`split reads differ:\nwhole: ${canonical(whole)}\nsplit: ${canonical(parts)}`);
  },
});
