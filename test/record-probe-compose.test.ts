// The recorder composes with probes (call+record), only markers matching the
// recording's patterns pay for it, and stop() detaches it everywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, listMarkers, marker, record } from '../src/index.js';
import { bt2Read } from './helpers/judges.js';
import { bt2Events, freshDir } from './helpers/record.js';

const a = marker('compose:a', 'n %d');
const free = marker('free:b', 'n %d');

test('a recording composes with a probe, leaves unmatched markers free, and detaches on stop', async () => {
  const seen: number[] = [];
  const probe = connect(a, (_m, n) => {
    seen.push(Number(n));
  });
  const { out } = freshDir();
  const recording = await record({ markers: 'compose:*', output: out });
  assert.equal(listMarkers('compose:a')[0]?.mode, 'call+record');
  assert.equal(free.fire, undefined);
  for (let i = 0; i < 10; i++) a.fire?.(i);
  const stats = await recording.stop();
  assert.equal(stats.recorded, 10);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(listMarkers('compose:a')[0]?.mode, 'call');
  await probe.disconnect();
  assert.equal(a.fire, undefined);
  const { messages, status, stderr } = bt2Read(out);
  assert.equal(status, 0, stderr);
  assert.equal(bt2Events(messages).length, 10);
});
