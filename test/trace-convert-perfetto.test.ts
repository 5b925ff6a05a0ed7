// The Perfetto output, decoded by protobufjs from a .proto written from
// Perfetto's documented field numbers, passes the shared conformance suite;
// it has a process track, one thread track per thread, and slices for
// _start/_end and _begin/_end pairs on async lanes of their thread, an end
// closing its own start even when operations overlap, an unmatched end
// staying an instant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertConformance, convertToBuffer } from './helpers/convert-conformance.js';
import { decodePerfetto, perfettoPackets } from './helpers/decoders.js';
import type { ExpectedEvent } from './helpers/sample-trace.js';
import { SAMPLE_TRACE } from './helpers/sample-trace.js';
import { writeTrace } from './helpers/trace-writer.js';

/** The slice structure the sample trace must produce. */
function perfettoName(e: ExpectedEvent): string {
  const [provider, event] = e.name.split(':') as [string, string];
  const open = /^(.+)_(start|begin)$/.exec(event);
  if (open !== null) return `B:${provider}:${open[1]}`;
  if (e.name === 'db:orphan_end') return 'I:db:orphan_end';
  const close = /^(.+)_end$/.exec(event);
  if (close !== null) return `E:${provider}:${close[1]}`;
  return `I:${e.name}`;
}

convertConformance({ format: 'perfetto', decode: decodePerfetto, nameOf: perfettoName });

test('perfetto: a process track and one thread track per thread', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const packets = perfettoPackets((await convertToBuffer(dir, 'perfetto')).bytes);
  const descriptors = packets.flatMap((p) =>
    p.trackDescriptor === undefined ? [] : [p.trackDescriptor],
  );
  assert.equal(descriptors[0]?.process?.pid, 4242);
  assert.equal(descriptors[0]?.process?.processName, 'node');
  const threads = descriptors.filter((d) => d.thread !== undefined);
  assert.deepEqual(
    threads.map((d) => [d.thread?.threadName, d.thread?.pid, d.thread?.tid]),
    [
      ['main', 4242, '4242'],
      ['wörker ✓', 4242, '4245'],
    ],
  );
  assert.equal(new Set(descriptors.map((d) => d.uuid)).size, descriptors.length);
  assert.ok(packets.every((p) => p.trustedPacketSequenceId === 1));
  assert.equal(packets[0]?.sequenceFlags, 1);
});

test('perfetto: an end closes an open start of its name in any order; without one it stays an instant', async () => {
  const { dir } = writeTrace({
    streams: [
      {
        threadId: 0,
        threadName: 'main',
        markers: [
          { name: 'a:x_start', format: '' },
          { name: 'a:y_begin', format: '' },
          { name: 'a:x_end', format: '' },
          { name: 'a:y_end', format: '' },
          { name: 'b:x_end', format: '' },
        ],
        packets: [
          {
            events: [
              { name: 'a:x_start', ts: 1n },
              { name: 'a:y_begin', ts: 2n },
              { name: 'a:x_end', ts: 3n }, // not the innermost: still closes a:x
              { name: 'a:y_end', ts: 4n },
              { name: 'b:x_end', ts: 5n }, // other provider: an instant
              { name: 'a:x_end', ts: 6n }, // nothing open any more: an instant
            ],
          },
        ],
      },
    ],
  });
  const names = decodePerfetto((await convertToBuffer(dir, 'perfetto')).bytes).events.map(
    (e) => e.name,
  );
  assert.deepEqual(names, ['B:a:x', 'B:a:y', 'E:a:x', 'E:a:y', 'I:b:x_end', 'I:a:x_end']);
});
