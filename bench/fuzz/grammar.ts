// fast-check generators of HTTP/1.1 text near the grammar's edges: tokens, values, start
// lines and whole messages drawn from pools that mix the valid forms with the bytes that
// broke other parsers (SP/HTAB/0xA0/VT/FF/CR/LF/NUL, obs-fold, duplicate framing fields).
// Everything is a latin1 string; latin1() turns it into the bytes a peer would send.

import fc from 'fast-check';

const WS = [' ', '\t', '\xa0', '\x0b', '\x0c', '\r', '\n', '\0', '', '', ''];
export const ws = fc.constantFrom(...WS);
export const anyByte = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A short string mostly from `alphabet`, now and then any byte. */
function textOf(alphabet: string, max: number): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...alphabet) }, { weight: 1, arbitrary: anyByte }), { maxLength: max })
    .map((cs) => cs.join(''));
}

export const token = fc.oneof(
  fc.constantFrom('host', 'content-length', 'transfer-encoding', 'connection', 'Content-Length', 'Transfer-Encoding', 'x-a', 'expect', 'upgrade', 'trailer'),
  textOf(TCHAR, 8),
);
export const value = fc.oneof(
  fc.constantFrom('', 'chunked', 'gzip, chunked', 'chunked, gzip', 'Chunked', '0', '5', '05', '+5', '5, 5', '5,', ',5', '-1', '99999999999999999999', 'close', 'keep-alive', 'upgrade', '100-continue', 'identity'),
  textOf('abcxyz 0123456789,;="\t', 12),
);
export const field = fc.tuple(ws, token, ws, fc.constantFrom(':', ':', ':', ' :', ''), ws, value, ws).map((p) => p.join(''));
const eol = fc.constantFrom('\r\n', '\r\n', '\r\n', '\r\n', '\n', '\r', '\r\n ', '\r\n\t');
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/1.32', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 ', 'HTTP/01.1');
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'get', 'CONNECT'), textOf(TCHAR, 6));
const target = fc.oneof(fc.constantFrom('/', '/a?b=c', '*', 'http://h/x', 'h:80'), textOf('/abc?=&%20', 10));
const status = fc.oneof(fc.constantFrom('200', '204', '304', '100', '101', '404', '999', '20', '0200'), textOf('0123456789', 4));
const reason = textOf('OK Not Found\t', 10);
const body = textOf('abc\r\n0123456789;', 24);

/** A chunked body: sizes in every form, extensions, the last chunk, trailers. */
export const chunkedBody = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom('', '', '0', '00', ' ', '\t'),
        textOf('abcdef', 10),
        fc.constantFrom('', '', ';x', ';x=y', ';x="q\\"r"', ' ;x', ';', '\t', ' '),
        eol,
        fc.constantFrom('', '', 'X', '\r', '\n'),
        fc.boolean(),
      ),
      { maxLength: 4 },
    ),
    fc.constantFrom('0', '000', '0;ext', '0 ', 'fffffffffffffffff1', '-0'),
    fc.constantFrom('', '', 'x-t: 1\r\n', 'content-length: 3\r\n', 'x:\r\n y\r\n'),
    eol,
  )
  .map(([chunks, last, trailers, end]) =>
    chunks
      .map(([lead, data, ext, e, junk, upper]) => {
        const size = data.length.toString(16);
        return `${lead}${upper ? size.toUpperCase() : size}${ext}${e}${data}${junk}\r\n`;
      })
      .join('') + `${last}\r\n${trailers}${end}`,
  );

const fields = fc.array(fc.tuple(field, eol).map(([f, e]) => f + e), { maxLength: 8 });

/** A request: start line, field lines, and a body framed by what the head says or by chance. */
export const request = fc
  .tuple(method, fc.constantFrom(' ', ' ', '  ', '\t'), target, fc.constantFrom(' ', ' ', '\t'), version, eol, fields, fc.boolean(), fc.oneof(body, chunkedBody))
  .map(([m, s1, t, s2, v, e, fs, host, b]) => `${m}${s1}${t}${s2}${v}${e}${host ? 'Host: h\r\n' : ''}${fs.join('')}\r\n${b}`);

/** A response, likewise. */
export const response = fc
  .tuple(version, fc.constantFrom(' ', ' ', '  '), status, fc.constantFrom(' ', ' ', ''), reason, eol, fields, fc.oneof(body, chunkedBody))
  .map(([v, s1, st, s2, r, e, fs, b]) => `${v}${s1}${st}${s2}${r}${e}${fs.join('')}\r\n${b}`);

/** Cut points for split-anywhere (taken modulo the input's length). */
export const cuts = fc.array(fc.nat({ max: 4096 }), { maxLength: 12 });

/** One or more messages back to back (pipelining), or plain random bytes. */
export function stream(message: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(message, { minLength: 1, maxLength: 3 }).map((ms) => ms.join('')) },
    { weight: 1, arbitrary: fc.array(anyByte, { maxLength: 64 }).map((cs) => cs.join('')) },
  );
}
