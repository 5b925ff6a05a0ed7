import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, marker } from '../src/index.js';
import { expectedCounts } from './fixtures/aggregate-values.js';

const start = marker('lat:op_start', 'id %d');
const end = marker('lat:op_end', 'id %d status %d');

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Runs `body` with performance.now() answering the times it pushes, in
 * order (the latency clock looks `now` up per read), and restores it after.
 */
async function withScriptedClock(body: (times: number[]) => Promise<void>): Promise<void> {
  const real = performance.now.bind(performance);
  const times: number[] = [];
  performance.now = () => {
    const t = times.shift();
    if (t === undefined) throw new Error('clock read more than scripted');
    return t;
  };
  try {
    await body(times);
  } finally {
    performance.now = real;
  }
}

test('an id field pairs by key without --key; unmatched ends and evictions are counted', async () => {
  const a = await aggregate({ markers: 'lat:op_start', latency: { maxPending: 3 } });
  for (let i = 0; i < 5; i++) start.fire?.(i);
  for (let i = 0; i < 5; i++) end.fire?.(i, 200);
  const r = await a.stop();
  assert.equal(r.groups[0]?.count, 3);
  assert.deepEqual(r.latency, { pending: 0, evicted: 2, unmatchedEnds: 2 });
  assert.equal(r.dropped, 4);
});

test('by key: each end pairs with the start of the same id, by fields from the end marker', async () => {
  const a = await aggregate({
    markers: 'lat:op_start',
    by: ['status'],
    latency: { end: 'lat:op_end', key: 'id' },
  });
  for (let id = 0; id < 10; id++) start.fire?.(id);
  busy(15);
  for (let id = 9; id >= 0; id--) end.fire?.(id, id < 4 ? 500 : 200);
  end.fire?.(99, 200);
  start.fire?.(42);
  const r = await a.stop();
  assert.deepEqual(
    r.groups.map((g) => [g.key.status, g.count]),
    [
      [200, 6],
      [500, 4],
    ],
  );
  assert.deepEqual(r.latency, { pending: 1, evicted: 0, unmatchedEnds: 1 });
  // Every start waited at least the busy loop before its end.
  for (const g of r.groups) assert.ok((g.min ?? 0) >= 15, `min ${g.min}`);
});

test('the clock is read only for latency: twice per pair, never for count or histogram', async () => {
  const real = performance.now.bind(performance);
  let reads = 0;
  performance.now = () => {
    reads++;
    return real();
  };
  try {
    const value = marker('lat:value', 'v %f');
    const counting = await aggregate({ markers: 'lat:value', hist: 'v' });
    reads = 0;
    for (let i = 0; i < 100; i++) value.fire?.(i);
    assert.equal(reads, 0);
    await counting.stop();
    const pairs = await aggregate({ markers: 'lat:op_start', latency: {} });
    reads = 0;
    for (let i = 0; i < 100; i++) {
      start.fire?.(i);
      end.fire?.(i, 200);
    }
    assert.equal(reads, 200);
    const r = await pairs.stop();
    assert.equal(r.groups[0]?.count, 100);
  } finally {
    performance.now = real;
  }
  assert.equal(start.fire, undefined);
  assert.equal(end.fire, undefined);
});

test('times kept for a batch are all in every read: exact count, sum, min, max and invalid at any count', async () => {
  // A scripted clock: each start reads t, its end t + the pair's latency. Pair k
  // lasts k + 1 ms, and every 10th pair's end reads NaN, so some batches hold an
  // invalid time. Reads come at counts around the batch size (32) and after.
  await withScriptedClock(async (times) => {
    const pairs = await aggregate({ markers: 'lat:op_start', latency: {} });
    let done = 0;
    let sum = 0;
    let valid = 0;
    let invalid = 0;
    for (const upTo of [1, 31, 32, 33, 64, 65, 100, 100, 203]) {
      for (; done < upTo; done++) {
        const nan = done % 10 === 9;
        times.push(1000 * done, nan ? Number.NaN : 1000 * done + done + 1);
        start.fire?.(done);
        end.fire?.(done, 200);
        if (nan) invalid++;
        else {
          valid++;
          sum += done + 1;
        }
      }
      const r = await pairs.read();
      const g = r.groups[0];
      assert.equal(g?.count, valid, `count after ${upTo} pairs`);
      assert.equal(g?.sum, sum, `sum after ${upTo} pairs`);
      assert.equal(g?.min, 1, `min after ${upTo} pairs`);
      // The largest valid latency: the last pair that was not a NaN one.
      const last = done % 10 === 0 ? done - 1 : done;
      assert.equal(g?.max, last, `max after ${upTo} pairs`);
      assert.equal(r.invalid, invalid, `invalid after ${upTo} pairs`);
      assert.equal(
        g?.buckets?.reduce((n, b) => n + b.count, 0),
        valid,
        'every valid time in a bucket',
      );
    }
    assert.equal(times.length, 0);
    await pairs.stop();
  });
});

test('kept times of every kind land in their buckets: zero, negative, subnormal and huge', async () => {
  // A replaced clock can go backwards or stand still; the kept-batch path
  // reads a value's bits from the batch, and these are its rare branches.
  const elapsed = [0, -0, -2.5, 5e-324, -5e-324, 3, 1e300, -1e-300, 0.125, 7];
  const values = Array.from({ length: 45 }, (_, k) => elapsed[k % elapsed.length] as number);
  await withScriptedClock(async (times) => {
    const pairs = await aggregate({ markers: 'lat:op_start', latency: {} });
    for (const [k, v] of values.entries()) {
      // t0 = 0 keeps t1 - t0 === v exactly, subnormals included.
      times.push(0, v);
      start.fire?.(k);
      end.fire?.(k, 200);
    }
    const r = await pairs.stop();
    const g = r.groups[0];
    assert.equal(g?.count, values.length);
    assert.equal(g?.min, Math.min(...values));
    assert.equal(g?.max, Math.max(...values));
    const buckets = g?.buckets ?? [];
    assert.deepEqual(
      buckets.map((b) => b.count),
      expectedCounts(buckets, values),
    );
  });
});
