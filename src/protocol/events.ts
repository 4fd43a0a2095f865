// The closed set of events that cross the protocol core, in both directions.
// A message is a head event (request, response; informational 1xx stand alone), then
// zero or more data events, then end-of-message; connection-closed ends the stream.
// Received events carry Fields; events to send may carry plain field-line arrays.

import type { Fields, FieldsInit } from './fields.js';
import type { Framing } from './framing.js';

/** Which side of the connection a Connection plays. */
export type Role = 'client' | 'server';

/** The HTTP versions the core speaks (RFC 9112 §2.3); others are answered 505. */
export type HttpVersion = '1.0' | '1.1';

/** One chunk extension (RFC 9112 §7.1.1): value null when absent, unquoted when quoted. */
export type ChunkExtension = readonly [name: string, value: string | null];

/** A request head: method, target, version, fields, and how its body is framed. */
export interface RequestEvent<F = Fields> {
  readonly type: 'request';
  readonly method: string;
  readonly target: string;
  readonly version: HttpVersion;
  readonly fields: F;
  /** How the body that follows is delimited (RFC 9112 §6.3): none, a length, chunked. */
  readonly framing: Framing;
}

/** A 1xx response (RFC 9110 §15.2); several may precede the final response. */
export interface InformationalEvent<F = Fields> {
  readonly type: 'informational';
  readonly status: number;
  readonly reason: string;
  readonly version: HttpVersion;
  readonly fields: F;
}

/** A final (non-1xx) response head: status, reason, version, fields, and how its body is framed. */
export interface ResponseEvent<F = Fields> {
  readonly type: 'response';
  readonly status: number;
  readonly reason: string;
  readonly version: HttpVersion;
  readonly fields: F;
  /** How the body that follows is delimited: none (HEAD, 204, 304, CONNECT), a length, chunked, or the close. */
  readonly framing: Framing;
}

/**
 * Body bytes. In a chunked message, `extensions` are those of the chunk these bytes
 * belong to and are set on the chunk's first data event only (null on the others and
 * on bodies that are not chunked); `chunkEnd` is true on a chunk's last data event.
 */
export interface DataEvent {
  readonly type: 'data';
  readonly data: Uint8Array;
  readonly extensions: readonly ChunkExtension[] | null;
  readonly chunkEnd: boolean;
}

/**
 * The end of a message. For chunked bodies: the extensions of the last chunk (`0;...`)
 * and the trailer section; both null for other bodies.
 */
export interface EndOfMessageEvent<F = Fields> {
  readonly type: 'end-of-message';
  readonly extensions: readonly ChunkExtension[] | null;
  readonly trailers: F | null;
}

/** The peer closed its side cleanly between messages: no more events will come. */
export interface ConnectionClosedEvent {
  readonly type: 'connection-closed';
}

/** What `nextEvent()` returns. */
export type ReceivedEvent =
  | RequestEvent
  | InformationalEvent
  | ResponseEvent
  | DataEvent
  | EndOfMessageEvent
  | ConnectionClosedEvent;

/**
 * The whole body of a message, given with its head: send() then also sends the data and
 * the end-of-message, and returns the head and a small body in one array. null: no body.
 */
export type WholeBody = Uint8Array | null;

/** What `send()` takes: the same shapes, with optional parts left out. */
export type SendEvent =
  | { readonly type: 'request'; readonly method: string; readonly target: string; readonly version?: HttpVersion; readonly fields?: FieldsInit; readonly body?: WholeBody }
  | { readonly type: 'informational'; readonly status: number; readonly reason?: string; readonly fields?: FieldsInit }
  | { readonly type: 'response'; readonly status: number; readonly reason?: string; readonly fields?: FieldsInit; readonly body?: WholeBody }
  | { readonly type: 'data'; readonly data: Uint8Array; readonly extensions?: readonly ChunkExtension[] | null }
  | { readonly type: 'end-of-message'; readonly extensions?: readonly ChunkExtension[] | null; readonly trailers?: FieldsInit | null }
  | { readonly type: 'connection-closed' };

/** The `type` of an event nextEvent() returns. */
export type EventType = ReceivedEvent['type'];

/** What `nextEvent()` returns when it has no event: feed more bytes, or act first. */
export type NoEvent = 'need-data' | 'paused';
