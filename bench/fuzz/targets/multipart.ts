// Target: warren/app's multipart/form-data parser (src/app/multipart/parser.ts), on bodies
// near the grammar (delimiters with padding and stray dashes, part heads with odd
// dispositions, CR/LF in the wrong places, random bytes) and on well-formed bodies.
// Invariants:
// 1. No throw but an HttpError with a code and a 4xx status.
// 2. Split anywhere equals whole: the same events (data joined per part) and error code.
// 3. A well-formed body of random fields parses to exactly those names and bytes.
// 4. No part name, filename or header value handed out holds CR, LF or NUL.

import fc from 'fast-check';
import { HttpError, MultipartParser, type MultipartLimits } from '../../../src/app/index.js';
import { DEFAULT_FORM_LIMITS } from '../../../src/app/form/limits.js';
import { split } from '../drive.js';
import { anyByte, cuts } from '../grammar.js';
import { target } from '../target.js';

const B = 'XyZ';
const LIMITS: MultipartLimits = { ...DEFAULT_FORM_LIMITS, maxParts: 16, maxFields: 16, maxFiles: 4 };
const piece = fc.oneof(
  fc.constantFrom(`--${B}\r\n`, `\r\n--${B}\r\n`, `\r\n--${B}--`, `\r\n--${B}--\r\n`, `\r\n--${B} \t\r\n`, `\r\n--${B}-\r\n`, `--${B}x\r\n`, '\r\n', '\n', '\r', '--'),
  fc.constantFrom('Content-Disposition: form-data; name="a"\r\n\r\n', 'Content-Disposition: form-data; name="f"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\n', "content-disposition: form-data; name*=utf-8''%C3%A9\r\n\r\n", 'Content-Disposition: form-data\r\n\r\n', 'Content-Disposition: form-data; name="a\r\n\r\n', 'Content-Transfer-Encoding: base64\r\n', 'X: y\r\n z\r\n'),
  fc.array(anyByte, { maxLength: 12 }).map((c) => c.join('')),
);
const nearBody = fc.array(piece, { maxLength: 10 }).map((p) => p.join(''));
const fields = fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.array(anyByte, { maxLength: 30 }).map((c) => c.join(''))), { minLength: 1, maxLength: 4 })
  .filter((fs) => fs.every(([, v]) => !`\r\n${v}`.includes(`\r\n--${B}`) && !v.includes(`--${B}`)));

function latin(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

interface Read {
  lines: string[];
  parts: [string, string][];
  strings: string[];
}

function read(reads: readonly Uint8Array[]): Read {
  const p = new MultipartParser(B, LIMITS);
  const lines: string[] = [];
  const parts: [string, string][] = [];
  const strings: string[] = [];
  let name = '';
  let data: Uint8Array[] = [];
  const pull = (): boolean => {
    for (let i = 0; i < 10_000; i++) {
      const e = p.next();
      if (e === 'need-data') return true;
      if (e.type === 'part-start') {
        name = e.name;
        strings.push(e.name, e.filename ?? '', e.contentType, ...e.headers.flatMap((h) => Object.values(h).map(String)));
        lines.push(`start ${JSON.stringify([e.name, e.filename, e.contentType])}`);
      } else if (e.type === 'data') data.push(Buffer.from(e.bytes));
      else if (e.type === 'part-end') {
        const text = Buffer.concat(data).toString('latin1');
        parts.push([name, text]);
        lines.push(`end ${JSON.stringify(text)}`);
        data = [];
      } else {
        lines.push('done');
        return false;
      }
    }
    throw new Error('no need-data after 10,000 events');
  };
  try {
    let going = true;
    for (const r of reads) {
      p.receive(r);
      if (!(going = pull())) break;
    }
    if (going) {
      p.end();
      pull();
    }
  } catch (error) {
    if (!(error instanceof HttpError) || typeof error.code !== 'string' || error.status < 400 || error.status > 499) throw error;
    lines.push(`error ${error.code}`);
  }
  return { lines, parts, strings };
}

export const multipart = target({
  name: 'multipart',
  invariants: [
    'no throw but a coded HttpError with a 4xx status',
    'split anywhere equals whole',
    'a well-formed body of random fields parses to exactly those fields',
    'no part name, filename or header value holds CR, LF or NUL',
  ],
  input: fc.record({ body: nearBody, fields, cuts }),
  check({ body, fields: fs, cuts: at }) {
    const bytes = latin(body);
    const whole = read([bytes]);
    for (const s of whole.strings) if (/[\r\n\0]/.test(s)) throw new Error(`handed out ${JSON.stringify(s)}`);
    const parts = read(split(bytes, at));
    if (whole.lines.join('\n') !== parts.lines.join('\n')) throw new Error(`split differs:\nwhole: ${whole.lines.join(' | ')}\nsplit: ${parts.lines.join(' | ')}`);
    const good = fs.map(([n, v]) => `--${B}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join('') + `--${B}--\r\n`;
    const got = read(split(latin(good), at));
    if (JSON.stringify(got.parts) !== JSON.stringify(fs)) throw new Error(`sent ${JSON.stringify(fs)}, read ${JSON.stringify(got.lines)}`);
  },
});
