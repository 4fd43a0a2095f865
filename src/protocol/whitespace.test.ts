// Framing values surrounded by anything but OWS, and lists with empty members, in both
// roles, whole and split at every byte (parse() runs every split). OWS is SP and HTAB
// only (RFC 9110 §5.6.3); empty list members are ignored (RFC 9110 §5.6.1); a version is
// exactly DIGIT "." DIGIT (RFC 9112 §2.3).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from './connection.js';
import { keepAliveTimeout, listMembers, trimOws } from './syntax.js';
import { bytes, parse, parseError } from '../../test/lib/transcript.js';

/**
 * Every byte a latin1 head can carry that String.prototype.trim() or a regex \s would take
 * for a space, and every other control: C0 but HTAB, DEL, C1 (NEL 0x85 among them), NBSP.
 */
const NOT_OWS: number[] = [];
for (let c = 0; c < 0x20; c++) if (c !== 0x09) NOT_OWS.push(c);
for (let c = 0x7f; c <= 0xa0; c++) NOT_OWS.push(c);

const hex = (c: number): string => `0x${c.toString(16).padStart(2, '0')}`;
const request = (field: string, body = ''): string => `POST / HTTP/1.1\r\nHost: h\r\n${field}\r\n\r\n${body}`;
const response = (field: string, body = ''): string => `HTTP/1.1 200 OK\r\n${field}\r\n\r\n${body}`;
const asClient = (conn: Connection): void => {
  conn.send({ type: 'request', method: 'GET', target: '/', fields: [['Host', 'h']] });
  conn.send({ type: 'end-of-message' });
};

/** The forms of the smuggling corpus, with the code a byte above 0x7f gets (a control below fails as a field value). */
const forms = (b: string): [string, string][] => [
  [`Transfer-Encoding: ${b}chunked`, 'invalid-transfer-encoding'],
  [`Transfer-Encoding: chunked${b}`, 'invalid-transfer-encoding'],
  [`Content-Length: ${b}5`, 'invalid-content-length'],
  [`Content-Length: 5${b}`, 'invalid-content-length'],
  [`Content-Length: 5,${b}5`, 'invalid-content-length'],
];

for (const c of NOT_OWS) {
  const b = String.fromCharCode(c);
  test(`${hex(c)} around a framing value is refused: 400 in a request, an error in a response`, () => {
    for (const [field, code] of forms(b)) {
      const server = parseError('server', request(field, '0\r\n\r\nhello'));
      assert.equal(server.status, 400, `${JSON.stringify(field)}: ${JSON.stringify(server)}`);
      const client = parseError('client', response(field, '0\r\n\r\nhello'), { setup: asClient });
      if (c >= 0x80) {
        // Bytes a field value may hold (obs-text): refused as a framing value.
        assert.equal(server.code, code, JSON.stringify(field));
        assert.equal(client.code, code, JSON.stringify(field));
      } else {
        // A control: refused as a field value before it is read for framing.
        assert.match(server.code, /^(invalid-field-value|bare-cr|bare-lf|obs-fold|invalid-field-name)$/, JSON.stringify(field));
        assert.match(client.code, /^(invalid-field-value|bare-cr|bare-lf|obs-fold|invalid-field-name)$/, JSON.stringify(field));
      }
    }
  });
}

test('SP and HTAB around a framing value are OWS: read as chunked and as 5, in both roles', () => {
  for (const ows of [' ', '\t', ' \t ']) {
    const chunked = parse('server', request(`Transfer-Encoding:${ows}chunked${ows}`, '5\r\nhello\r\n0\r\n\r\n'));
    assert.deepEqual(chunked.slice(1, 3).map((item) => item.type), ['body', 'end']);
    const length = parse('server', request(`Content-Length:${ows}5,${ows}5${ows}`, 'hello'));
    assert.deepEqual(length.slice(1, 3), [{ type: 'body', chunks: [{ extensions: null, data: 'hello' }] }, { type: 'end', extensions: null, trailers: null }]);
    const client = parse('client', response(`Content-Length:${ows}5${ows}`, 'hello'), { setup: asClient });
    assert.deepEqual(client.slice(1, 2), [{ type: 'body', chunks: [{ extensions: null, data: 'hello' }] }]);
  }
});

