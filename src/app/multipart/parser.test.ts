// The multipart parser: RFC 7578's and RFC 2388's examples, every input whole and split at
// every byte, random boundaries and bodies (fast-check), every malformed form we know
// (400) and every limit (413), and the delimiter search's linearity counted in steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MultipartParser, type MultipartLimits } from './parser.js';
import { boundaryOf } from './params.js';
import { DEFAULT_FORM_LIMITS } from '../form/limits.js';
import { HttpError } from '../errors.js';

interface Part {
  name: string;
  filename: string | null;
  contentType: string;
  data: string;
}
type Outcome = { parts: Part[] } | { status: number; code: string };

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Runs the parser over `pieces`; the events become parts with their data as latin1 text. */
function run(pieces: readonly Uint8Array[], boundary: string, limits: Partial<MultipartLimits> = {}): Outcome {
  const parser = new MultipartParser(boundary, { ...DEFAULT_FORM_LIMITS, ...limits });
  const parts: Part[] = [];
  let current: Part | null = null;
  let i = 0;
  try {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const event = parser.next();
      if (event === 'need-data') {
        if (i < pieces.length) parser.receive(pieces[i++]!);
        else parser.end();
        continue;
      }
      if (event.type === 'done') return { parts };
      if (event.type === 'part-start') {
        assert.equal(current, null, 'part-start inside a part');
        current = { name: event.name, filename: event.filename, contentType: event.contentType, data: '' };
      } else if (event.type === 'data') {
        assert.ok(current !== null, 'data outside a part');
        assert.ok(event.bytes.length > 0, 'an empty data event');
        current.data += Buffer.from(event.bytes).toString('latin1');
      } else {
        assert.ok(current !== null, 'part-end outside a part');
        parts.push(current);
        current = null;
      }
    }
    throw new Error('the parser did not finish');
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, code: error.code };
    throw error;
  }
}

/** The outcome of `body` whole, in 1-byte pieces, and split in two at every byte: all must agree. */
function everySplit(body: string, boundary: string, limits: Partial<MultipartLimits> = {}): Outcome {
  const all = bytes(body);
  const whole = run([all], boundary, limits);
  assert.deepEqual(run([...all].map((b) => Uint8Array.of(b)), boundary, limits), whole, 'in 1-byte pieces');
  for (let at = 0; at <= all.length; at++) {
    assert.deepEqual(run([all.subarray(0, at), all.subarray(at)], boundary, limits), whole, `split at ${at}`);
  }
  return whole;
}

const crlf = (...lines: string[]): string => lines.join('\r\n');

test("RFC 2388's example (a field and a file), whole and split at every byte", () => {
  assert.equal(boundaryOf('multipart/form-data; boundary=AaB03x'), 'AaB03x');
  const body = crlf(
    '--AaB03x',
    'content-disposition: form-data; name="field1"',
    '',
    'Joe Blow',
    '--AaB03x',
    'content-disposition: form-data; name="pics"; filename="file1.txt"',
    'Content-Type: text/plain',
    '',
    '... contents of file1.txt ...',
    '--AaB03x--',
    '',
  );
  assert.deepEqual(everySplit(body, 'AaB03x'), {
    parts: [
      { name: 'field1', filename: null, contentType: 'text/plain', data: 'Joe Blow' },
      { name: 'pics', filename: 'file1.txt', contentType: 'text/plain', data: '... contents of file1.txt ...' },
    ],
  });
});

test("RFC 7578 §4.6's _charset_ field is a field like any other; §4.7's quoted-printable part is refused (400)", () => {
  const charset = crlf('--AaB03x', 'content-disposition: form-data; name="_charset_"', '', 'iso-8859-1', '--AaB03x--');
  assert.deepEqual(everySplit(charset, 'AaB03x'), { parts: [{ name: '_charset_', filename: null, contentType: 'text/plain', data: 'iso-8859-1' }] });
  const qp = crlf(
    '--AaB03x',
    'content-disposition: form-data; name="field1"',
    'content-type: text/plain;charset=UTF-8',
    'content-transfer-encoding: quoted-printable',
    '',
    'Joe owes =E2=82=AC100.',
    '--AaB03x--',
  );
  assert.deepEqual(everySplit(qp, 'AaB03x'), { status: 400, code: 'bad-transfer-encoding' });
  const binary = qp.replace('quoted-printable', 'binary');
  assert.deepEqual(everySplit(binary, 'AaB03x'), { parts: [{ name: 'field1', filename: null, contentType: 'text/plain;charset=UTF-8', data: 'Joe owes =E2=82=AC100.' }] });
});

