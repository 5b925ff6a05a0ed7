import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, listMarkers, marker } from '../src/index.js';
import { RecordingConsumer } from '../src/record/consumer/consumer.js';
import type { PacketSink } from '../src/trace/writer.js';

const nullSink: PacketSink = { packet() {}, finish() {} };

test('an aggregation composes with a recording on the same marker (call+record), and each leaves the other in place', async () => {
  const m = marker('compose:req', 'status %d ms %f');
  const consumer = await RecordingConsumer.start(
    { markers: 'compose:req', mode: 'overwrite' },
    nullSink,
  );
  const a = await aggregate({ markers: 'compose:req', by: ['status'], hist: 'ms' });
  assert.equal(listMarkers('compose:req')[0]?.mode, 'call+record');
  for (let i = 0; i < 1000; i++) m.fire?.(i % 2 === 0 ? 200 : 500, i / 10);
  const r = await a.stop();
  assert.deepEqual(r.groups.map((g) => [g.key.status, g.count]).sort(), [
    [200, 500],
    [500, 500],
  ]);
  assert.equal(listMarkers('compose:req')[0]?.mode, 'record');
  for (let i = 0; i < 10; i++) m.fire?.(200, 1);
  const stats = await consumer.stop();
  assert.equal(stats.recorded, 1010);
  assert.equal(m.fire, undefined);
});
