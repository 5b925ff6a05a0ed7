// A recording started on the main thread includes workers that exist, workers
// started later, and workers that exit mid-recording: each thread is its own
// stream, and nothing of an exited thread is lost.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { marker, record } from '../src/index.js';
import { bt2Read } from './helpers/judges.js';
import { bt2Events, bt2Value, freshDir } from './helpers/record.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/record-worker.ts', import.meta.url);
const mainMarker = marker('rec:main', 'i %d');

async function fire(worker: Worker, n: number): Promise<void> {
  const done = once(worker, 'message');
  worker.postMessage({ fire: n });
  await done;
}

test('existing, later and exited workers each record into their own stream', async () => {
  const { out } = freshDir();
  const early = await startWorker(WORKER);
  const recording = await record({ markers: 'rec:*', output: out, timeoutMs: 20_000 });
  const late = await startWorker(WORKER);
  const leaving = await startWorker(WORKER);
  try {
    // The sticky START reaches a late worker from its event loop: wait until it records.
    for (let i = 0; i < 2000; i++) {
      const stats = await recording.stats();
      if (stats.threads.length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    mainMarker.fire?.(1);
    await fire(early, 100);
    await fire(late, 200);
    await fire(leaving, 300);
    const leavingId = leaving.threadId;
    await stopWorker(leaving);
    const stats = await recording.stop();
    assert.equal(stats.recorded, 601);
    assert.equal(stats.discarded, 0);
    assert.equal(stats.threads.find((t) => t.threadId === leavingId)?.state, 'exited');

    const { messages, status, stderr } = bt2Read(out);
    assert.equal(status, 0, stderr);
    const byThread = new Map<string, bigint[]>();
    for (const event of bt2Events(messages)) {
      const list = byThread.get(event.thread_id ?? '') ?? [];
      list.push(event.name === 'rec:main' ? -1n : (bt2Value(event.fields.i) as bigint));
      byThread.set(event.thread_id ?? '', list);
    }
    const numbers = (n: number): bigint[] => Array.from({ length: n }, (_, i) => BigInt(i));
    assert.deepEqual(byThread.get('0'), [-1n]);
    assert.deepEqual(byThread.get(String(early.threadId)), numbers(100));
    assert.deepEqual(byThread.get(String(late.threadId)), numbers(200));
    assert.deepEqual(byThread.get(String(leavingId)), numbers(300));
    // One stream class per thread.
    const streams = messages.filter((m) => m.type === 'stream').map((m) => m.stream_id);
    assert.equal(new Set(streams).size, 4);
  } finally {
    await stopWorker(early);
    await stopWorker(late);
  }
});