test('a preamble and an epilogue are skipped; SP/HTAB after a delimiter is transport padding; data keeps its CR LFs', () => {
  const body = crlf('this is a preamble', '--b \t', 'Content-Disposition: form-data; name=a', '', '\r\nline\r\n--bX not a delimiter at line start? no: inside data', '--b--  ', 'epilogue -- b', '');
  const out = everySplit(body, 'b');
  assert.deepEqual(out, { status: 400, code: 'bad-delimiter' }, '"--bX" after CR LF is a delimiter followed by garbage');
  const ok = crlf('preamble', '--b \t', 'Content-Disposition: form-data; name=a', '', '\r\nline\r\n-b\r\n--', '--b--  ', 'epilogue', '');
  assert.deepEqual(everySplit(ok, 'b'), { parts: [{ name: 'a', filename: null, contentType: 'text/plain', data: '\r\nline\r\n-b\r\n--' }] });
});

test('an empty form (only the close delimiter) and empty values', () => {
  assert.deepEqual(everySplit('--b--\r\n', 'b'), { parts: [] });
  const body = crlf('--b', 'Content-Disposition: form-data; name="empty"', '', '', '--b', 'Content-Disposition: form-data; name="f"; filename=""', 'Content-Type: application/octet-stream', '', '', '--b--');
  assert.deepEqual(everySplit(body, 'b'), {
    parts: [
      { name: 'empty', filename: null, contentType: 'text/plain', data: '' },
      { name: 'f', filename: '', contentType: 'application/octet-stream', data: '' },
    ],
  });
});

test('filenames: the last path segment only; filename* (RFC 8187) wins; quoted-pairs; UTF-8 names as browsers send them', () => {
  const part = (disposition: string): string => crlf('--b', `Content-Disposition: ${disposition}`, '', 'x', '--b--');
  const nameOf = (disposition: string): string | null => {
    const out = run([Buffer.from(part(disposition), 'utf8')], 'b');
    assert.ok('parts' in out, JSON.stringify(out));
    return out.parts[0]!.filename;
  };
  assert.equal(nameOf('form-data; name="f"; filename="C:\\\\Users\\\\me\\\\a.txt"'), 'a.txt');
  assert.equal(nameOf('form-data; name="f"; filename="../../etc/passwd"'), 'passwd');
  assert.equal(nameOf('form-data; name="f"; filename="a\\"b.txt"'), 'a"b.txt');
  assert.equal(nameOf(`form-data; name="f"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt`), '€ rates.txt');
  assert.equal(nameOf(`form-data; name="f"; filename*=iso-8859-1'en'%A3.txt`), '£.txt');
  assert.equal(nameOf('form-data; name="f"; filename="résumé.pdf"'), 'résumé.pdf');
  assert.equal(nameOf('FORM-DATA; NAME=f; FILENAME=plain.txt;'), 'plain.txt');
});

