import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMarkersError, listMarkers, marker, ProbeModuleManager } from '../src/index.js';
import { ask, moduleDir, waitForThread } from './helpers/probe-modules.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/probe-worker.ts', import.meta.url);

test('a load that times out in a blocked worker is undone there too once its event loop turns', async () => {
  const dir = await moduleDir();
  marker('blk:hit', '');
  const worker = await startWorker(WORKER, { markers: [{ name: 'blk:hit', format: '' }] });
  try {
    await waitForThread(worker.threadId);
    const file = await dir.write(
      'blocked.mjs',
      `export default { name: 'blocked', probes: { 'blk:hit': () => {} } };\n`,
    );
    await ask(worker, { op: 'spin' });
    const impatient = new ProbeModuleManager({ timeoutMs: 200 });
    await assert.rejects(impatient.load(file), (error: unknown) => {
      assert.ok(isMarkersError(error, 'ERR_THREAD_TIMEOUT'), String(error));
      assert.equal(error.details.thread, worker.threadId);
      return true;
    });
    assert.deepEqual(impatient.list(), []);
    assert.equal(listMarkers('blk:hit')[0]?.probes, 0);

    // Answered once the spin is over: the queued prepare ran, then the abort undid it.
    const { markers } = await ask<{ markers: { name: string; probes: number }[] }>(worker, {
      op: 'list',
    });
    assert.equal(markers.find((m) => m.name === 'blk:hit')?.probes, 0);
    // And the name is free in the worker again.
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    const info = await manager.load(file);
    assert.deepEqual(
      info.threads.map((t) => t.thread.id),
      [0, worker.threadId],
    );
    await manager.unload('blocked');
  } finally {
    await stopWorker(worker);
    await dir.remove();
  }
});
