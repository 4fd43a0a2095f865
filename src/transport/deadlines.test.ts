import assert from 'node:assert/strict';
import test from 'node:test';
import { Deadlines, type Timed } from './deadlines.js';

class Item implements Timed {
  deadline = Infinity;
  expired = 0;
  expire(): void {
    this.expired++;
    this.deadline = Infinity;
  }
}

test('Deadlines: a deadline counts whole ticks and one more, so it is never early', () => {
  // Shortest 80 ms: a tick of 10 ms.
  const deadlines = new Deadlines([80]);
  const item = new Item();
  deadlines.add(item);
  try {
    // 25 ms: three ticks cover it, and the tick we are in may be nearly over: four sweeps.
    item.deadline = deadlines.due(25);
    for (let i = 0; i < 3; i++) deadlines.sweep();
    assert.equal(item.expired, 0);
    deadlines.sweep();
    assert.equal(item.expired, 1);
    // A whole number of ticks: 20 ms is two, plus one.
    item.deadline = deadlines.due(20);
    deadlines.sweep();
    deadlines.sweep();
    assert.equal(item.expired, 1);
    deadlines.sweep();
    assert.equal(item.expired, 2);
    // Disarmed, it outlives any number of sweeps.
    for (let i = 0; i < 100; i++) deadlines.sweep();
    assert.equal(item.expired, 2);
    assert.equal(deadlines.due(Infinity), Infinity);
  } finally {
    deadlines.delete(item);
  }
});

test('Deadlines: on the real timer, a timeout fires after it has passed and within two ticks of it', async () => {
  const deadlines = new Deadlines([80]);
  // The sweep timer does not hold the process open (a server's own handles do): this does.
  const hold = setTimeout(() => {}, 5000);
  const started = performance.now();
  const fired = await new Promise<number>((resolve) => {
    const item: Timed = {
      deadline: deadlines.due(50),
      expire() {
        deadlines.delete(item);
        resolve(performance.now() - started);
      },
    };
    deadlines.add(item);
  });
  clearTimeout(hold);
  assert.ok(fired >= 49, `fired after ${fired.toFixed(1)} ms, before its 50 ms`);
  // Two ticks late at most, and a loaded machine's timers may lag: bounded loosely.
  assert.ok(fired < 50 + 20 + 500, `fired after ${fired.toFixed(1)} ms`);
});

test('Deadlines: the tick is an eighth of the shortest timeout in use, from 10 to 125 ms', () => {
  // 0 is a timeout that is off; a second or more ticks at 125 ms, so two ticks late is 250 ms.
  for (const [timeouts, tick] of [
    [[80, 0, 5000], 10],
    [[40], 10],
    [[400, 0], 50],
    [[5000, 10_000, 30_000], 125],
    [[0, 0], 125],
  ] as const) {
    const deadlines = new Deadlines(timeouts);
    // due(t) is the whole ticks of t, plus one, from now.
    assert.equal(deadlines.due(tick * 4), deadlines.now + 5, `${timeouts.join(', ')}: a tick of ${tick} ms`);
    assert.equal(deadlines.due(tick * 4 + 1), deadlines.now + 6, `${timeouts.join(', ')}: a tick of ${tick} ms`);
  }
});
