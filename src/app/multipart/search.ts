// The delimiter search of a multipart body (RFC 2046 §5.1.1): CR LF "--" boundary in a stream
// of chunks, holding back at most the delimiter's length at a chunk's end. Horspool's skip
// loop (as streamsearch) finds candidates; each is checked from its CR. CR is not a bchar, so
// the delimiter's only CR is its first byte and a check fails before the input's next CR: no
// byte is read past its CR by two checks, at most 3 reads a byte at worst (plain Horspool,
// comparing from the end, is O(n*m) on near-delimiters). Pure.

/** What scan() found. `next` is where to scan on from, in the same chunk. */
export type ScanResult =
  /** Bytes that are certainly not part of a delimiter; `borrowed` when a view of the caller's chunk. */
  | { readonly type: 'data'; readonly bytes: Uint8Array; readonly borrowed: boolean; readonly next: number }
  /** A whole delimiter ended just before `next`. */
  | { readonly type: 'delimiter'; readonly next: number }
  /** The chunk is used up (its end may be held): give the next one. */
  | { readonly type: 'need-data' };

const CR = 0x0d;
const NEED_DATA: ScanResult = Object.freeze({ type: 'need-data' });

/** A streaming search for one delimiter. */
export class DelimiterSearch {
  readonly #needle: Uint8Array;
  /** Horspool's shift for each byte under the needle's last position. */
  readonly #skip = new Uint8Array(256);
  /** A prefix of the needle seen at the end of the last chunk. */
  readonly #held: Uint8Array;
  #heldLength = 0;
  /** Where a match found by the last scan ends, when data before it was handed out first. */
  #pendingEnd = -1;
  /** Byte reads so far, by indexOf and by comparison (a byte may be read once by each): for the linearity tests. */
  steps = 0;

  /** `needle` is the whole delimiter, CR LF "--" boundary; `held` is a prefix of it taken as already seen. */
  constructor(needle: Uint8Array, held = 0) {
    if (needle[0] !== CR || needle.indexOf(CR, 1) !== -1) throw new TypeError('the delimiter starts with its only CR');
    this.#needle = needle;
    // Shifts fit a byte: a needle is at most 74 bytes (CR LF "--" and 70 bchars).
    this.#skip.fill(needle.length);
    for (let i = 0; i < needle.length - 1; i++) this.#skip[needle[i]!] = needle.length - 1 - i;
    this.#held = new Uint8Array(needle.length);
    this.#held.set(needle.subarray(0, held));
    this.#heldLength = held;
  }

  /** Bytes held back at the end of the last chunk (they become data or a delimiter). */
  get held(): number {
    return this.#heldLength;
  }

  /** Scans `chunk` from `from`; call again from `next` until it answers need-data. */
  scan(chunk: Uint8Array, from: number): ScanResult {
    const needle = this.#needle;
    const m = needle.length;
    const len = chunk.length;
    if (this.#pendingEnd !== -1) {
      const next = this.#pendingEnd;
      this.#pendingEnd = -1;
      return { type: 'delimiter', next };
    }
    if (this.#heldLength > 0) {
      let k = this.#heldLength;
      let i = from;
      while (k < m && i < len && chunk[i] === needle[k]) {
        i++;
        k++;
      }
      this.steps += i - from + (i < len && k < m ? 1 : 0);
      if (k === m) {
        this.#heldLength = 0;
        return { type: 'delimiter', next: i };
      }
      if (i === len) {
        this.#held.set(chunk.subarray(from, i), this.#heldLength);
        this.#heldLength = k;
        return NEED_DATA;
      }
      // A mismatch at chunk[i]: the held bytes and chunk[from, i) hold no CR but the first, so no
      // delimiter starts in them. chunk[i] itself may be a CR: the scan goes on from there.
      this.#held.set(chunk.subarray(from, i), this.#heldLength);
      this.#heldLength = 0;
      return { type: 'data', bytes: this.#held.slice(0, k), borrowed: false, next: i };
    }
    // Horspool over whole alignments: the byte under the needle's last position picks the shift.
    const skip = this.#skip;
    const last = needle[m - 1]!;
    let s = from;
    while (s + m <= len) {
      const t = chunk[s + m - 1]!;
      this.steps += t === last ? 2 : 1;
      if (t === last && chunk[s] === CR) {
        let k = 1;
        while (k < m - 1 && chunk[s + k] === needle[k]) k++;
        this.steps += k - 1 + (k < m - 1 ? 1 : 0);
        if (k === m - 1) {
          if (s === from) return { type: 'delimiter', next: s + m };
          this.#pendingEnd = s + m;
          return { type: 'data', bytes: chunk.subarray(from, s), borrowed: true, next: s };
        }
      }
      s += skip[t]!;
    }
    // The last m - 1 bytes or fewer: a delimiter may start in them and end in the next chunk.
    let p = s;
    for (;;) {
      const c = p < len ? chunk.indexOf(CR, p) : -1;
      if (c === -1) {
        this.steps += len - p;
        return from === len ? NEED_DATA : { type: 'data', bytes: chunk.subarray(from, len), borrowed: true, next: len };
      }
      this.steps += c - p + 1;
      let k = 1;
      let i = c + 1;
      while (i < len && chunk[i] === needle[k]) {
        i++;
        k++;
      }
      this.steps += i - c - 1 + (i < len ? 1 : 0);
      if (i === len) {
        this.#held.set(chunk.subarray(c, len));
        this.#heldLength = k;
        return c === from ? NEED_DATA : { type: 'data', bytes: chunk.subarray(from, c), borrowed: true, next: len };
      }
      p = i;
    }
  }
}
