// Target: the serializer (Connection.send for heads), fed random requests and responses:
// methods, targets, reasons, field names and values drawn from any byte, bodies sent whole.
// Invariants:
// 1. send() either refuses with a local ProtocolError or returns bytes; nothing else throws.
// 2. What it returns parses back, on a peer Connection, to the same message: method, target,
//    status, reason, every field line in order, and the body (round trip).
// 3. A refused event changes nothing: the connection can send a valid message after it.

import fc from 'fast-check';
import { Connection, ProtocolError, type FieldLine } from '../../../src/protocol/index.js';
import { drive } from '../drive.js';
import { anyByte, token, value } from '../grammar.js';
import { target } from '../target.js';

const str = (max: number) => fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...'abc/?=%-_.: ') }, { weight: 1, arbitrary: anyByte }), { maxLength: max }).map((c) => c.join(''));
const line = fc.tuple(fc.oneof(token, str(6)), fc.oneof(value, str(10))) as fc.Arbitrary<FieldLine>;

function bytesOf(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export const serializer = target({
  name: 'serializer',
  invariants: [
    'send() refuses with a local ProtocolError or returns bytes',
    'the bytes parse back on a peer to the same start line, field lines and body',
    'a refused event changes nothing: a valid message can be sent after it',
  ],
  input: fc.record({
    request: fc.boolean(),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'HEAD'), str(6)),
    target: fc.oneof(fc.constantFrom('/', '/x?y', '*'), str(12)),
    status: fc.oneof(fc.constantFrom(200, 204, 304, 404), fc.integer({ min: -10, max: 1000 })),
    reason: fc.option(str(10)),
    fields: fc.array(line, { maxLength: 6 }),
    body: fc.option(fc.uint8Array({ maxLength: 40 })),
  }),
  check(m) {
    const role = m.request ? 'client' : 'server';
    const conn = new Connection(role);
    // Host is the caller's to give (a Unix-socket peer may take none, allowMissingHost): always given here.
    const fields: FieldLine[] = m.request ? [['host', 'h'], ...m.fields] : [...m.fields];
    let peer: Connection | null = null;
    let prefix: Uint8Array = new Uint8Array(0);
    if (!m.request) {
      // A server answers a request it has read.
      prefix = Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n', 'latin1');
      conn.receive(prefix);
      const event = conn.nextEvent();
      if (typeof event === 'string' || event.type !== 'request') throw new Error('the fixed request was not read');
      conn.nextEvent();
    }
    let out: Uint8Array[];
    try {
      out = m.request
        ? conn.send({ type: 'request', method: m.method, target: m.target, fields, body: m.body })
        : conn.send({ type: 'response', status: m.status, reason: m.reason ?? undefined, fields, body: m.body });
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.side !== 'local') throw error;
      // Refused: the connection must still send a valid message.
      if (m.request) conn.send({ type: 'request', method: 'GET', target: '/', fields: [['host', 'h']], body: null });
      else conn.send({ type: 'response', status: 204, body: null });
      return;
    }
    void peer;
    const sent = bytesOf(out);
    const read = drive(m.request ? 'server' : 'client', [sent], !m.request);
    if (read.error !== null) throw new Error(`sent ${JSON.stringify(Buffer.from(sent).toString('latin1'))}; the peer refused it: ${read.error}`);
    const head = read.heads[0];
    const start = m.request ? `${m.method} ${m.target}` : `${m.status} `;
    if (head === undefined || (m.request ? head.start !== start : !head.start.startsWith(start))) {
      throw new Error(`sent ${JSON.stringify(Buffer.from(sent).toString('latin1'))}; read back ${read.lines[0]}`);
    }
    if (!m.request && m.reason !== null && head.start !== `${m.status} ${m.reason}`) throw new Error(`reason ${JSON.stringify(m.reason)} read back as ${JSON.stringify(head.start)}`);
    const rawFields = head.fields;
    for (const [name, v] of fields) {
      if (!rawFields.some(([n, w]) => n.toLowerCase() === name.toLowerCase() && w === v)) {
        throw new Error(`field ${JSON.stringify([name, v])} was sent as ${JSON.stringify(Buffer.from(sent).toString('latin1'))} and read back as ${JSON.stringify(rawFields)}`);
      }
    }
    const expected = m.body ?? new Uint8Array(0);
    const got = read.bodies[0];
    const bodyless = !m.request && (m.status === 204 || m.status === 304 || (m.status >= 100 && m.status < 200));
    if (!bodyless && got !== undefined && Buffer.compare(Buffer.from(got), Buffer.from(expected)) !== 0) {
      throw new Error(`body sent ${expected.length} bytes, read back ${got.length}`);
    }
  },
});
