// Discard mode under a flood: a small buffer fills while the consumer cannot
// keep up (the events are fired synchronously), the newest events are dropped,
// and recorded + discarded == fired, in the stats and in what the readers count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { babeltrace2, bt2Read } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';

const flood = marker('flood:event', 'i %d name %s');

test('discard mode: recorded + discarded == fired, and readers report the discarded events', async () => {
  const { out } = freshDir();
  const recording = await record({
    markers: 'flood:*',
    output: out,
    bufferSize: 4 * 8192,
    subBufferSize: 8192,
  });
  const fired = 200_000;
  for (let i = 0; i < fired; i++) flood.fire?.(i, 'some payload');
  const stats = await recording.stop();
  assert.ok(stats.discarded > 0, 'the flood must overflow the buffer');
  assert.equal(stats.recorded + stats.discarded, fired);

  const { messages, status, stderr } = bt2Read(out);
  assert.equal(status, 0, stderr);
  const events = bt2Events(messages);
  let discarded = 0;
  for (const m of messages) if (m.type === 'discarded') discarded += m.count ?? 0;
  assert.equal(events.length, stats.recorded);
  assert.equal(discarded, stats.discarded);
  assert.equal(events.length + discarded, fired);
  // The oldest events are the ones kept: discard drops the newest.
  assert.equal(bt2Value(events[0]?.fields.i), 0n);
  const counter = babeltrace2(out, '-c', 'sink.utils.counter');
  assert.equal(counter.status, 0, counter.stderr);
});
