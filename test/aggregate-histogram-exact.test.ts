import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, marker } from '../src/index.js';
import { expectedCounts, nearestRank, within } from './fixtures/aggregate-values.js';

const m = marker('hist:sample', 'kind %s v %f');

/** Values over the whole range of finite doubles: subnormals, huge, negative, zero. */
function wideValues(): number[] {
  const out = [0, -0, 5e-324, 1e-320, -2.5e-310, Number.MIN_VALUE * 3, 2.2250738585072014e-308];
  out.push(Number.MAX_VALUE, -Number.MAX_VALUE, 1.5e308, 1, -1, 0.1, 3);
  let x = 12345;
  for (let i = 0; i < 20000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const u = x / 2147483648;
    const magnitude = 10 ** (u * 616 - 308);
    out.push(i % 3 === 0 ? -magnitude : magnitude);
  }
  return out.filter(Number.isFinite);
}

test('log-linear quantiles are within 1% over the whole range of finite doubles; count, min, max exact', async () => {
  const values = wideValues();
  const a = await aggregate({ markers: 'hist:sample', hist: 'v' });
  for (const v of values) m.fire?.('wide', v);
  const r = await a.stop();
  const [g] = r.groups;
  assert.ok(g !== undefined);
  const sorted = [...values].sort((x, y) => x - y);
  assert.equal(g.count, values.length);
  assert.equal(g.min, sorted[0]);
  assert.equal(g.max, sorted[sorted.length - 1]);
  assert.equal(
    g.buckets?.reduce((n, b) => n + b.count, 0),
    values.length,
  );
  for (const [q, estimate] of [
    [0.5, g.p50],
    [0.9, g.p90],
    [0.99, g.p99],
    [0.999, g.p999],
  ] as const) {
    const truth = nearestRank(sorted, q);
    assert.ok(
      typeof estimate === 'number' && within(estimate, truth, 0.01),
      `p${q * 100}: ${estimate} vs ${truth}`,
    );
  }
  // Each value lies within the bounds of the bucket that counted it, subnormals included.
  const buckets = g.buckets ?? [];
  assert.deepEqual(
    buckets.map((b) => b.count),
    expectedCounts(buckets, values),
  );
  // Every bucket of the result is ordered and the zeros have their own.
  const zero = g.buckets?.find((b) => b.lo === 0 && b.hi === 0);
  assert.equal(zero?.count, values.filter((v) => v === 0).length);
});

test('every quantile of many small sets is within 1%, negatives and subnormals included', async () => {
  for (const scale of [1e-315, 1e-9, 1, 1234.5, 1e300]) {
    for (const sign of [1, -1]) {
      const values = Array.from(
        { length: 257 },
        (_, i) => sign * scale * (1 + ((i * 37) % 257) / 3),
      );
      const a = await aggregate({ markers: 'hist:sample', hist: 'v' });
      for (const v of values) m.fire?.('small', v);
      const [g] = (await a.stop()).groups;
      const sorted = [...values].sort((x, y) => x - y);
      for (const [q, estimate] of [
        [0.5, g?.p50],
        [0.9, g?.p90],
        [0.99, g?.p99],
        [0.999, g?.p999],
      ] as const) {
        const truth = nearestRank(sorted, q);
        assert.ok(
          typeof estimate === 'number' && within(estimate, truth, 0.01),
          `scale ${scale} sign ${sign} p${q * 100}: ${estimate} vs ${truth}`,
        );
      }
    }
  }
});

test('sums are exact, and NaN, infinities and non-numbers are counted as invalid', async () => {
  const a = await aggregate({ markers: 'hist:sample', by: ['kind'], hist: 'v' });
  let sum = 0;
  for (let i = 0; i < 10000; i++) {
    // Multiples of 1/1024 below 2^30: every partial sum is exact in a double.
    const v = ((i * 7919) % 100003) / 1024 - 40;
    sum += v;
    m.fire?.('dyadic', v);
  }
  const fire = m.fire as unknown as ((...args: unknown[]) => void) | undefined;
  fire?.('bad', Number.NaN);
  fire?.('bad', Number.POSITIVE_INFINITY);
  fire?.('bad', 'twelve');
  fire?.('bad', 5);
  const r = await a.stop();
  const dyadic = r.groups.find((g) => g.key.kind === 'dyadic');
  assert.equal(dyadic?.count, 10000);
  assert.equal(dyadic?.sum, sum);
  const bad = r.groups.find((g) => g.key.kind === 'bad');
  assert.equal(bad?.count, 1);
  assert.equal(bad?.invalid, 3);
  assert.equal(r.invalid, 3);
  assert.equal(m.fire, undefined);
});

test('linear buckets: exact counts per step, plus one below min and one at or above max', async () => {
  const a = await aggregate({
    markers: 'hist:sample',
    hist: 'v',
    linear: { min: 0, max: 100, step: 10 },
  });
  const values = [-5, 0, 9.99, 10, 55, 99.9, 100, 250];
  for (const v of values) m.fire?.('lin', v);
  const [g] = (await a.stop()).groups;
  assert.deepEqual(
    g?.buckets?.map((b) => [b.lo, b.hi, b.count]),
    [
      [Number.NEGATIVE_INFINITY, 0, 1],
      [0, 10, 2],
      [10, 20, 1],
      [50, 60, 1],
      [90, 100, 1],
      [100, Number.POSITIVE_INFINITY, 2],
    ],
  );
  assert.equal(g?.min, -5);
  assert.equal(g?.max, 250);
});

test('a by field with more values than maxGroups folds the rest into other, counted', async () => {
  const a = await aggregate({ markers: 'hist:sample', by: ['kind'], maxGroups: 3 });
  for (let i = 0; i < 10; i++) m.fire?.(`k${i}`, i);
  m.fire?.('k0', 1);
  const r = await a.stop();
  assert.equal(r.groups.length, 3);
  assert.deepEqual(
    r.groups.map((g) => [g.key.kind, g.count]),
    [
      ['k0', 2],
      ['k1', 1],
      ['k2', 1],
    ],
  );
  assert.equal(r.otherCount, 7);
  assert.equal(r.other?.count, 7);
});
