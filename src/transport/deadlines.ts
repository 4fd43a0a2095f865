// Deadlines: one coarse timer per server or pool instead of one timer per connection.
// Time is counted in sweeps of that timer, so arming a deadline is storing a number:
// no clock is read per request (Date.now() costs ~50 ns here). A deadline never fires
// early, and at most two ticks late: a quarter of the shortest timeout, at least 20 ms
// and at most 250 ms.

export interface Timed {
  /** The sweep that expires it (see Deadlines.due); Infinity when disarmed. */
  readonly deadline: number;
  expire(): void;
}

export class Deadlines {
  readonly #items = new Set<Timed>();
  readonly #tick: number;
  #sweeps = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #onTick: (() => void) | null;

  /**
   * `timeouts`: those in use, 0 for one that is off. The tick is an eighth of the shortest,
   * from 10 to 125 ms: a timeout of a second or more still fires within 250 ms of its time.
   * `onTick` runs at every sweep and when the timer starts (the server refreshes its Date there).
   */
  constructor(timeouts: readonly number[], onTick: (() => void) | null = null) {
    const shortest = Math.min(1000, ...timeouts.filter((t) => t > 0));
    this.#tick = Math.max(10, Math.floor(shortest / 8));
    this.#onTick = onTick;
  }

  /** The sweeps so far: the clock deadlines are counted in. */
  get now(): number {
    return this.#sweeps;
  }

  /**
   * The deadline of something armed now for `timeout` ms. Sweeps run at least a tick
   * apart, and now lies somewhere in the current tick: one tick more than the timeout
   * rounded up to ticks is never early.
   */
  due(timeout: number): number {
    return this.#sweeps + Math.ceil(timeout / this.#tick) + 1;
  }

  add(item: Timed): void {
    this.#items.add(item);
    if (this.#timer === null) {
      this.#onTick?.();
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

  /** One tick: expires every item whose deadline has come. Exposed for tests, which are their own clock. */
  sweep(): void {
    const now = ++this.#sweeps;
    this.#onTick?.();
    for (const item of this.#items) if (item.deadline <= now) item.expire();
  }
}
