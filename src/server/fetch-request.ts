// The Request a fetch handler receives, made lazily from a ServerRequest: method, url and
// headers are computed on first use, and text(), json(), arrayBuffer() and bytes() read the
// warren body directly. A real WHATWG Request (with a ReadableStream over the body, pulled
// only as the handler reads: the backpressure) is built only when its body or another of
// its members is touched; from then on every member is the real one's.

import type { Fields } from '../protocol/index.js';
import type { Body, ChunkedBody } from '../transport/body.js';

/** What a LazyRequest needs from its exchange. */
export interface RequestParts {
  readonly method: string;
  readonly fields: Fields;
  /** Null when the request has none (and for GET and HEAD, which a Request cannot carry one for). */
  readonly body: Body | ChunkedBody | null;
  /** The URL, made on first use; throws a 400 ProtocolError when Host or the target make none. */
  url(): string;
  /** The request's AbortController, made when `signal` is first asked for. */
  controller(): AbortController;
}

// Fetch normalizes these six to upper case (WHATWG Fetch, "normalize a method"); others stay as sent.
const NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** A body read directly (text() and the like) leaves a Request whose body is unusable, as fetch's would be. */
const USED = 'the request body was already read (a Request body can be read once)';

/**
 * A WHATWG Request on a warren exchange (`instanceof Request` holds). Every member a
 * Request has works; most of them build the real Request first.
 */
export class LazyRequest {
  readonly #parts: RequestParts;
  #method: string | null = null;
  #url: string | null = null;
  #headers: Headers | null = null;
  #real: Request | null = null;
  #used = false;

  constructor(parts: RequestParts) {
    this.#parts = parts;
  }

  get method(): string {
    if (this.#method === null) {
      const method = this.#parts.method;
      const upper = method.toUpperCase();
      this.#method = NORMALIZED.has(upper) ? upper : method;
    }
    return this.#method;
  }

  get url(): string {
    return (this.#url ??= this.#parts.url());
  }

  /** Every field line as received, in a fetch Headers (names lowercased, repeats joined when read). */
  get headers(): Headers {
    if (this.#headers === null) {
      if (this.#real !== null) return this.#real.headers;
      const headers = new Headers();
      const fields = this.#parts.fields;
      for (let i = 0; i < fields.size; i++) headers.append(fields.nameAt(i), fields.valueAt(i));
      this.#headers = headers;
    }
    return this.#headers;
  }

  get signal(): AbortSignal {
    return this.#parts.controller().signal;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#real?.bodyUsed ?? false);
  }

  /** The body as a ReadableStream: builds the real Request (null, and nothing built, when there is none). */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#parts.body === null && this.#real === null) return null;
    return this.#materialize().body;
  }

  async text(): Promise<string> {
    const data = await this.#direct('text');
    return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const data = await this.#direct('arrayBuffer');
    if (typeof data === 'string') return new TextEncoder().encode(data).buffer;
    // A copy: the pieces may be views into larger socket buffers.
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  /** @internal True once the real Request (and with a body, its stream) exists. */
  get materialized(): boolean {
    return this.#real !== null;
  }

  /** The body read whole from the warren body, or, once the real Request exists, through it. */
  async #direct(how: 'text' | 'arrayBuffer'): Promise<Uint8Array | string> {
    if (this.#real !== null) {
      const value = await this.#real[how]();
      return typeof value === 'string' ? value : new Uint8Array(value);
    }
    if (this.#used) throw new TypeError(`Body is unusable: ${USED}`);
    this.#used = true;
    const body = this.#parts.body;
    if (body === null) return new Uint8Array(0);
    // No cap of our own: the server's maxBodyBytes bounds what a peer can send.
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      let piece = body.pull();
      if (piece instanceof Promise) piece = await piece;
      if (piece.type === 'end-of-message') break;
      parts.push(piece.data);
      total += piece.data.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }

  #materialize(): Request {
    if (this.#real !== null) return this.#real;
    const body = this.#parts.body;
    const init: RequestInit & { duplex?: 'half' } = { method: this.method, headers: this.headers, signal: this.signal };
    if (body !== null) {
      init.body = this.#used ? usedStream() : bodyStream(body);
      init.duplex = 'half';
    }
    this.#real = new Request(this.url, init);
    this.#headers = null;
    return this.#real;
  }

  /** What util.inspect() and console.log() show: the members read so far cost nothing more to show. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Request (warren, lazy) ${this.method} ${this.#url ?? '(url not made yet)'}${this.#real === null ? '' : ' (real Request built)'}`;
  }

  static {
    // Every other member of Request (clone, formData, blob, cache, mode, ...) is the real one's.
    const own = new Set(Object.getOwnPropertyNames(LazyRequest.prototype));
    const proto = Request.prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (own.has(name) || name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
      if (typeof descriptor.value === 'function') {
        Object.defineProperty(LazyRequest.prototype, name, {
          configurable: true,
          writable: true,
          value(this: LazyRequest, ...args: unknown[]): unknown {
            const real = this.#materialize();
            return (real[name as keyof Request] as (...a: unknown[]) => unknown).apply(real, args);
          },
        });
      } else if (descriptor.get !== undefined) {
        Object.defineProperty(LazyRequest.prototype, name, {
          configurable: true,
          get(this: LazyRequest): unknown {
            return this.#materialize()[name as keyof Request];
          },
        });
      }
    }
    Object.setPrototypeOf(LazyRequest.prototype, proto);
  }
}

/** Pieces of a warren body, one per pull: the stream asks for the next only when its reader reads. */
export function bodyStream(body: Body | ChunkedBody): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let piece = body.pull();
        if (piece instanceof Promise) piece = await piece;
        if (piece.type === 'end-of-message') controller.close();
        else if (piece.data.length > 0) controller.enqueue(piece.data);
      },
    },
    // Nothing is read ahead of the reader: the socket stays paused until it asks.
    { highWaterMark: 0 },
  );
}

function usedStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new TypeError(`Body is unusable: ${USED}`));
    },
  });
}
