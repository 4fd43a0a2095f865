// Deadlines: one coarse timer per server or pool instead of one timer per connection.
// Arming a deadline is storing a number; a sweep every `tick` ms expires those past due.
// A deadline may fire up to one tick late, never early.

export interface Timed {
  /** When to expire, in Date.now() milliseconds; Infinity when disarmed. */
  readonly deadline: number;
  expire(): void;
}

export class Deadlines {
  readonly #items = new Set<Timed>();
  readonly #tick: number;
  #timer: ReturnType<typeof setInterval> | null = null;

  /** `shortest`: the shortest timeout in use; the tick is a quarter of it, from 10 ms to 1 s. */
  constructor(shortest: number) {
    this.#tick = Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
  }

  add(item: Timed): void {
    this.#items.add(item);
    if (this.#timer === null) {
      this.#timer = setInterval(() => this.sweep(), this.#tick);
      this.#timer.unref();
    }
  }

  delete(item: Timed): void {
    this.#items.delete(item);
    if (this.#items.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** Expires every item past its deadline; exposed for tests with their own clock. */
  sweep(now: number = Date.now()): void {
    for (const item of this.#items) if (item.deadline <= now) item.expire();
  }
}
