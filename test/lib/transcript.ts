// Turns what a protocol Connection reports into a transcript that does not depend on how
// the input was split, and runs an input whole and split at every byte.

import assert from 'node:assert/strict';
import { Connection, ProtocolError, type ConnectionOptions, type Role } from '../../src/protocol/index.js';

export type Item =
  | { type: 'request'; method: string; target: string; version: string; fields: (readonly [string, string])[] }
  | { type: 'informational' | 'response'; status: number; reason: string; version: string; fields: (readonly [string, string])[] }
  | { type: 'body'; chunks: { extensions: (readonly [string, string | null])[] | null; data: string }[] }
  | { type: 'end'; extensions: (readonly [string, string | null])[] | null; trailers: (readonly [string, string])[] | null }
  | { type: 'closed' }
  | { type: 'paused' }
  | { type: 'error'; code: string; status: number };

export const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
export const text = (data: Uint8Array | readonly Uint8Array[]): string =>
  Buffer.concat((data instanceof Uint8Array ? [data] : data) as Uint8Array[]).toString('latin1');

/** Reads events until the connection needs data or pauses, appending them to `out`. */
export function drain(conn: Connection, out: Item[]): 'need-data' | 'paused' | 'closed' | 'error' {
  for (;;) {
    let event;
    try {
      event = conn.nextEvent();
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      out.push({ type: 'error', code: error.code, status: error.status });
      return 'error';
    }
    if (event === 'need-data') return event;
    if (event === 'paused') {
      out.push({ type: 'paused' });
      return event;
    }
    switch (event.type) {
      case 'request':
        out.push({ type: 'request', method: event.method, target: event.target, version: event.version, fields: event.fields.raw() });
        break;
      case 'informational':
      case 'response':
        out.push({ type: event.type, status: event.status, reason: event.reason, version: event.version, fields: event.fields.raw() });
        break;
      case 'data': {
        let last = out.at(-1);
        if (last?.type !== 'body') out.push((last = { type: 'body', chunks: [] }));
        const chunks = (last as Extract<Item, { type: 'body' }>).chunks;
        if (event.extensions !== null || chunks.length === 0) chunks.push({ extensions: event.extensions?.slice() ?? null, data: '' });
        chunks.at(-1)!.data += text(event.data);
        break;
      }
      case 'end-of-message':
        out.push({ type: 'end', extensions: event.extensions?.slice() ?? null, trailers: event.trailers?.raw() ?? null });
        break;
      case 'connection-closed':
        out.push({ type: 'closed' });
        return 'closed';
    }
  }
}

/** Feeds `pieces` to a fresh connection prepared by `setup`; returns the transcript. */
export function transcript(role: Role, pieces: Uint8Array[], options: ConnectionOptions & { close?: boolean; setup?: (conn: Connection) => void } = {}): Item[] {
  const conn = new Connection(role, options);
  options.setup?.(conn);
  const out: Item[] = [];
  let state = 'need-data';
  for (const piece of pieces) {
    conn.receive(piece);
    if (state === 'need-data') state = drain(conn, out);
  }
  if (options.close && state === 'need-data') {
    conn.receiveClose();
    drain(conn, out);
  }
  return out;
}

/** The transcript of `input` fed whole; asserts every two-piece split and byte-by-byte feeding give the same. */
export function parse(role: Role, input: string, options: ConnectionOptions & { close?: boolean; setup?: (conn: Connection) => void } = {}): Item[] {
  const all = bytes(input);
  const whole = transcript(role, [all], options);
  for (let k = 1; k < all.length; k++) {
    assert.deepEqual(transcript(role, [all.subarray(0, k), all.subarray(k)], options), whole, `split at ${k} differs from whole`);
  }
  assert.deepEqual(transcript(role, Array.from(all, (_, i) => all.subarray(i, i + 1)), options), whole, 'byte by byte differs from whole');
  return whole;
}

/** The error the input ends in, the same whole and split. */
export function parseError(role: Role, input: string, options: ConnectionOptions & { close?: boolean; setup?: (conn: Connection) => void } = {}): { code: string; status: number } {
  const items = parse(role, input, options);
  const last = items.at(-1);
  assert.equal(last?.type, 'error', `expected an error, got ${JSON.stringify(items)}`);
  const { code, status } = last as Extract<Item, { type: 'error' }>;
  return { code, status };
}
