// Timestamps are wall-clock: babeltrace2 --clock-seconds prints Unix-epoch
// seconds from the metadata's clock offset, and our reader gives the same ns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { babeltrace2, eventsOf, readAll } from './helpers/judges.js';
import { SAMPLE_EVENTS, SAMPLE_TRACE } from './helpers/sample-trace.js';
import { writeTrace } from './helpers/trace-writer.js';

function seconds(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
}

test('babeltrace2 --clock-seconds prints epoch seconds; our reader agrees to the ns', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const run = babeltrace2('convert', '--clock-seconds', '--no-delta', dir);
  assert.equal(run.status, 0, run.stderr);
  const stamps = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => l.slice(1, l.indexOf(']')));
  assert.deepEqual(
    stamps,
    SAMPLE_EVENTS.map((e) => seconds(e.timestamp)),
  );
  const ours = eventsOf((await readAll(dir)).records).map((e) => seconds(e.timestamp));
  assert.deepEqual(ours, stamps);
});

test('an offset before the epoch keeps offset within one second', async () => {
  const { dir } = writeTrace({ ...SAMPLE_TRACE, clockOffsetNs: -1_500_000_000n });
  const ours = eventsOf((await readAll(dir)).records);
  assert.equal(ours[0]?.timestamp, -1_500_000_000n + 1_000n);
  const run = babeltrace2('-c', 'source.ctf.fs', '-p', `inputs=["${dir}"]`);
  assert.equal(run.status, 0, run.stderr);
});
