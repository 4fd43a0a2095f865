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
  // shortest 80 ms: a tick of 10 ms.
  const deadlines = new Deadlines(80);
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
  const deadlines = new Deadlines(80);
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
