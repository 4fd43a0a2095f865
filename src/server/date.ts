// The Date field of every response (RFC 9110 §6.6.1: an origin server with a clock MUST
// send it in 2xx, 3xx and 4xx responses; warren sends it in 5xx too). Its value is
// IMF-fixdate (§5.6.7) and changes once a second, so it is formatted at most once a
// second, from the deadline tick, and a response only pushes the cached string.

/** The current IMF-fixdate, refreshed by the server's deadline tick. */
export class HttpDate {
  #second = -1;
  #value = '';

  constructor() {
    this.refresh();
  }

  /** The date of the last refresh, as "Sun, 06 Nov 1994 08:49:37 GMT". */
  get value(): string {
    return this.#value;
  }

  /** Formats the date again when the second has changed since the last refresh (one clock read). */
  refresh(now: number = Date.now()): void {
    const second = Math.floor(now / 1000);
    if (second === this.#second) return;
    this.#second = second;
    // toUTCString() is IMF-fixdate: day-name, DD month YYYY HH:MM:SS GMT.
    this.#value = new Date(second * 1000).toUTCString();
  }
}

/** Whether the app set a Date field itself (then the server adds none). */
export function hasDate(fields: readonly (readonly [unknown, unknown])[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i]![0];
    if (typeof name === 'string' && name.length === 4 && name.toLowerCase() === 'date') return true;
  }
  return false;
}
