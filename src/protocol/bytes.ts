// Byte <-> string conversion for heads, which are latin1 on the wire (RFC 9110 §5.5:
// obs-text is opaque octets, so one byte must stay one char and back).
// The core imports nothing from node:*; where the host has Buffer we borrow its fast
// latin1 codecs through the global, elsewhere a plain loop does the same job.

interface Latin1Host {
  latin1Slice(this: Uint8Array, start: number, end: number): string;
  latin1Write(this: Uint8Array, text: string, offset: number, length: number): number;
}

const host = (globalThis as { Buffer?: { prototype: unknown; allocUnsafe(size: number): Uint8Array } }).Buffer;
const fast = host?.prototype as Latin1Host | undefined;
const hasFast = typeof fast?.latin1Slice === 'function' && typeof fast.latin1Write === 'function';
// Where the host has Buffer, every array the parser reads is one (the host's reads are):
// loops that index arrays of one kind stay monomorphic, and cost a fraction of mixed ones.
export const EMPTY: Uint8Array = hasFast ? host!.allocUnsafe(0) : new Uint8Array(0);

/** Decodes bytes[start, end) one byte per char. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (hasFast) return fast!.latin1Slice.call(bytes, start, end);
  let out = '';
  for (let i = start; i < end; i += 4096) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return out;
}

/** Encodes a string whose chars are all <= 0xff (callers check), one char per byte. */
export function encodeLatin1(text: string): Uint8Array {
  const out = hasFast ? host!.allocUnsafe(text.length) : new Uint8Array(text.length);
  if (hasFast) fast!.latin1Write.call(out, text, 0, text.length);
  else for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** A new array of `size` bytes whose contents are not set: the caller fills every byte. */
export function allocBytes(size: number): Uint8Array {
  return hasFast ? host!.allocUnsafe(size) : new Uint8Array(size);
}

/** Writes `text` (chars <= 0xff, callers check) at bytes[at]; returns the index past it. */
export function putLatin1(bytes: Uint8Array, at: number, text: string): number {
  const n = text.length;
  // A call into the host costs more than a short loop: head strings are mostly short.
  if (n > 32 && hasFast) return at + fast!.latin1Write.call(bytes, text, at, n);
  for (let i = 0; i < n; i++) bytes[at + i] = text.charCodeAt(i);
  return at + n;
}

/**
 * The bytes received and not yet parsed. A chunk that arrives when nothing is pending is
 * adopted as it is; bytes that arrive behind pending ones are appended into spare room
 * that doubles when full, so a head trickling in byte by byte costs linear time.
 */
export class ReceiveBuffer {
  #bytes: Uint8Array = EMPTY;
  #start = 0;
  #end = 0;
  /** Whether #bytes is ours to write past #end (never a caller's array). */
  #owned = false;

  get bytes(): Uint8Array {
    return this.#bytes;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): void {
    if (this.#start === this.#end) {
      this.#bytes = chunk;
      this.#start = 0;
      this.#end = chunk.length;
      this.#owned = false;
      return;
    }
    const pending = this.#end - this.#start;
    if (!this.#owned || this.#end + chunk.length > this.#bytes.length) {
      const grown = allocBytes(Math.max(2 * (pending + chunk.length), 4096));
      grown.set(this.#bytes.subarray(this.#start, this.#end), 0);
      this.#bytes = grown;
      this.#start = 0;
      this.#end = pending;
      this.#owned = true;
    }
    this.#bytes.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** Marks bytes up to `to` (an index into `bytes`) as parsed. */
  consume(to: number): void {
    if (to >= this.#end) {
      this.#bytes = EMPTY;
      this.#start = 0;
      this.#end = 0;
      this.#owned = false;
    } else {
      this.#start = to;
    }
  }

  /** The array holding the pending bytes, cut to their end: parse bytes[start, length). */
  window(): Uint8Array {
    if (this.#end === this.#bytes.length) return this.#bytes;
    if (this.#window.buffer !== this.#bytes.buffer || this.#window.length !== this.#end || this.#window.byteOffset !== this.#bytes.byteOffset) {
      this.#window = this.#bytes.subarray(0, this.#end);
    }
    return this.#window;
  }

  #window: Uint8Array = EMPTY;
}