/** Malformed bodies, each with the code it must give. */
const MALFORMED: [string, string, string][] = [
  ['no final boundary (unclosed stream, CVE-2025-47935)', crlf('--b', 'Content-Disposition: form-data; name=a', '', 'half a value'), 'unexpected-end'],
  ['no delimiter at all', 'just some bytes', 'unexpected-end'],
  ['ends inside the headers', crlf('--b', 'Content-Disposition: form-data; name=a'), 'unexpected-end'],
  ['ends after one dash of the close', '--b-', 'unexpected-end'],
  ['a header without a colon', crlf('--b', 'Content-Disposition form-data; name=a', '', 'x', '--b--'), 'header-without-colon'],
  ['a CR without LF in a header', '--b\r\nContent-Disposition: form-data; name=a\rX\r\n\r\nx\r\n--b--', 'cr-without-lf'],
  ['a CR without LF after a delimiter', '--b\rContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b--', 'cr-without-lf'],
  ['an LF alone in a header', '--b\r\nContent-Disposition: form-data; name=a\n\r\nx\r\n--b--', 'lf-without-cr'],
  ['obs-fold', crlf('--b', 'Content-Disposition: form-data;', ' name=a', '', 'x', '--b--'), 'bad-part-header'],
  ['a control character in a header', crlf('--b', 'Content-Disposition: form-data; name="a\x00"', '', 'x', '--b--'), 'bad-part-header'],
  ['a part after the close delimiter', crlf('--b', 'Content-Disposition: form-data; name=a', '', 'x', '--b--', '--b', 'Content-Disposition: form-data; name=late', '', 'y', '--b--'), 'part-after-close'],
  ['garbage after a delimiter', crlf('--b', 'Content-Disposition: form-data; name=a', '', 'x', '--bb--'), 'bad-delimiter'],
  ['no name (multer 2.0.1 crashed on such parts, CVE-2025-47944)', crlf('--b', 'Content-Disposition: form-data', '', 'x', '--b--'), 'missing-name'],
  ['an empty name (CVE-2025-48997)', crlf('--b', 'Content-Disposition: form-data; name=""', '', 'x', '--b--'), 'empty-name'],
  ['no Content-Disposition (CVE-2025-7338 crashed on malformed parts)', crlf('--b', 'Content-Type: text/plain', '', 'x', '--b--'), 'missing-disposition'],
  ['two Content-Dispositions', crlf('--b', 'Content-Disposition: form-data; name=a', 'Content-Disposition: form-data; name=b', '', 'x', '--b--'), 'duplicate-header'],
  ['not form-data', crlf('--b', 'Content-Disposition: attachment; name=a', '', 'x', '--b--'), 'bad-disposition'],
  ['an unterminated quoted string', crlf('--b', 'Content-Disposition: form-data; name="a', '', 'x', '--b--'), 'bad-disposition'],
  ['a repeated parameter', crlf('--b', 'Content-Disposition: form-data; name=a; name=b', '', 'x', '--b--'), 'bad-disposition'],
  ['filename* in another charset', crlf('--b', "Content-Disposition: form-data; name=a; filename*=koi8-r''x", '', 'x', '--b--'), 'bad-filename'],
  ['filename ".."', crlf('--b', 'Content-Disposition: form-data; name=a; filename="a/.."', '', 'x', '--b--'), 'bad-filename'],
  ['a bad part Content-Type', crlf('--b', 'Content-Disposition: form-data; name=a', 'Content-Type: nonsense', '', 'x', '--b--'), 'bad-content-type'],
  ['a header that is not UTF-8', '--b\r\nContent-Disposition: form-data; name="\xff"\r\n\r\nx\r\n--b--', 'bad-part-header'],
];

for (const [what, body, code] of MALFORMED) {
  test(`400 ${code}: ${what}, at every split`, () => {
    assert.deepEqual(everySplit(body, 'b'), { status: 400, code });
  });
}

