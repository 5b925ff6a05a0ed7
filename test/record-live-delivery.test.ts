// A live consumer (markers tail) gets events while the recording runs, at low
// rates too: a thread closes its open packet shortly after it opened it, so a
// single event reaches the sink without waiting for a full packet or stop().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker } from '../src/index.js';
import { RecordingConsumer } from '../src/record/consumer/consumer.js';
import type { PacketSink } from '../src/trace/writer.js';
import { waitFor } from './helpers/record.js';

const rare = marker('live:rare', 'n %d');

test('a single event reaches the sink while recording, before stop', async () => {
  const packets: { stream: number; events: number; names: string[] }[] = [];
  let finished = false;
  const sink: PacketSink = {
    packet(stream, _bytes, info) {
      packets.push({
        stream: stream.id,
        events: info?.events ?? -1,
        names: stream.events.map((e) => e.name),
      });
    },
    finish() {
      finished = true;
    },
  };
  const consumer = await RecordingConsumer.start({ markers: 'live:*' }, sink);
  rare.fire?.(1);
  await waitFor(() => packets.length > 0, 'the first packet');
  assert.equal(finished, false);
  assert.deepEqual(packets[0], { stream: 0, events: 1, names: ['live:rare'] });
  const stats = await consumer.stop();
  assert.equal(stats.recorded, 1);
  assert.equal(finished, true);
  assert.equal(packets.length, 1);
});
