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

/** Joins two byte arrays; the only place the receive path copies, and only unparsed bytes. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export const EMPTY: Uint8Array = new Uint8Array(0);
