// ResponseSource: the pieces of one response body between the socket and the program. The
// connection pushes them as they are parsed (read ahead up to readAheadBytes); the body
// takes them as the program reads, and asks the connection to read on when it runs dry.

import type { DataEvent, EndOfMessageEvent } from '../protocol/index.js';
import type { BodySource } from '../transport/body.js';

type Piece = DataEvent | EndOfMessageEvent;

/** What a ResponseSource needs from its connection. */
export interface Reader {
  /** Reads what the socket has: the next pieces are pushed. */
  pumpReads(): void;
}

/** The pieces of one response body: read ahead into a queue, handed out as the program reads. */
export class ResponseSource implements BodySource {
  readonly #conn: Reader;
  readonly #pieces: Piece[] = [];
  #waiter: { resolve: (piece: Piece) => void; reject: (error: unknown) => void } | null = null;
  #failure: unknown = null;
  /** Body bytes queued and not yet handed out. */
  bytes = 0;

  constructor(conn: Reader) {
    this.#conn = conn;
  }

  /** Someone waits for a piece. */
  get wanted(): boolean {
    return this.#waiter !== null;
  }

  push(piece: Piece): void {
    if (this.#waiter !== null) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter.resolve(piece);
      return;
    }
    this.#pieces.push(piece);
    if (piece.type === 'data') this.bytes += piece.data.length;
  }

  fail(error: unknown): void {
    this.#failure = error;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(error);
  }

  next(): Piece | Promise<Piece> {
    const piece = this.#pieces.shift();
    if (piece !== undefined) {
      if (piece.type === 'data') this.bytes -= piece.data.length;
      return piece;
    }
    if (this.#failure !== null) throw this.#failure;
    return new Promise<Piece>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#conn.pumpReads();
    });
  }
}
