import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, marker } from '../src/index.js';

const start = marker('lat:op_start', 'id %d');
const end = marker('lat:op_end', 'id %d status %d');

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
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
