// The byte and count limits of the protocol core, each with its precedent.
// Every limit bounds memory the core may hold for one peer: a head, a chunk-size line or
// a trailer section larger than its limit is an error, never an unbounded buffer.

/** The core's bounds on what one peer can make it hold: request line, head, field count, chunk extensions, trailers and number lengths. */
export interface Limits {
  /** Bytes of a request line before 414 (nginx: large_client_header_buffers 8k). */
  readonly requestLineBytes: number;
  /** Bytes of a whole head, start line and field lines (node: --max-http-header-size 16 KiB). */
  readonly headBytes: number;
  /** Field lines in one head or trailer section (Apache: LimitRequestFields 100). */
  readonly fieldCount: number;
  /** Bytes of the chunk extensions of one chunk (Degu: MAX_LINE_LEN 4096 for the chunk-size line). */
  readonly chunkExtensionBytes: number;
  /**
   * Bytes of chunk extensions one message may carry before they must be outweighed by its
   * chunk data (node and hyper: 16 KiB per message since CVE-2024-22019). Past it, a message
   * whose extensions outgrow its data is refused, so 1-byte chunks padded with extensions
   * cannot move unbounded bytes, while a long stream with small per-chunk metadata goes on.
   */
  readonly messageChunkExtensionBytes: number;
  /** Bytes of a trailer section (node counts trailers against its 16 KiB header limit; half that). */
  readonly trailerBytes: number;
  /** Hex digits of a chunk size, leading zeros included (Degu: MAX_CL_LEN 16); above 2^53-1 overflows anyway. */
  readonly chunkSizeDigits: number;
  /** Decimal digits of a Content-Length (Degu: MAX_CL_LEN 16). */
  readonly contentLengthDigits: number;
  /** Empty lines tolerated before a start line (RFC 9112 §2.2 says "at least one"; nginx and llhttp take any). */
  readonly leadingEmptyLines: number;
}

/** The limits in force when none are given, each with its precedent on Limits. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  requestLineBytes: 8192,
  headBytes: 16384,
  fieldCount: 100,
  chunkExtensionBytes: 4096,
  messageChunkExtensionBytes: 16384,
  trailerBytes: 8192,
  chunkSizeDigits: 16,
  contentLengthDigits: 16,
  leadingEmptyLines: 8,
});

/** `overrides` over DEFAULT_LIMITS, checked: a value that is not a non-negative integer throws a TypeError naming it. */
export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  if (overrides === undefined) return DEFAULT_LIMITS;
  // A server resolves its limits once and hands the result to every connection it accepts.
  if (RESOLVED.has(overrides)) return overrides as Limits;
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`limits.${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  RESOLVED.add(limits);
  return Object.freeze(limits);
}

const RESOLVED = new WeakSet<object>();
