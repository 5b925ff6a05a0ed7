/**
 * Pairing by nesting keeps its starts in a ring of maxPending slots: past
 * the cap the oldest start is evicted, and an end always takes the innermost
 * start, however often the ring has wrapped. A clock that counts makes every
 * latency known exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, marker } from '../src/index.js';

const start = marker('ring:op_start', 'n %d');
const end = marker('ring:op_end', 'n %d');

test('the ring evicts the oldest start and pairs each end with the innermost, across wraps', async () => {
  const real = performance.now;
  let clock = 0;
  performance.now = () => ++clock;
  try {
    const a = await aggregate({ markers: 'ring:op_start', latency: { maxPending: 3 } });
    const latencies: number[] = [];
    const stack: number[] = [];
    let evicted = 0;
    let unmatched = 0;
    // The same pairing, written plainly: a stack of at most 3 start times.
    const fireStart = () => {
      start.fire?.(0);
      stack.push(clock);
      if (stack.length > 3) {
        stack.shift();
        evicted++;
      }
    };
    const fireEnd = () => {
      end.fire?.(0);
      const t = stack.pop();
      if (t === undefined) unmatched++;
      else latencies.push(clock - t);
    };
    // Pushes and pops in an irregular order, so the ring's bottom moves round it many times.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < (round % 5) + 1; i++) fireStart();
      for (let i = 0; i < ((round * 7) % 4) + 1; i++) fireEnd();
    }
    const r = await a.stop();
    assert.ok(evicted > 10 && unmatched > 0 && latencies.length > 40, 'the run exercises the ring');
    assert.deepEqual(r.latency, { pending: stack.length, evicted, unmatchedEnds: unmatched });
    const g = r.groups[0];
    assert.equal(g?.count, latencies.length);
    assert.equal(
      g?.sum,
      latencies.reduce((s, v) => s + v, 0),
    );
    assert.equal(g?.min, Math.min(...latencies));
    assert.equal(g?.max, Math.max(...latencies));
  } finally {
    performance.now = real;
  }
});
