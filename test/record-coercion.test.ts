// A marker fired with the wrong run-time types never throws: each value is
// recorded with the documented coercion (docs/record.md, src/record/producer/coerce.ts)
// and counted in the stats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Marker, marker, record } from '../src/index.js';
import { bt2Read } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';

const m = marker('coerce:all', 'i %d u %u f %f s %s b %b j %j') as unknown as Marker<string>;

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
const throwing = {
  toString(): string {
    throw new Error('no');
  },
};

// [arguments, expected i, u, f, s, b, j]
const CASES: [unknown[], bigint, bigint, number, string, boolean, string][] = [
  [['42', '7', 10n, 12, 'yes', undefined], 42n, 7n, 10, '12', true, 'null'],
  [[3.9, -5, 'x', null, 0, cyclic], 3n, 0n, Number.NaN, 'null', false, '"[unserializable]"'],
  [[-3.9, 1n, undefined, undefined, {}, 10n], -3n, 1n, Number.NaN, 'undefined', true, '"10"'],
  [
    [Number.NaN, Number.NaN, true, throwing, '', () => 1],
    0n,
    0n,
    1,
    '[unprintable]',
    false,
    'null',
  ],
  [
    [Number.POSITIVE_INFINITY, 2n ** 70n, false, Symbol('s'), 1n, [undefined]],
    2n ** 63n - 1024n,
    2n ** 64n - 1n,
    0,
    'Symbol(s)',
    true,
    '[null]',
  ],
  [[true, -1n, {}, 5n, null, 'plain'], 1n, 0n, Number.NaN, '5', false, '"plain"'],
  [[{}, [], [], {}, [], {}], 0n, 0n, Number.NaN, '[object Object]', true, '{}'],
];

test('wrong run-time types are recorded with the documented coercions and never throw', async () => {
  const { out } = freshDir();
  const recording = await record({ markers: 'coerce:*', output: out });
  for (const [args] of CASES) assert.doesNotThrow(() => m.fire?.(...args));
  const stats = await recording.stop();
  assert.equal(stats.recorded, CASES.length);
  assert.ok((stats.threads[0]?.coerced ?? 0) > 0);

  const { messages, status, stderr } = bt2Read(out);
  assert.equal(status, 0, stderr);
  const events = bt2Events(messages);
  assert.equal(events.length, CASES.length);
  events.forEach((event, n) => {
    const [, i, u, f, s, b, j] = CASES[n] as (typeof CASES)[number];
    const got = event.fields;
    assert.equal(bt2Value(got.i), i, `case ${n} i`);
    assert.equal(bt2Value(got.u), u, `case ${n} u`);
    assert.ok(Object.is(bt2Value(got.f), f), `case ${n} f: ${String(bt2Value(got.f))}`);
    assert.equal(bt2Value(got.s), s, `case ${n} s`);
    assert.equal(bt2Value(got.b), b, `case ${n} b`);
    assert.equal(bt2Value(got.j), j, `case ${n} j`);
  });
});