test('a Transfer-Encoding that is not a coding is 400; a coding that is not chunked is 501', () => {
  assert.deepEqual(parseError('server', request('Transfer-Encoding: chunked\xa0', '0\r\n\r\n')), { code: 'invalid-transfer-encoding', status: 400 });
  assert.deepEqual(parseError('server', request('Transfer-Encoding: gzip', '')), { code: 'unsupported-transfer-coding', status: 501 });
  assert.deepEqual(parseError('server', request('Transfer-Encoding: ,', '')), { code: 'invalid-transfer-encoding', status: 400 });
});

test('empty list members are accepted and ignored: Transfer-Encoding and Connection, both roles', () => {
  for (const te of [',chunked', 'chunked,', ' , chunked , ', ',,chunked,,', 'CHUNKED ,']) {
    const chunkedBody = [{ type: 'body', chunks: [{ extensions: [], data: 'hello' }] }, { type: 'end', extensions: [], trailers: null }];
    const items = parse('server', request(`Transfer-Encoding: ${te}`, '5\r\nhello\r\n0\r\n\r\n'));
    assert.deepEqual(items.slice(1, 3), chunkedBody, te);
    const client = parse('client', response(`Transfer-Encoding: ${te}`, '5\r\nhello\r\n0\r\n\r\n'), { setup: asClient });
    assert.deepEqual(client.slice(1, 3), chunkedBody, te);
  }
  for (const connection of [', close', 'close,', ' ,, close ,']) {
    // A response that says close: bytes after it are data after close.
    const twice = (conn: Connection): void => {
      asClient(conn);
      asClient(conn);
    };
    const items = parse('client', `HTTP/1.1 200 OK\r\nConnection: ${connection}\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n`, { setup: twice });
    assert.deepEqual(items.at(-1), { type: 'error', code: 'data-after-close', status: 400 }, connection);
    // A request that says close: the server must close after its response.
    const server = new Connection('server');
    server.receive(bytes(`GET / HTTP/1.1\r\nHost: h\r\nConnection: ${connection}\r\n\r\n`));
    assert.equal((server.nextEvent() as { type: string }).type, 'request');
    server.send({ type: 'response', status: 200, fields: [['Content-Length', '0']], body: null });
    assert.equal(server.ourState, 'must-close', connection);
  }
  assert.deepEqual(listMembers(' , a ,, B\t,'), ['a', 'b']);
  assert.deepEqual(listMembers(''), []);
  assert.equal(keepAliveTimeout(', timeout=5,'), 5);
  assert.equal(keepAliveTimeout('timeout=\xa05'), null, 'NBSP is not OWS');
});

test('trimOws trims SP and HTAB only', () => {
  assert.equal(trimOws(' \t a b \t '), 'a b');
  for (const c of NOT_OWS) assert.equal(trimOws(`${String.fromCharCode(c)}a`).length, 2, hex(c));
  assert.equal(trimOws('\u2003a\ufeff'), '\u2003a\ufeff');
});

test('a version that is not exactly DIGIT.DIGIT is 400, whole and split', () => {
  for (const version of ['HTTP/1.32', 'HTTP/1.10', 'HTTP/2.00', 'HTTP/11.1', 'HTTP/1.1.1']) {
    assert.deepEqual(parseError('server', `GET / ${version}\r\nHost: h\r\n\r\n`), { code: 'invalid-version', status: 400 }, version);
    assert.equal(parseError('client', `${version} 200 OK\r\n\r\n`, { setup: asClient }).code, version === 'HTTP/1.1.1' ? 'invalid-start-line' : 'invalid-version', version);
  }
  assert.deepEqual(parseError('server', 'GET / HTTP/1.3\r\nHost: h\r\n\r\n'), { code: 'unsupported-version', status: 505 });
  assert.equal(parseError('client', 'HTTP/1.3 200 OK\r\n\r\n', { setup: asClient }).code, 'unsupported-version');
});
