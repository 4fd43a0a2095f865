// Content codings through node:zlib (RFC 9110 §8.4.1): which ones this Node has (zstd only
// where zlib.createZstdCompress exists), and a stream of bytes run through a coder with
// backpressure: the source is pulled only as the coder's output is read, so neither side
// buffers more than the coder's own window and one output chunk ahead.

import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** A content coding warren can encode and decode (RFC 9110 §8.4.1; zstd: RFC 8878). */
export type ContentCoding = 'br' | 'zstd' | 'gzip' | 'deflate';

/** The content codings this Node's zlib has: zstd since Node 22.15 / 23.8, behind the check. */
export const CONTENT_CODINGS: readonly ContentCoding[] = Object.freeze(
  typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function' ? ['br', 'zstd', 'gzip', 'deflate'] : ['br', 'gzip', 'deflate'],
);

/** Whether `name` (lowercase) is a coding CONTENT_CODINGS holds; x-gzip is gzip (RFC 9110 §8.4.1.3). */
export function codingOf(name: string): ContentCoding | null {
  if (name === 'x-gzip') return 'gzip';
  return (CONTENT_CODINGS as readonly string[]).includes(name) ? (name as ContentCoding) : null;
}

/** How hard each coding works on the fly: fast levels, as a proxy compresses (nginx gzip_comp_level 1..6; brotli 11 is for static files). */
export const ENCODER_LEVELS = Object.freeze({ gzip: 6, deflate: 6, br: 4, zstd: 3 });

type ZstdZlib = { createZstdCompress(o?: object): zlib.Gzip; createZstdDecompress(o?: object): zlib.Gunzip; constants: { ZSTD_c_compressionLevel: number } };

/** A new encoder for `coding`. */
export function encoder(coding: ContentCoding): NodeJS.ReadWriteStream & Readable {
  switch (coding) {
    case 'gzip':
      return zlib.createGzip({ level: ENCODER_LEVELS.gzip });
    case 'deflate':
      return zlib.createDeflate({ level: ENCODER_LEVELS.deflate });
    case 'br':
      return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: ENCODER_LEVELS.br } });
    case 'zstd': {
      const z = zlib as unknown as ZstdZlib;
      return z.createZstdCompress({ params: { [z.constants.ZSTD_c_compressionLevel]: ENCODER_LEVELS.zstd } });
    }
  }
}

/**
 * A new decoder for `coding`. gzip and deflate end on a sync flush, as browsers and undici
 * do: a stream cut short after whole blocks still yields what it holds (the framing already
 * failed the body if the message itself was cut). deflate with a raw stream (no zlib
 * header, as some servers send) is told apart by its first byte.
 */
export function decoder(coding: ContentCoding, firstByte: number | undefined): NodeJS.ReadWriteStream & Readable {
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case 'gzip':
      return zlib.createGunzip(lenient);
    case 'deflate':
      // RFC 1950: a zlib stream's first byte has compression method 8 in its low nibble.
      return firstByte === undefined || (firstByte & 0x0f) === 0x08 ? zlib.createInflate(lenient) : zlib.createInflateRaw(lenient);
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return (zlib as unknown as ZstdZlib).createZstdDecompress();
  }
}

/**
 * `source` run through `coder`, as an async iterable of its output. Backpressure both ways:
 * Readable.from() pulls the source only when the coder's writable side has room, and the
 * coder stops when its readable side is full, until this iterable is read on. Returning
 * early (or a failure of either side) destroys the coder and returns the source.
 */
export function through(source: AsyncIterable<Uint8Array>, coder: NodeJS.ReadWriteStream & Readable): AsyncIterable<Uint8Array> {
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (error) => coder.destroy(error));
  input.pipe(coder);
  // A coder destroyed by its reader stops the input too (pipe() alone would leave it paused).
  coder.on('close', () => input.destroy());
  return coder as AsyncIterable<Uint8Array>;
}
