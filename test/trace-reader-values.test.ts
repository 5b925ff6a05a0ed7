// Our reader yields every event of the sample trace, in timestamp order,
// with exact values: 64-bit extremes, hex, floats, unicode, bools, json,
// keyword field names, markers without fields, two threads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTrace } from '../src/trace/reader/reader.js';
import { canonicalOurs, eventsOf, readAll } from './helpers/judges.js';
import { SAMPLE_EVENTS, SAMPLE_TRACE } from './helpers/sample-trace.js';
import { TEST_UUID, writeTrace } from './helpers/trace-writer.js';

test('every sample event comes back with its exact values', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const { records, error } = await readAll(dir);
  assert.equal(error, undefined);
  const events = eventsOf(records);
  assert.equal(events.length, SAMPLE_EVENTS.length);
  for (const [i, expected] of SAMPLE_EVENTS.entries()) {
    const got = events[i];
    assert.ok(got);
    assert.equal(got.timestamp, expected.timestamp, `event ${i} timestamp`);
    assert.equal(got.name, expected.name);
    assert.equal(got.threadId, expected.threadId);
    assert.equal(got.threadName, expected.threadName);
    assert.deepEqual(canonicalOurs(got).fields, expected.fields, `event ${i} ${got.name}`);
  }
});

test('64-bit ints are numbers when safe and exact bigints beyond 2^53', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const values = eventsOf((await readAll(dir)).records).filter((e) => e.name === 'app:values');
  assert.equal(values[0]?.fields.i, -(2n ** 63n));
  assert.equal(values[0]?.fields.u, 2n ** 64n - 1n);
  assert.equal(values[0]?.fields.x, 0xdeadbeef);
  assert.equal(values[2]?.fields.i, -42);
  assert.equal(typeof values[2]?.fields.u, 'number');
});

test('the trace model exposes uuid, clock offset, env and field specs', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const trace = await openTrace(dir);
  assert.equal(trace.model.uuid, TEST_UUID);
  assert.equal(trace.model.env.hostname, 'test-host');
  const values = [...(trace.model.streams.get(0)?.events.values() ?? [])].find(
    (e) => e.name === 'app:values',
  );
  assert.deepEqual(
    values?.fields.map((f) => `${f.name}:${f.type}:${f.spec}`),
    ['i:int64:d', 'u:uint64:u', 'x:uint64:x', 'f:float64:f', 's:string:s', 'b:bool:b', 'j:json:j'],
  );
  for await (const _ of trace.records()) {
    // drain, so the stream counters fill
  }
  assert.deepEqual(
    trace.streams.map((s) => [s.file, s.threadName, s.packets, s.events]),
    [
      ['stream_0', 'main', 3, 9],
      ['stream_1', 'wörker ✓', 3, 5],
    ],
  );
});
