// Range requests, as Degu's get_range(uri, headers, start, stop): one range of bytes, sent
// as `Range: bytes=start-(stop-1)` (RFC 9110 §14.2), and an answer checked to be that range:
// a 206 whose Content-Range (§14.4) starts at `start` and ends at `stop - 1`, or at the
// representation's last byte when that comes first (a server clamps a range past the end).

import type { FieldLine } from '../protocol/index.js';
import { RequestError, WarrenError } from '../transport/errors.js';
import { toLines, type HeadersInit } from '../transport/outgoing.js';
import { describe } from './describe.js';
import type { ClientResponse } from './response.js';

/** The largest position a range may name: the largest exact integer (Degu: MAX_LENGTH, 16 nines, past it). */
export const MAX_RANGE_POSITION = Number.MAX_SAFE_INTEGER;

/** `bytes first-last/complete` (RFC 9110 §14.4); the unit is case-insensitive (§14.1), complete may be `*`. */
const CONTENT_RANGE = /^[Bb][Yy][Tt][Ee][Ss] ([0-9]{1,16})-([0-9]{1,16})\/([0-9]{1,16}|\*)$/;

/**
 * A range answer that is not the range asked for: not a 206, or a 206 whose Content-Range
 * names other bytes. The response is kept whole and unread in `response` (a 404's page, or
 * the whole representation of a server that ignored Range): read or discard its body to
 * go on with the connection, or close it.
 */
export class RangeMismatchError extends RequestError {
  override name = 'RangeMismatchError';
  /** The response that came instead of the range, its body unread. */
  readonly response: ClientResponse;

  constructor(message: string, response: ClientResponse) {
    super('range-mismatch', message, true);
    this.response = response;
    this.responseStarted = true;
  }
}

/** The request's own field lines with `Range: bytes=start-(stop-1)`; a misuse (a bad range, a Range of its own) throws. */
export function rangeHeaders(headers: HeadersInit | undefined, start: number, stop: number): FieldLine[] {
  if (!Number.isSafeInteger(start) || start < 0) throw misuse(`a range's start is an integer from 0, got ${describe(start)}`);
  if (!Number.isSafeInteger(stop) || stop <= start || stop > MAX_RANGE_POSITION) {
    throw misuse(`a range's stop is an integer past its start (${start}), the byte after the last one wanted, got ${describe(stop)}`);
  }
  const lines = toLines(headers);
  if (lines.some(([name]) => typeof name === 'string' && name.toLowerCase() === 'range')) {
    throw misuse('getRange() sends Range itself, from start and stop: leave Range out of its headers (or use request())');
  }
  lines.push(['Range', rangeValue(start, stop)]);
  return lines;
}

/** `bytes=start-(stop-1)`, the stop exclusive as Degu's Range(start, stop) and slice(). */
export function rangeValue(start: number, stop: number): string {
  return `bytes=${start}-${stop - 1}`;
}

/** `response` when it is the range [start, stop) or the part of it before the end; else a RangeMismatchError. */
export function checkRange(response: ClientResponse, start: number, stop: number): ClientResponse {
  const asked = `asked for ${rangeValue(start, stop)}`;
  if (response.status !== 206) {
    const why =
      response.status === 200
        ? ': the server ignored Range and sent the whole representation'
        : response.status === 416
          ? `: the range starts past the end (${response.fields.get('content-range') ?? 'no Content-Range'})`
          : '';
    throw new RangeMismatchError(`${asked}, got ${response.status} ${response.reason}${why}`, response);
  }
  const values = response.fields.getAll('content-range');
  const match = values.length === 1 ? CONTENT_RANGE.exec(values[0]!) : null;
  if (match === null) {
    throw new RangeMismatchError(`${asked}, got a 206 without one Content-Range: bytes first-last/length (RFC 9110 §14.4): ${JSON.stringify(values)}`, response);
  }
  const first = Number(match[1]);
  const last = Number(match[2]);
  const complete = match[3] === '*' ? null : Number(match[3]);
  const wholeEnd = last === stop - 1 || (complete !== null && last < stop - 1 && last === complete - 1);
  if (first !== start || last < first || !wholeEnd || (complete !== null && last >= complete)) {
    throw new RangeMismatchError(`${asked}, got a 206 with Content-Range: ${values[0]!}`, response);
  }
  const length = response.body?.length ?? null;
  if (length !== null && length !== last - first + 1) {
    throw new RangeMismatchError(`${asked}, got Content-Range: ${values[0]!} with a body of ${length} bytes`, response);
  }
  return response;
}

function misuse(message: string): WarrenError {
  return new WarrenError('misuse', message);
}
