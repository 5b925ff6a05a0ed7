import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveDecoder } from '../src/cli/live-decoder.js';
import type { TraceEntry } from '../src/trace/reader/reader.js';
import { describeTrace, encodePacket, type TestTrace } from './helpers/trace-writer.js';

const TRACE: TestTrace = {
  streams: [
    {
      threadId: 0,
      threadName: 'main',
      markers: [{ name: 'live:tick', format: 'n %d' }],
      packets: [
        { events: [{ name: 'live:tick', ts: 10n, values: [1] }] },
        // 5 events were dropped before this packet...
        { events: [{ name: 'live:tick', ts: 20n, values: [7] }], discarded: 5 },
        // ...and none since: the running count stays 5.
        { events: [{ name: 'live:tick', ts: 30n, values: [8] }], discarded: 5 },
      ],
    },
  ],
};

test('live packets decode one by one with their stream state: a loss is reported once, where it happened', async () => {
  const description = describeTrace(TRACE);
  const stream = description.streams[0];
  assert.ok(stream);
  const records: TraceEntry[] = [];
  const decoder = new LiveDecoder((record) => records.push(record));
  decoder.start(description);
  const packets = TRACE.streams[0]?.packets ?? [];
  for (const [index, packet] of packets.entries()) {
    await decoder.packet(
      stream,
      encodePacket(description.uuid, stream.id, 0, stream, packet, index),
    );
  }
  assert.deepEqual(
    records.map((r) => (r.type === 'event' ? `tick ${String(r.fields.n)}` : `lost ${r.events}`)),
    ['tick 1', 'lost 5', 'tick 7', 'tick 8'],
  );
});

test('a live packet whose timestamps go back is refused with ERR_TRACE_CORRUPT', async () => {
  const description = describeTrace(TRACE);
  const stream = description.streams[0];
  assert.ok(stream);
  const decoder = new LiveDecoder(() => {});
  decoder.start(description);
  const later = { events: [{ name: 'live:tick', ts: 50n, values: [1] }] };
  const earlier = { events: [{ name: 'live:tick', ts: 40n, values: [2] }] };
  await decoder.packet(stream, encodePacket(description.uuid, stream.id, 0, stream, later, 0));
  await assert.rejects(
    decoder.packet(stream, encodePacket(description.uuid, stream.id, 0, stream, earlier, 1)),
    (error: unknown) => (error as { code?: string }).code === 'ERR_TRACE_CORRUPT',
  );
});
