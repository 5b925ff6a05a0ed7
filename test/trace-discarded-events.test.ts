// Lost events are never silent: events_discarded growth and packet_seq_num
// gaps are reported by babeltrace2 and bt2 and by our reader, per stream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTrace } from '../src/trace/reader/reader.js';
import { type Bt2Discarded, babeltrace2, bt2Read, readAll } from './helpers/judges.js';
import { SAMPLE_DISCARDED, SAMPLE_TRACE } from './helpers/sample-trace.js';
import { type TestStream, writeTrace } from './helpers/trace-writer.js';

test('babeltrace2, bt2 and our reader report the same discarded events', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const counter = babeltrace2(dir, '-c', 'sink.utils.counter');
  assert.equal(counter.status, 0, counter.stderr);
  assert.match(counter.stdout, /^\s*1 Discarded event message$/m);
  const pretty = babeltrace2(dir);
  assert.match(pretty.stderr + pretty.stdout, /discarded 5 events/);
  const bt2 = bt2Read(dir).messages.filter((m): m is Bt2Discarded => m.type === 'discarded');
  assert.deepEqual(bt2, [{ type: 'discarded', stream_id: 1, count: 5 }]);

  const { records } = await readAll(dir);
  const ours = records.filter((r) => r.type === 'discarded');
  assert.equal(ours.length, 1);
  assert.equal(ours[0]?.type === 'discarded' && ours[0].events, SAMPLE_DISCARDED.events);
  assert.equal(ours[0]?.threadName, SAMPLE_DISCARDED.threadName);
});

test('growth is counted per packet and a packet_seq_num gap counts lost packets', async () => {
  const stream: TestStream = {
    threadId: 0,
    threadName: 'main',
    markers: [{ name: 'a:b', format: 'n %d' }],
    packets: [
      { events: [{ name: 'a:b', ts: 10n, values: [1] }], discarded: 0, seq: 0 },
      { events: [{ name: 'a:b', ts: 20n, values: [2] }], discarded: 2, seq: 1 },
      { events: [{ name: 'a:b', ts: 30n, values: [3] }], discarded: 7, seq: 4 },
    ],
  };
  const { dir } = writeTrace({ streams: [stream] });
  const counter = babeltrace2(dir, '-c', 'sink.utils.counter');
  assert.match(counter.stdout, /^\s*2 Discarded event messages$/m);
  assert.match(counter.stdout, /^\s*1 Discarded packet message$/m);

  const trace = await openTrace(dir);
  const notices = [];
  for await (const r of trace.records())
    if (r.type === 'discarded') notices.push([r.events, r.packets]);
  assert.deepEqual(notices, [
    [2, 0],
    [5, 2],
  ]);
  assert.equal(trace.streams[0]?.discardedEvents, 7);
  assert.equal(trace.streams[0]?.discardedPackets, 2);
});
