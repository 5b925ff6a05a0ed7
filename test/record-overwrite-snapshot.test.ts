// Overwrite mode (flight recorder): a snapshot holds the newest events, in
// order and without gaps, and the recording goes on after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { bt2Read } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';

const tick = marker('flight:tick', 'i %d');

function numbers(dir: string): bigint[] {
  const { messages, status, stderr } = bt2Read(dir);
  assert.equal(status, 0, stderr);
  return bt2Events(messages).map((e) => bt2Value(e.fields.i) as bigint);
}

test('an overwrite snapshot holds the newest events, contiguous up to the last one fired', async () => {
  const { root, out } = freshDir();
  const recording = await record({
    markers: 'flight:*',
    output: out,
    mode: 'overwrite',
    bufferSize: 8 * 4096,
    subBufferSize: 4096,
  });
  for (let i = 0; i < 50_000; i++) tick.fire?.(i);
  const snap = `${root}/snap`;
  const stats = await recording.snapshot(snap);
  assert.ok(stats.overwritten > 0);
  const held = numbers(snap);
  assert.ok(held.length > 1000, `only ${held.length} events held`);
  assert.equal(held.at(-1), 49_999n);
  assert.deepEqual(
    held,
    held.map((_, k) => 49_999n - BigInt(held.length - 1 - k)),
  );

  // Recording goes on; stop writes the newest events again.
  for (let i = 50_000; i < 50_010; i++) tick.fire?.(i);
  const final = await recording.stop();
  assert.equal(final.recorded, 50_010);
  assert.equal(final.recorded, final.overwritten + numbers(out).length);
  assert.equal(numbers(out).at(-1), 50_009n);
});
