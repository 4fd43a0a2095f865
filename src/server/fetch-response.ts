// A fetch handler's Response as a warren AppResponse. The body is read only when there is
// one: a null body needs no stream at all; otherwise what the stream gives without waiting
// (all of a string or bytes body, which undici enqueues at once) is gathered, and a body
// that ended there goes out whole with Content-Length; a longer one streams as it is read,
// the next piece pulled only once the socket took the last (the backpressure).

import type { FieldLine } from '../protocol/index.js';
import { responseHasBody } from '../protocol/index.js';
import { BodyIter } from '../transport/body.js';
import { WarrenError } from '../transport/errors.js';
import { describe } from '../transport/outgoing.js';
import type { AppResponse } from './app.js';

type ReadableStreamReadResult = { done: true; value?: undefined } | { done: false; value: Uint8Array };

/** How many reads may come back without waiting before the body is taken for a stream. */
const EAGER_READS = 4;

/** What the exchange hears of its response body. */
export interface Tracker {
  /** The body is out (at once for a body sent whole), or was cut (`cut`) before its end. */
  finished(cut: boolean): void;
  /** The body streams: `cancel` stops it (the client went away while it waited for a piece). */
  streaming(cancel: (reason: Error) => void): void;
}

/**
 * The AppResponse for `response`, a Response from a fetch handler; fails with a WarrenError
 * ('invalid-response') for anything else; `tracker` hears when the body is out or was cut.
 */
export async function toAppResponse(response: unknown, method: string, tracker: Tracker): Promise<AppResponse> {
  if (!(response instanceof Response)) {
    tracker.finished(false);
    const hint = response !== null && typeof response === 'object' && 'status' in response ? ': a warren app returns { status, body }, a fetch handler a Response (new Response(body, { status }))' : '';
    throw new WarrenError('invalid-response', `the fetch handler returned ${describe(response)}, not a Response (or a promise of one)${hint}`);
  }
  const status = response.status;
  if (response.type === 'error' || status < 200) {
    tracker.finished(false);
    throw new WarrenError('invalid-response', `the fetch handler returned a network error (Response.error(), status ${status}): return a Response with a status from 200 to 599`);
  }
  const headers = fieldLines(response.headers);
  const reason = response.statusText === '' ? undefined : response.statusText;
  const stream = response.body;
  if (stream === null) {
    tracker.finished(false);
    return { status, reason, headers: headers.lines };
  }
  if (!responseHasBody(method, status)) {
    // HEAD, 204, 304: the body is not sent, and its length, if given, stays as the representation's.
    void stream.cancel().catch(() => {});
    tracker.finished(false);
    return { status, reason, headers: headers.lines };
  }
  const reader = stream.getReader();
  const gathered: Uint8Array[] = [];
  // Two reads at once: a string or bytes body fulfils the first and ends with the second
  // within a microtask or two, so one wait tells "whole" (one race a body, not one a read).
  const pending: Promise<ReadableStreamReadResult>[] = [reader.read(), reader.read()];
  try {
    for (let i = 0; i < EAGER_READS; i++) {
      // Reads are fulfilled in order: once the last one asked for is ready, so are the others.
      if ((await readWithoutWaiting(pending[pending.length - 1]!)) === null) break;
      for (const read of pending) {
        const result = await read;
        if (result.done) {
          tracker.finished(false);
          return { status, reason, headers: headers.lines, body: gathered.length === 1 ? gathered[0]! : gathered };
        }
        gathered.push(result.value);
      }
      pending.length = 0;
      pending.push(reader.read());
    }
  } catch (error) {
    tracker.finished(false);
    throw error;
  }
  const rest = streamRest(reader, gathered, pending, tracker);
  return { status, reason, headers: headers.lines, body: headers.length === null ? rest : new BodyIter(rest, headers.length) };
}

/** The Headers as field lines, without Transfer-Encoding (warren frames the body itself) and with the Content-Length given, if any. */
function fieldLines(headers: Headers): { lines: FieldLine[]; length: number | null } {
  const lines: FieldLine[] = [];
  let length: number | null = null;
  // Iteration gives each Set-Cookie on its own line, and every other name once, joined.
  for (const [name, value] of headers) {
    if (name === 'transfer-encoding') continue;
    if (name === 'content-length') {
      const n = Number(value);
      if (/^[0-9]+$/.test(value) && Number.isSafeInteger(n)) length = n;
    }
    lines.push([name, value]);
  }
  return { lines, length };
}

/** The read's result when it is ready within a couple of microtasks, else null (node-server's readWithoutBlocking). */
function readWithoutWaiting<T>(read: Promise<T>): Promise<T | null> {
  return Promise.race([read, Promise.resolve().then(() => Promise.resolve(null))]);
}

/**
 * The pieces gathered, then the rest of the stream, one read per piece asked for. A stop
 * (the writer's: the socket closed; or the tracker's cancel) cancels the source, which
 * hears it as an abort; a cancelled stream ends in a throw, so the body is cut on the wire
 * rather than ended as if whole.
 */
function streamRest(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  gathered: Uint8Array[],
  pending: Promise<ReadableStreamReadResult>[],
  tracker: Tracker,
): AsyncGenerator<Uint8Array> {
  let complete = false;
  let cancelled: Error | null = null;
  // Told now, not at the first piece: the client may go before the writer asks for one.
  tracker.streaming((reason) => {
    if (cancelled !== null || complete) return;
    cancelled = reason;
    void reader.cancel(reason).catch(() => {});
  });
  return (async function* () {
    try {
      yield* gathered;
      gathered.length = 0;
      for (;;) {
        const result = await (pending.shift() ?? reader.read());
        if (cancelled !== null) throw cancelled;
        if (result.done) break;
        yield result.value;
      }
      complete = true;
    } finally {
      tracker.finished(!complete);
      // The writer stopped early (the peer went away, or the body broke its length): the source hears it as a cancel.
      if (!complete && cancelled === null) void reader.cancel().catch(() => {});
    }
  })();
}
