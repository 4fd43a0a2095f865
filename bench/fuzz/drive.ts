// Drives a protocol Connection over a byte stream cut into reads, and writes down what it
// produced as a transcript of plain strings, so that two runs (whole, split) compare with
// one `===`. Server role: each request is answered once it has ended, so pipelined requests
// are read. Client role: one GET is sent before each response. A ProtocolError ends the
// transcript with its code; any other throw is a bug and propagates.

import { Connection, ProtocolError, type ReceivedEvent } from '../../src/protocol/index.js';

export type Role = 'client' | 'server';

/** What a Connection made of a stream: one line per event, and the error code that ended it. */
export interface Transcript {
  readonly lines: string[];
  /** The ProtocolError code that stopped reading, or null. */
  readonly error: string | null;
  /** Messages read to their end-of-message. */
  readonly messages: number;
  /** Body bytes of those messages, in order. */
  readonly bodies: Uint8Array[];
  /** Each head read: its start line (method target, or status reason) and field lines. */
  readonly heads: { readonly start: string; readonly fields: readonly (readonly [string, string])[] }[];
  /** Strings the core handed out (names, values, targets, reasons): checked for CR, LF, NUL. */
  readonly strings: string[];
}

const MAX_STEPS = 10_000;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** Feeds `reads` in order (then EOF when `eof`), pulling every event in between. */
export function drive(role: Role, reads: readonly Uint8Array[], eof: boolean): Transcript {
  const conn = new Connection(role);
  const lines: string[] = [];
  const strings: string[] = [];
  const bodies: Uint8Array[] = [];
  const heads: Transcript['heads'] = [];
  let body: Uint8Array[] = [];
  let messages = 0;
  let error: string | null = null;
  const sendRequest = (): void => {
    // A request only for bytes that are there: a GET sent before EOF would make a clean close an incomplete response.
    if (role === 'client' && conn.ourState === 'idle' && conn.theirState === 'idle' && conn.bufferedBytes > 0) conn.send({ type: 'request', method: 'GET', target: '/', fields: [['host', 'fuzz']], body: null });
  };
  const record = (event: ReceivedEvent): void => {
    switch (event.type) {
      case 'request':
      case 'response':
      case 'informational': {
        const start = event.type === 'request' ? `${event.method} ${event.target}` : `${event.status} ${event.reason}`;
        strings.push(start);
        heads.push({ start, fields: event.fields.raw() });
        for (const [name, value] of event.fields) strings.push(name, value);
        const framing = event.type === 'informational' ? '' : JSON.stringify(event.framing);
        lines.push(`${event.type} ${start} ${event.version} ${JSON.stringify(event.fields.raw())} ${framing}`);
        break;
      }
      case 'data':
        // Data events may be cut anywhere a read ends: the transcript joins them per chunk.
        body.push(event.data);
        if (event.extensions !== null) {
          for (const [n, v] of event.extensions) strings.push(n, v ?? '');
          lines.push(`ext ${JSON.stringify(event.extensions)}`);
        }
        if (event.chunkEnd) lines.push('chunk-end');
        break;
      case 'end-of-message': {
        const all = Buffer.concat(body);
        bodies.push(all);
        lines.push(`body ${JSON.stringify(hex(all))}`);
        body = [];
        if (event.trailers !== null) for (const [name, value] of event.trailers) strings.push(name, value);
        lines.push(`end ${JSON.stringify(event.extensions)} ${JSON.stringify(event.trailers?.raw() ?? null)}`);
        messages++;
        if (role === 'server' && conn.ourState === 'send-response') conn.send({ type: 'response', status: 204, body: null });
        break;
      }
      case 'connection-closed':
        lines.push('closed');
        break;
    }
  };
  const pull = (): boolean => {
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      sendRequest();
      const event = conn.nextEvent();
      if (event === 'need-data') return true;
      if (event === 'paused') return false;
      record(event);
      if (event.type === 'connection-closed') return false;
    }
    throw new Error(`no need-data after ${MAX_STEPS} events: the core loops`);
  };
  try {
    let going = true;
    for (const read of reads) {
      conn.receive(read);
      if (!(going = pull())) break;
    }
    if (going && eof) {
      conn.receiveClose();
      pull();
    }
  } catch (caught) {
    if (!(caught instanceof ProtocolError)) throw caught;
    error = caught.code;
    lines.push(`error ${caught.code}`);
  }
  return { lines, error, messages, bodies, heads, strings };
}

/** `bytes` cut at the given offsets (any order, out-of-range ones ignored). */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of at) {
    out.push(bytes.subarray(from, to));
    from = to;
  }
  out.push(bytes.subarray(from));
  return out.filter((piece) => piece.length > 0);
}

/** The transcript with body bytes joined across data events, which is what split-anywhere must keep. */
export function canonical(t: Transcript): string {
  // Per-chunk data boundaries depend on the reads; extensions and chunk ends do not.
  return t.lines.join('\n');
}

/** Fails when a string the core handed out carries CR, LF or NUL (the input framed none of them into a value). */
export function assertNoControls(t: Transcript): void {
  for (const s of t.strings) {
    if (/[\r\n\0]/.test(s)) throw new Error(`the core handed out ${JSON.stringify(s)}, which holds CR, LF or NUL`);
  }
}

export function latin1(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}
