// The two sides of the protocol benchmark, each driven the way its own server drives it:
// warren's sans-I/O Connection (fresh per message, fed read by read, or one kept alive
// answering 204), and node's llhttp through the same C parser node:http uses (lib/llhttp).
// Each returns a checksum (fields + body bytes + ...) so a timed batch that skipped work shows.

import { Connection, type SendEvent } from '../../src/protocol/index.js';
import type { LlhttpRequestParser } from '../lib/llhttp.js';

// ---------------------------------------------------------------------------------------
// warren

export const RESPONSE_204: SendEvent = Object.freeze({ type: 'response', status: 204 });
export const END_OF_MESSAGE: SendEvent = Object.freeze({ type: 'end-of-message' });

/**
 * Takes events up to and including end-of-message; returns fields + body bytes +
 * extensions + 1 for the end. Everything needed must already have been received.
 */
export function warrenDrain(conn: Connection): number {
  let sum = 0;
  for (;;) {
    const event = conn.nextEvent();
    if (typeof event === 'string') throw new Error(`warren: '${event}' before end-of-message`);
    switch (event.type) {
      case 'request':
        sum += event.fields.size;
        break;
      case 'data':
        sum += event.data.length;
        if (event.extensions !== null) sum += event.extensions.length;
        break;
      case 'end-of-message':
        return sum + 1;
      default:
        throw new Error(`warren: unexpected ${event.type} event`);
    }
  }
}

/** One message, whole, on a fresh server Connection (parse only). */
export function warrenFresh(bytes: Uint8Array): number {
  const conn = new Connection('server');
  conn.receive(bytes);
  return warrenDrain(conn);
}

/** One message fed read by read on a fresh server Connection, taking events as they come. */
export function warrenFreshSegments(segments: readonly Uint8Array[]): number {
  const conn = new Connection('server');
  let sum = 0;
  for (const segment of segments) {
    conn.receive(segment);
    for (;;) {
      const event = conn.nextEvent();
      if (event === 'need-data') break;
      if (typeof event === 'string') throw new Error(`warren: '${event}' in the middle of a message`);
      switch (event.type) {
        case 'request':
          sum += event.fields.size;
          break;
        case 'data':
          sum += event.data.length;
          if (event.extensions !== null) sum += event.extensions.length;
          break;
        case 'end-of-message':
          return sum + 1;
        default:
          throw new Error(`warren: unexpected ${event.type} event`);
      }
    }
  }
  throw new Error('warren: the reads ended before end-of-message');
}

/** One keep-alive cycle: the request in, a 204 out, the connection back to idle. */
export function warrenCycle(conn: Connection, bytes: Uint8Array): number {
  conn.receive(bytes);
  const sum = warrenDrain(conn);
  conn.send(RESPONSE_204);
  conn.send(END_OF_MESSAGE);
  return sum;
}

// ---------------------------------------------------------------------------------------
// llhttp

/** One message through a reused llhttp parser; returns fields + body bytes + 1 per message. */
export function llhttpMessage(parser: LlhttpRequestParser, bytes: Uint8Array): number {
  const body = parser.bodyBytes;
  const messages = parser.messages;
  parser.fieldCount = 0;
  parser.execute(bytes);
  return parser.fieldCount + (parser.bodyBytes - body) + (parser.messages - messages);
}

export function llhttpSegments(parser: LlhttpRequestParser, segments: readonly Uint8Array[]): number {
  const body = parser.bodyBytes;
  const messages = parser.messages;
  parser.fieldCount = 0;
  for (const segment of segments) parser.execute(segment);
  return parser.fieldCount + (parser.bodyBytes - body) + (parser.messages - messages);
}
