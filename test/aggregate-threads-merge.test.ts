import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { aggregate, connect, listMarkers, marker } from '../src/index.js';
import { nearestRank, valuesOf, within } from './fixtures/aggregate-values.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/aggregate-worker.ts', import.meta.url);
const N = 3000;

async function ask(worker: Worker, message: unknown): Promise<unknown> {
  const reply = once(worker, 'message');
  worker.postMessage(message);
  return (await reply)[0];
}

test('results merge exactly across threads, a worker started after the aggregation included; stop detaches everywhere', async () => {
  const value = marker('agg:value', 'w %d v %f');
  const early = [await startWorker(WORKER, { w: 1 }), await startWorker(WORKER, { w: 2 })];
  // A probe on the same marker composes with the aggregation.
  let probed = 0;
  const probe = connect(value, () => {
    probed++;
  });
  const a = await aggregate({ markers: 'agg:value', by: ['w'], hist: 'v' });
  const late = await startWorker(WORKER, { w: 3 });
  const workers = [...early, late];
  try {
    // The late worker runs the sticky start from its event loop; wait until it aggregates.
    await aggregateReachesEveryThread(a, 4);
    for (const v of valuesOf(0, N)) value.fire?.(0, v);
    for (const worker of workers) assert.equal(await ask(worker, { fire: N }), 'fired');
    const r = await a.read();
    assert.deepEqual(r.groups.map((g) => g.key.w).sort(), [0, 1, 2, 3]);
    for (const w of [0, 1, 2, 3]) {
      const g = r.groups.find((group) => group.key.w === w);
      const values = valuesOf(w, N);
      const sorted = [...values].sort((x, y) => x - y);
      assert.equal(g?.count, N, `thread group ${w}`);
      assert.equal(g?.min, sorted[0]);
      assert.equal(g?.max, sorted[N - 1]);
      for (const [q, estimate] of [
        [0.5, g?.p50],
        [0.9, g?.p90],
        [0.99, g?.p99],
        [0.999, g?.p999],
      ] as const) {
        const truth = nearestRank(sorted, q);
        assert.ok(typeof estimate === 'number' && within(estimate, truth, 0.01), `w${w} p${q}`);
      }
    }
    // perThread splits what the merge joins.
    const split = await aggregate({ markers: 'agg:value', hist: 'v', perThread: true });
    await aggregateReachesEveryThread(split, 4);
    for (const worker of workers) await ask(worker, { fire: 10 });
    const perThread = await split.stop();
    assert.equal(perThread.groups.length, 3);
    assert.ok(perThread.groups.every((g) => g.count === 10 && g.thread !== undefined));

    assert.equal(listMarkers('agg:value')[0]?.mode, 'call');
    const final = await a.stop();
    // The workers fired 10 more each for the per-thread aggregation.
    assert.equal(
      final.groups.reduce((n, g) => n + g.count, 0),
      4 * N + 30,
    );
    assert.equal(probed, N);
    // The probe still holds the marker here; in the workers nothing else used it.
    assert.equal(typeof value.fire, 'function');
    for (const worker of workers) assert.equal(await ask(worker, { check: true }), 'undefined');
    await probe.disconnect();
    assert.equal(value.fire, undefined);
  } finally {
    await probe.disconnect();
    await a.stop();
    for (const worker of workers) await stopWorker(worker);
  }
});

/** Waits until `threads` threads report a snapshot (the late ones run the sticky start later). */
async function aggregateReachesEveryThread(
  a: { snapshot(): Promise<{ parts: readonly { markers: readonly string[] }[] }> },
  threads: number,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { parts } = await a.snapshot();
    const total = parts.length;
    // Merged: one part; count threads through a per-thread read of the coordinator instead.
    if (total >= 1) {
      const { getCoordinator } = await import('../src/threads/coordinator.js');
      const { replies } = await getCoordinator().request(
        'aggregate:read',
        { id: (a as unknown as { id: string }).id },
        { timeoutMs: 5000 },
      );
      if (replies.filter((r) => r.ok && r.result !== null).length >= threads) return;
    }
    if (Date.now() > deadline) throw new Error('the aggregation never reached every thread');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('what an exited worker counted stays in the results, and workers that come and go fold into one part', async () => {
  const a = await aggregate({ markers: 'agg:value', by: ['w'], perThread: true });
  for (let round = 0; round < 5; round++) {
    const worker = await startWorker(WORKER, { w: 10 + round });
    await aggregateReachesEveryThread(a, 2);
    assert.equal(await ask(worker, { fire: 7 }), 'fired');
    await a.read();
    await stopWorker(worker);
  }
  // The main thread's part, and one for every exited worker.
  const r = await a.stop();
  const exited = r.groups.filter((g) => g.thread?.name === 'exited threads');
  assert.deepEqual(
    exited.map((g) => [g.key.w, g.count]).sort(),
    [10, 11, 12, 13, 14].map((w) => [w, 7]),
  );
  const parts = new Set(r.groups.map((g) => g.thread?.id));
  assert.deepEqual([...parts], [-1]);
});
