// One conformance suite, run for both buffer modes: a recording made with
// record() (consumer worker, trace directory) holds every fired event with
// its exact values, judged by babeltrace2 and bt2, read back identically by
// our reader, and converted to every output format with the same count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, record } from '../src/index.js';
import { convertTrace, OUTPUT_FORMATS } from '../src/trace/convert/convert.js';
import { openTrace } from '../src/trace/reader/reader.js';
import { babeltrace2, bt2Read, eventsOf, readAll } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';

const values = marker('conf:values', 'i %d u %u h %x f %f s %s ok %b j %j');
const bare = marker('conf:bare');
const other = marker('other:ignored', 'n %d');

const CASES: readonly [
  number | bigint,
  number | bigint,
  number | bigint,
  number,
  string,
  boolean,
  unknown,
][] = [
  [0, 0, 0, 0, '', false, null],
  [-1, 1, 255, -2.5, 'ascii only', true, { a: [1, 'b'] }],
  [2n ** 63n - 1n, 2n ** 64n - 1n, 0xdeadbeefn, Number.MAX_VALUE, 'héllo wörld', true, 'x'],
  [-(2n ** 63n), 2 ** 53, 2 ** 32, Number.MIN_VALUE, '日本語 🎉 emoji', false, [1, 2, 3]],
  [Number.MAX_SAFE_INTEGER, 4294967295, 1, 1e-300, 'tab\there "quoted"', true, { n: 10n }],
  [-4294967297, 4294967296, 2n ** 40n, Math.PI, 'ünïcödé'.repeat(20), false, 'ünïcödé'],
];

for (const mode of ['discard', 'overwrite'] as const) {
  test(`${mode}: every event is present with its exact values, timestamps monotonic and near wall-clock`, async () => {
    const { out } = freshDir();
    const before = BigInt(Date.now()) * 1_000_000n;
    const recording = await record({ markers: ['conf:*'], output: out, mode });
    for (const c of CASES) values.fire?.(...c);
    bare.fire?.();
    other.fire?.(1);
    const stats = await recording.stop();
    const after = BigInt(Date.now()) * 1_000_000n;
    assert.equal(stats.recorded, CASES.length + 1);
    assert.equal(stats.discarded, 0);
    assert.deepEqual(stats.errors, []);

    const counter = babeltrace2(out, '-c', 'sink.utils.counter');
    assert.equal(counter.status, 0, counter.stderr);
    assert.match(counter.stdout, new RegExp(`^\\s*${CASES.length + 1} Event messages$`, 'm'));

    const { messages, status, stderr } = bt2Read(out);
    assert.equal(status, 0, stderr);
    const events = bt2Events(messages);
    assert.deepEqual(
      events.map((e) => e.name),
      [...CASES.map(() => 'conf:values'), 'conf:bare'],
    );
    events.forEach((event, n) => {
      const c = CASES[n];
      if (c === undefined) return;
      const f = event.fields;
      assert.equal(bt2Value(f.i), BigInt(c[0]));
      assert.equal(bt2Value(f.u), BigInt(c[1]));
      assert.equal(bt2Value(f.h), BigInt(c[2]));
      assert.equal(bt2Value(f.f), c[3]);
      assert.equal(bt2Value(f.s), c[4]);
      assert.equal(bt2Value(f.ok), c[5]);
      assert.equal(
        bt2Value(f.j),
        JSON.stringify(c[6], (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
      );
    });
    const ts = events.map((e) => BigInt(e.ts));
    for (let i = 1; i < ts.length; i++) assert.ok((ts[i] as bigint) >= (ts[i - 1] as bigint));
    // Wall-clock: within the recording's span, with 1 ms of slack for Date.now()'s resolution.
    assert.ok((ts[0] as bigint) >= before - 1_000_000n, `${ts[0]} < ${before}`);
    assert.ok((ts.at(-1) as bigint) <= after + 1_000_000n, `${ts.at(-1)} > ${after}`);
    assert.ok(events.every((e) => e.thread_id === '0'));

    // Our reader agrees event for event, and every output format converts them all.
    const { records, error } = await readAll(out);
    assert.equal(error, undefined);
    const ours = eventsOf(records);
    assert.deepEqual(
      ours.map((e) => [e.name, e.timestamp]),
      events.map((e) => [e.name, BigInt(e.ts)]),
    );
    for (const format of OUTPUT_FORMATS) {
      const chunks: (string | Uint8Array)[] = [];
      const summary = await convertTrace(await openTrace(out), format, {
        write: (chunk) => {
          chunks.push(chunk);
        },
        full: false,
        flush: async () => {},
      });
      assert.equal(summary.events, CASES.length + 1, format);
      assert.ok(chunks.length > 0, format);
    }
  });
}
