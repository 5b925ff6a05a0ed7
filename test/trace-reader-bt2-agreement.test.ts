// Our reader and bt2 agree event for event (timestamps, names, threads,
// values) on the sample trace and on a larger generated one with many
// packets per stream and random values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readWithBoth } from './helpers/judges.js';
import { INT64_MAX, INT64_MIN, SAMPLE_TRACE, UINT64_MAX } from './helpers/sample-trace.js';
import { type TestPacket, type TestStream, writeTrace } from './helpers/trace-writer.js';

async function assertAgree(dir: string): Promise<number> {
  const { ours, theirs } = await readWithBoth(dir);
  assert.equal(ours.length, theirs.length);
  for (let i = 0; i < ours.length; i++) assert.deepEqual(ours[i], theirs[i], `event ${i}`);
  return ours.length;
}

test('our reader agrees with bt2 on the sample trace', async () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  assert.equal(await assertAgree(dir), 14);
});

/** A small deterministic PRNG (xorshift32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('our reader agrees with bt2 on a generated multi-packet, multi-thread trace', async () => {
  const random = prng(0x5eed);
  const big = (lo: bigint, hi: bigint): bigint =>
    lo + BigInt(Math.floor(random() * 2 ** 52)) * ((hi - lo) / 2n ** 52n);
  const streams: TestStream[] = [];
  const threads = 3;
  for (let t = 0; t < threads; t++) {
    const packets: TestPacket[] = [];
    let ts = BigInt(t);
    for (let p = 0; p < 20; p++) {
      const events = [];
      for (let e = 0; e < 25; e++) {
        ts += BigInt(threads * (1 + Math.floor(random() * 1000)));
        events.push({
          name: random() < 0.5 ? 'gen:mixed' : 'gen:text',
          ts,
          values: [
            big(INT64_MIN, INT64_MAX),
            big(0n, UINT64_MAX),
            random() * 1e6 - 5e5,
            `s${random()}ü`,
            random() < 0.5,
          ],
        });
      }
      packets.push({
        events: events.map((e) => (e.name === 'gen:text' ? { ...e, values: [e.values[3]] } : e)),
      });
    }
    streams.push({
      threadId: t * 7,
      threadName: `t${t}`,
      markers: [
        { name: 'gen:mixed', format: 'a %d b %x c %f d %s e %b' },
        { name: 'gen:text', format: 'msg %s' },
      ],
      packets,
    });
  }
  const { dir } = writeTrace({ streams });
  assert.equal(await assertAgree(dir), threads * 20 * 25);
});
