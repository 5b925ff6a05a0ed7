// End to end with the real recorder: a trace recorded by record() on the
// main thread and two workers reads the same with our reader as with bt2,
// every value exact, and converts to every format.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { marker, record } from '../src/index.js';
import { convertToBuffer } from './helpers/convert-conformance.js';
import { decodeJsonLines, decodePerfetto } from './helpers/decoders.js';
import { type Canonical, readWithBoth } from './helpers/judges.js';
import { freshDir } from './helpers/record.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/record-worker.ts', import.meta.url);
const values = marker('rt:values', 'i %d u %u x %x f %f s %s b %b j %j');
const span = { start: marker('rt:op_start', 'n %d'), end: marker('rt:op_end', 'n %d') };

async function fireIn(worker: Worker, n: number): Promise<void> {
  const fired = once(worker, 'message');
  worker.postMessage({ fire: n });
  await fired;
}

const key = (e: Canonical): string =>
  JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

test('a recorded multi-thread trace reads the same with our reader and bt2', async () => {
  const { out } = freshDir('markers-trace-rec-');
  const recording = await record({ markers: 'r*:*', output: out, timeoutMs: 20_000 });
  const workers = [await startWorker(WORKER), await startWorker(WORKER)];
  const threadIds = workers.map((w) => w.threadId); // -1 once a worker has exited
  let recorded = 0;
  try {
    // Workers join the recording from their own event loops: have each fire until its events count.
    for (const w of workers) {
      for (let tries = 0; tries < 2000; tries++) {
        await fireIn(w, 1);
        const mine = (await recording.stats()).threads.find((t) => t.threadId === w.threadId);
        if (mine !== undefined && mine.recorded > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    for (let i = 0; i < 50; i++) {
      span.start.fire?.(i);
      values.fire?.(
        -(2n ** 63n) + BigInt(i),
        2n ** 64n - 1n - BigInt(i),
        0xabcn,
        i / 7,
        `ü${i}✓`,
        i % 2 === 0,
        { i },
      );
      span.end.fire?.(i);
    }
    for (const w of workers) await fireIn(w, 100);
    const stats = await recording.stop();
    assert.equal(stats.discarded, 0);
    recorded = stats.recorded;
    assert.ok(stats.recorded >= 352, `recorded ${stats.recorded}`);
    assert.deepEqual(
      threadIds.map((tid) => (stats.threads.find((t) => t.threadId === tid)?.recorded ?? 0) >= 101),
      [true, true],
      JSON.stringify(stats.threads),
    );
  } finally {
    for (const w of workers) await stopWorker(w);
  }

  const { ours, theirs, events } = await readWithBoth(out);
  assert.equal(ours.length, recorded);
  // Same events; ties in time across threads may merge in either order.
  assert.deepEqual(ours.map(key).sort(), theirs.map(key).sort());
  for (let i = 1; i < events.length; i++) {
    assert.ok(
      (events[i]?.timestamp as bigint) >= (events[i - 1]?.timestamp as bigint),
      'merged in time order',
    );
  }
  const first = events.find((e) => e.name === 'rt:values');
  assert.deepEqual(first?.fields, {
    i: -(2n ** 63n),
    u: 2n ** 64n - 1n,
    x: 0xabc,
    f: 0,
    s: 'ü0✓',
    b: true,
    j: { i: 0 },
  });
  assert.equal(new Set(events.map((e) => e.threadId)).size, 3);
  for (const tid of threadIds) {
    const mine = events.filter((e) => e.name === 'rec:worker' && e.fields.tid === tid);
    assert.ok(mine.every((e) => e.threadId === tid));
    assert.deepEqual(
      mine.slice(-100).map((e) => e.fields.i),
      Array.from({ length: 100 }, (_, i) => i),
    );
  }

  const jsonl = decodeJsonLines((await convertToBuffer(out, 'jsonl')).bytes);
  assert.equal(jsonl.events.length, recorded);
  const perfetto = decodePerfetto((await convertToBuffer(out, 'perfetto')).bytes);
  assert.equal(perfetto.events.filter((e) => e.name === 'B:rt:op').length, 50);
  assert.equal(perfetto.events.filter((e) => e.name === 'E:rt:op').length, 50);
});