test('deeply nested names (CVE-2026-5079) are plain names: no nesting, no prototype keys', () => {
  const name = `${'a'.repeat(10)}${'[x]'.repeat(80)}`;
  const body = crlf('--b', `Content-Disposition: form-data; name="${name}"`, '', 'v', '--b', 'Content-Disposition: form-data; name="__proto__[polluted]"', '', 'yes', '--b--');
  const out = run([bytes(body)], 'b');
  assert.ok('parts' in out);
  assert.deepEqual(out.parts.map((p) => p.name), [name, '__proto__[polluted]']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('the boundary: 1-70 bchars, quoted or not, from the Content-Type; else 400', () => {
  assert.equal(boundaryOf('multipart/form-data; boundary="a b:c?=/"'), 'a b:c?=/');
  assert.equal(boundaryOf(`multipart/form-data;boundary=${'x'.repeat(70)}`), 'x'.repeat(70));
  assert.equal(boundaryOf('Multipart/Form-Data; charset=utf-8; BOUNDARY=----WebKitFormBoundaryABC'), '----WebKitFormBoundaryABC');
  const codeOf = (value: string): string => {
    try {
      boundaryOf(value);
      return 'none';
    } catch (error) {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 400);
      return error.code;
    }
  };
  assert.equal(codeOf('multipart/form-data'), 'missing-boundary');
  assert.equal(codeOf('multipart/form-data; boundary='), 'bad-content-type');
  assert.equal(codeOf('multipart/form-data; boundary=""'), 'bad-boundary');
  assert.equal(codeOf(`multipart/form-data; boundary=${'x'.repeat(71)}`), 'bad-boundary');
  assert.equal(codeOf('multipart/form-data; boundary="ends in space "'), 'bad-boundary');
  assert.equal(codeOf('multipart/form-data; boundary="semi;colon"'), 'bad-boundary');
  assert.equal(codeOf('multipart/form-data; boundary=a; boundary=b'), 'bad-content-type');
  assert.throws(() => new MultipartParser('', DEFAULT_FORM_LIMITS), /1 to 70 printable ASCII characters/);
});

test('every limit is a 413 with its name in the message', () => {
  const field = (name: string, value: string): string => crlf(`Content-Disposition: form-data; name="${name}"`, '', value);
  const file = (name: string, value: string): string => crlf(`Content-Disposition: form-data; name="${name}"; filename="f"`, '', value);
  const form = (...parts: string[]): string => `--b\r\n${parts.join('\r\n--b\r\n')}\r\n--b--`;
  const cases: [Partial<MultipartLimits>, string, string][] = [
    [{ maxParts: 2 }, form(field('a', '1'), file('b', '2'), field('c', '3')), 'too-many-parts'],
    [{ maxFields: 1 }, form(field('a', '1'), file('b', '2'), field('c', '3')), 'too-many-fields'],
    [{ maxFiles: 1 }, form(file('a', '1'), field('b', '2'), file('c', '3')), 'too-many-files'],
    [{ maxFieldBytes: 4 }, form(field('a', '1234'), field('b', '12345')), 'field-too-large'],
    [{ maxFileBytes: 4 }, form(file('a', '1234'), file('b', '12345')), 'file-too-large'],
    [{ maxNameBytes: 3 }, form(field('abc', '1'), field('abcd', '2')), 'name-too-long'],
    [{ maxNameBytes: 3 }, form(field('ab', '1'), field('é€', '2')), 'name-too-long'],
    [{ maxHeaderBytes: 60 }, form(field('a', '1'), field(`a${'x'.repeat(60)}`, '2')), 'part-header-too-large'],
    [{ maxBytes: 50 }, form(field('a', '1'), field('b', '2')), 'form-too-large'],
  ];
  for (const [limits, body, code] of cases) {
    const limit = Object.keys(limits)[0]!;
    const parser = new MultipartParser('b', { ...DEFAULT_FORM_LIMITS, ...limits });
    parser.receive(Buffer.from(body, 'utf8'));
    parser.end();
    let error: unknown = null;
    try {
      for (let i = 0; i < 100 && parser.next() !== 'need-data'; i++);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof HttpError, `${code}: ${String(error)}`);
    assert.equal(error.status, 413, code);
    assert.equal(error.code, code);
    assert.match(error.message, new RegExp(`${limit} = `));
    assert.throws(() => parser.next(), (e) => e === error, 'the parser stays failed');
    // Exactly at the limit passes: one more than each count, one byte more than each size, is what fails.
  }
  const atLimit = run([bytes(form(field('a', '1234')))], 'b', { maxFieldBytes: 4, maxParts: 1, maxFields: 1, maxNameBytes: 1 });
  assert.ok('parts' in atLimit);
});

// Random forms: a random boundary (1-70 bchars) and parts whose data may hold CR, LF, dashes and
// pieces of the boundary, written out, then parsed in random pieces: the parts come back unchanged.
const BCHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ";
const boundaryArb = fc
  .array(fc.constantFrom(...BCHARS), { minLength: 1, maxLength: 70 })
  .map((cs) => cs.join(''))
  .filter((b) => !b.endsWith(' '));

test('random boundaries and parts round-trip in random pieces (fast-check)', () => {
  const partArb = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9_\[\]]{0,12}$/),
    filename: fc.option(fc.stringMatching(/^[a-z0-9._ -]{1,12}$/).filter((f) => f !== '.' && f !== '..'), { nil: null }),
    pieces: fc.array(fc.oneof(fc.constantFrom('\r', '\n', '\r\n', '-', '--', '\r\n--'), fc.string({ maxLength: 8 })), { maxLength: 12 }),
  });
  fc.assert(
    fc.property(boundaryArb, fc.array(partArb, { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (boundary, parts, cuts) => {
      const datas = parts.map((p) => p.pieces.map((x) => x + boundary.slice(0, x.length % (boundary.length + 1))).join(''));
      fc.pre(datas.every((d) => !`\r\n${d}\r\n`.includes(`\r\n--${boundary}`)));
      const body = parts.map((p, i) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === null ? '' : `; filename="${p.filename}"`}\r\n\r\n${datas[i]}\r\n`).join('') + `--${boundary}--\r\n`;
      const all = bytes(body);
      const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
      const pieces = [0, ...at].map((start, i) => all.subarray(start, i < at.length ? at[i] : all.length));
      const out = run(pieces, boundary, { maxNameBytes: 64 });
      assert.deepEqual(out, {
        parts: parts.map((p, i) => ({ name: p.name, filename: p.filename, contentType: p.filename === null ? 'text/plain' : 'application/octet-stream', data: datas[i] })),
      });
    }),
    { numRuns: 300 },
  );
});

test('random bodies never throw anything but a 400 or 413 HttpError (fast-check)', () => {
  const noise = fc.array(fc.oneof(fc.constantFrom('--b', '\r\n', '\r', '\n', '--b--', 'Content-Disposition: form-data; name=a', ':', '"', ';', 'filename="x"', '--'), fc.string({ maxLength: 4 })), { maxLength: 30 });
  fc.assert(
    fc.property(noise, fc.nat(), (pieces, cut) => {
      const all = bytes(pieces.join(''));
      const at = cut % (all.length + 1);
      const out = run([all.subarray(0, at), all.subarray(at)], 'b', { maxHeaderBytes: 64 });
      if ('status' in out) assert.ok(out.status === 400 || out.status === 413, JSON.stringify(out));
    }),
    { numRuns: 2000 },
  );
});

test('the delimiter search is linear: near-delimiters cost at most 3 reads a byte, in any pieces', () => {
  const boundary = `----WebKitFormBoundary${'Z'.repeat(40)}`;
  // Near-delimiters of every length, CRs alone, and the boundary's last byte everywhere (each alignment read twice).
  const near = [`\r\n--${boundary.slice(0, -1)}`, '\r'.repeat(64), `\r\n--${boundary.slice(0, 20)}\r\n--`, `\r\n-\r\n--\r`, 'Z', `\r\n--${boundary.slice(0, 30)}ZZZZZZZZZZ`];
  let worst = 0;
  for (const unit of near) {
    for (const size of [64 * 1024, 256 * 1024]) {
      const data = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
      const body = bytes(`--${boundary}\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n${data}\r\n--${boundary}--`);
      for (const piece of [1, 7, 64 * 1024]) {
        const parser = new MultipartParser(boundary, DEFAULT_FORM_LIMITS);
        let got = 0;
        for (let at = 0; at < body.length; at += piece) {
          parser.receive(body.subarray(at, at + piece));
          for (let e = parser.next(); e !== 'need-data'; e = parser.next()) if (e.type === 'data') got += e.bytes.length;
        }
        parser.end();
        assert.deepEqual(parser.next(), { type: 'done' });
        assert.equal(got, size, `${JSON.stringify(unit.slice(0, 12))} in pieces of ${piece}`);
        const perByte = parser.searchSteps / body.length;
        worst = Math.max(worst, perByte);
        assert.ok(perByte <= 3, `${parser.searchSteps} steps for ${body.length} bytes (${perByte.toFixed(2)} a byte) with ${JSON.stringify(unit.slice(0, 12))} in pieces of ${piece}`);
      }
    }
  }
  console.log(`# the most reads a byte: ${worst.toFixed(2)}`);
});

test("part-start carries every header line, names lowercase, values without surrounding SP/HTAB; padding counts toward maxHeaderBytes", () => {
  const parser = new MultipartParser('b', DEFAULT_FORM_LIMITS);
  parser.receive(bytes('--b\r\nContent-Disposition:\tform-data; name=a \r\nX-Extra:  one two\t\r\n\r\nv\r\n--b--'));
  parser.end();
  assert.deepEqual(parser.next(), {
    type: 'part-start',
    name: 'a',
    filename: null,
    contentType: 'text/plain',
    headers: [
      ['content-disposition', 'form-data; name=a'],
      ['x-extra', 'one two'],
    ],
  });
  const padded = `--b${' '.repeat(40)}\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--`;
  assert.deepEqual(run([bytes(padded)], 'b', { maxHeaderBytes: 60 }), { status: 413, code: 'part-header-too-large' });
  assert.ok('parts' in run([bytes(padded)], 'b', { maxHeaderBytes: 100 }));
});
