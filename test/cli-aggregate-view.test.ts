import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, newViewState, renderResult } from '../src/cli/aggregate/view.js';
import type { CommandContext } from '../src/cli/command.js';
import { aggregate, marker } from '../src/index.js';

const context = { color: false } as CommandContext;

test('numbers keep their integer digits; fractions lose trailing zeros', () => {
  assert.equal(formatNumber(-2950), '-2950');
  assert.equal(formatNumber(2950.25), '2950');
  assert.equal(formatNumber(1.5), '1.5');
  assert.equal(formatNumber(0.125), '0.125');
  assert.equal(formatNumber(null), '-');
});

test('the view shows rates over the interval and one bar row per power of two', async () => {
  const m = marker('view:v', 'k %s v %f');
  const a = await aggregate({ markers: 'view:v', by: ['k'], hist: 'v' });
  for (const v of [1, 1.5, 3, 3.5, 3.9, 20]) m.fire?.('a', v);
  const r = await a.stop();
  const text = renderResult(context, r, newViewState(r.time - 2000), {
    title: 'hist view:v v',
    elapsedMs: 2000,
    unit: 'ms',
  });
  const lines = text.split('\n');
  assert.match(lines[0] ?? '', /^hist view:v v {2}2\.0s {2}total 6 {2}3\/s/);
  assert.match(lines[2] ?? '', /^k=a\s+6\s+3\s+1\s/);
  const bars = lines.filter((l) => l.includes('|'));
  assert.deepEqual(
    bars.map((l) => [l.trim().split(' ms ')[0], Number(l.split('| ')[1])]),
    [
      ['[1, 2)', 2],
      ['[2, 4)', 3],
      ['[4, 8)', 0],
      ['[8, 16)', 0],
      ['[16, 32)', 1],
    ],
  );
});

test('buckets whose bound came over JSON as null (the top ones) are drawn, and drawing ends', () => {
  const result = {
    time: 2000,
    kind: 'hist',
    layout: 'log-linear',
    groups: [
      {
        key: {},
        count: 5,
        sum: 0,
        min: -1.7e308,
        max: 1.7e308,
        mean: 0,
        invalid: 0,
        p50: 1,
        p90: 1,
        p99: 1,
        p999: 1,
        buckets: [
          { lo: null, hi: -1.7e308, count: 1 },
          { lo: -2, hi: -1.984375, count: 1 },
          { lo: 1, hi: 1.0078125, count: 2 },
          { lo: 1.7e308, hi: null, count: 1 },
        ],
      },
    ],
    other: null,
    otherCount: 0,
    dropped: 0,
    invalid: 0,
    errors: 0,
    markers: [],
    skipped: [],
    latency: null,
  } as unknown as Parameters<typeof renderResult>[1];
  const text = renderResult(context, result, newViewState(1000), {
    title: 't',
    elapsedMs: 1000,
    unit: 'ms',
  });
  const bars = text.split('\n').filter((l) => l.includes('|'));
  // The empty powers of two between 1 and 1.7e308 are merged into at most 24 rows.
  assert.ok(bars.length > 2 && bars.length <= 24, `${bars.length} rows`);
  assert.equal(
    bars.reduce((n, l) => n + Number(l.split('| ')[1]), 0),
    5,
  );
});
