import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, ProbeModuleManager } from '../src/index.js';
import { ask, moduleDir, waitFor, waitForThread } from './helpers/probe-modules.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/probe-worker.ts', import.meta.url);
const MARKERS = { markers: [{ name: 'late:hit', format: 'n %d' }] };

const COUNTER = `let count = 0;
export default {
  name: 'counter',
  probes: { 'late:*': (m, n) => { count += n; } },
  report() { return { count }; },
};
`;

test('with threads "all", a worker started after the load gets the probes, and reports come per thread', async () => {
  const dir = await moduleDir();
  const hit = marker('late:hit', 'n %d');
  try {
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    await manager.load(await dir.write('counter.mjs', COUNTER), { threads: 'all' });
    const late = await startWorker(WORKER, MARKERS);
    try {
      await waitForThread(late.threadId);
      await waitFor(
        'the late worker to load the module',
        () => manager.list()[0]?.threads.some((t) => t.thread.id === late.threadId) === true,
      );
      const fired = await ask<{ enabled: boolean }>(late, {
        op: 'fire',
        name: 'late:hit',
        args: [5],
      });
      assert.equal(fired.enabled, true);
      hit.fire?.(1);

      const reports = await manager.report('counter');
      assert.deepEqual(
        reports.map((r) => [r.thread.id, r.report]),
        [
          [0, { count: 1 }],
          [late.threadId, { count: 5 }],
        ],
      );

      await manager.unload('counter');
      const after = await ask<{ enabled: boolean }>(late, {
        op: 'fire',
        name: 'late:hit',
        args: [1],
      });
      assert.equal(after.enabled, false);
      assert.equal(hit.fire, undefined);
    } finally {
      await stopWorker(late);
    }

    // Released on unload: a worker started now gets nothing.
    const later = await startWorker(WORKER, MARKERS);
    try {
      await waitForThread(later.threadId);
      // A round trip through the coordinator: any sticky command would have come first.
      await manager.inspect();
      const fired = await ask<{ enabled: boolean }>(later, {
        op: 'fire',
        name: 'late:hit',
        args: [1],
      });
      assert.equal(fired.enabled, false);
    } finally {
      await stopWorker(later);
    }
  } finally {
    await dir.remove();
  }
});

test('with threads "main", workers get nothing, now or later', async () => {
  const dir = await moduleDir();
  const hit = marker('late:hit', 'n %d');
  const early = await startWorker(WORKER, MARKERS);
  try {
    await waitForThread(early.threadId);
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    const info = await manager.load(await dir.write('counter-main.mjs', COUNTER), {
      threads: 'main',
    });
    assert.equal(info.scope, 'main');
    assert.deepEqual(
      info.threads.map((t) => t.thread.id),
      [0],
    );
    assert.equal(hit.enabled, true);
    const fired = await ask<{ enabled: boolean }>(early, {
      op: 'fire',
      name: 'late:hit',
      args: [1],
    });
    assert.equal(fired.enabled, false);
    const late = await startWorker(WORKER, MARKERS);
    try {
      await waitForThread(late.threadId);
      await manager.inspect();
      const lateFired = await ask<{ enabled: boolean }>(late, {
        op: 'fire',
        name: 'late:hit',
        args: [1],
      });
      assert.equal(lateFired.enabled, false);
    } finally {
      await stopWorker(late);
    }
    assert.deepEqual(
      (await manager.report('counter')).map((r) => r.thread.id),
      [0],
    );
    await manager.unload('counter');
  } finally {
    await stopWorker(early);
    await dir.remove();
  }
});
