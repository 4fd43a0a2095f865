// Minimal HTTP/1.1 framing for the raw-socket sides of the suite: the limit server's
// request framer and the raw clients' response reader. Just enough to find where one
// message ends and the next begins for the messages this suite sends (Content-Length, or
// chunked for the upload); no validation, not a general parser.

/** Where a client connects: a Unix socket, or a loopback address and port. */
export type Target = { readonly path: string } | { readonly host: string; readonly port: number };

/** The Host field for a target: `bench` over a Unix socket, host:port (IPv6 in brackets) on TCP. */
export function hostField(target: Target): string {
  if ('path' in target) return 'bench';
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/**
 * Reads responses off a byte stream and counts the complete ones. Every response must be
 * 200 with a Content-Length; when `expectBody` is given, of that length.
 */
export class ResponseReader {
  readonly expectBody: number | null;
  #pending: Buffer | null = null;
  /** Body bytes still to skip, or -1 while reading a head. */
  #bodyLeft = -1;

  constructor(expectBody: number | null = null) {
    this.expectBody = expectBody;
  }

  /** Feeds bytes; returns how many responses they completed. Throws on anything unexpected. */
  feed(chunk: Buffer): number {
    let buf = chunk;
    if (this.#pending !== null) {
      buf = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    let pos = 0;
    let done = 0;
    while (pos < buf.length) {
      if (this.#bodyLeft < 0) {
        const end = buf.indexOf(CRLFCRLF, pos);
        if (end < 0) {
          this.#pending = Buffer.from(buf.subarray(pos));
          if (this.#pending.length > 16 * 1024) throw new Error('a response head longer than 16 KiB');
          return done;
        }
        const head = buf.toString('latin1', pos, end + 2);
        if (!head.startsWith('HTTP/1.1 200 ')) throw new Error(`expected HTTP/1.1 200, got ${JSON.stringify(head.slice(0, 40))}`);
        const match = CONTENT_LENGTH.exec(head);
        if (match === null) throw new Error(`a response without Content-Length: ${JSON.stringify(head)}`);
        const length = Number(match[1]);
        if (this.expectBody !== null && length !== this.expectBody) throw new Error(`a response body of ${length} bytes, expected ${this.expectBody}`);
        this.#bodyLeft = length;
        pos = end + 4;
      }
      const take = Math.min(this.#bodyLeft, buf.length - pos);
      pos += take;
      this.#bodyLeft -= take;
      if (this.#bodyLeft > 0) return done;
      this.#bodyLeft = -1;
      done++;
    }
    return done;
  }
}

/** What a request asks of the limit server. */
export type RawRoute = 'example' | '64k' | 'json' | 'upload';

/**
 * The limit server's side: splits a request byte stream into requests and says which
 * fixed answer each gets. Heads are found by CRLF CRLF; a POST body is skipped by its
 * Content-Length, the chunks of the upload by their sizes.
 */
export class RequestFramer {
  #pending: Buffer | null = null;
  #mode: 'head' | 'body' | 'chunked' = 'head';
  #bodyLeft = 0;
  #route: RawRoute = 'example';
  /** In a chunked body: data and CRLF bytes left in the current chunk. */
  #chunkLeft = 0;
  /** In a chunked body: the last chunk is read, trailer lines or the empty line follow. */
  #lastChunk = false;
  /** In a chunked body: the start of a line that the previous read cut. */
  #line: Buffer | null = null;

  /** Feeds bytes; calls `answer` once per complete request, in order. */
  feed(chunk: Buffer, answer: (route: RawRoute) => void): void {
    let buf = chunk;
    if (this.#pending !== null) {
      buf = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    let pos = 0;
    while (pos < buf.length) {
      if (this.#mode === 'head') {
        const end = buf.indexOf(CRLFCRLF, pos);
        if (end < 0) {
          this.#pending = Buffer.from(buf.subarray(pos));
          if (this.#pending.length > 64 * 1024) throw new Error('a request head longer than 64 KiB');
          return;
        }
        const head = buf.toString('latin1', pos, end + 2);
        pos = end + 4;
        if (head.startsWith('GET ')) {
          answer(head.startsWith('GET /64k ') ? '64k' : 'example');
          continue;
        }
        if (head.startsWith('POST /upload ')) {
          this.#mode = 'chunked';
          continue;
        }
        const match = CONTENT_LENGTH.exec(head);
        this.#bodyLeft = match === null ? 0 : Number(match[1]);
        this.#route = 'json';
        this.#mode = 'body';
        if (this.#bodyLeft === 0) {
          this.#mode = 'head';
          answer(this.#route);
        }
        continue;
      }
      if (this.#mode === 'body') {
        const take = Math.min(this.#bodyLeft, buf.length - pos);
        pos += take;
        this.#bodyLeft -= take;
        if (this.#bodyLeft > 0) return;
        this.#mode = 'head';
        answer(this.#route);
        continue;
      }
      // Chunked: read each chunk-size line (its extensions are not looked at), skip the
      // chunk's data and CRLF by its size; after the last chunk, lines up to an empty one.
      if (this.#chunkLeft > 0) {
        const take = Math.min(this.#chunkLeft, buf.length - pos);
        pos += take;
        this.#chunkLeft -= take;
        continue;
      }
      const lf = buf.indexOf(0x0a, pos);
      if (lf < 0) {
        this.#line = Buffer.concat([this.#line ?? Buffer.alloc(0), buf.subarray(pos)]);
        if (this.#line.length > 4096) throw new Error('a chunk-size or trailer line longer than 4 KiB');
        return;
      }
      const line = this.#line === null ? buf.subarray(pos, lf) : Buffer.concat([this.#line, buf.subarray(pos, lf)]);
      this.#line = null;
      pos = lf + 1;
      if (!this.#lastChunk) {
        let size = 0;
        let digits = 0;
        for (; digits < line.length; digits++) {
          const c = line[digits]!;
          const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
          if (v < 0) break;
          size = size * 16 + v;
        }
        if (digits === 0) throw new Error('a chunk without a size');
        if (size > 0) this.#chunkLeft = size + 2;
        else this.#lastChunk = true;
        continue;
      }
      // After the last chunk: trailer lines, then an empty line (CRLF) ends the body.
      if (line.length > 1 || (line.length === 1 && line[0] !== 0x0d)) continue;
      this.#lastChunk = false;
      this.#mode = 'head';
      answer('upload');
    }
  }
}
