import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, ProbeModuleManager } from '../src/index.js';
import { ask, moduleDir, waitForThread } from './helpers/probe-modules.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/probe-worker.ts', import.meta.url);

test('probe errors are counted per probe and per thread, and shown by inspect()', async () => {
  const dir = await moduleDir();
  const oops = marker('err:oops', 'n %d');
  const worker = await startWorker(WORKER, { markers: [{ name: 'err:oops', format: 'n %d' }] });
  try {
    await waitForThread(worker.threadId);
    const file = await dir.write(
      'faulty.mjs',
      `export default {
  name: 'faulty',
  probes: {
    'err:oops': (m, n) => { if (n > 0) throw new Error('boom ' + n); },
    'err:*': async () => { throw new Error('async boom'); },
  },
};
`,
    );
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    await manager.load(file);
    oops.fire?.(1);
    oops.fire?.(0);
    oops.fire?.(2);
    await ask(worker, { op: 'fire', name: 'err:oops', args: [3] });
    // The caller of fire never saw an exception; the async rejections settle before the worker replies.
    const [info] = await manager.inspect();
    const byThread = info?.threads.map((t) => [
      t.thread.id,
      t.probes.map((p) => p.errors),
      t.errors,
    ]);
    assert.deepEqual(byThread, [
      [0, [2, 3], 5],
      [worker.threadId, [1, 1], 2],
    ]);
    assert.deepEqual(
      info?.threads[0]?.probes.map((p) => p.pattern),
      ['err:oops', 'err:*'],
    );
    await manager.unload('faulty');
  } finally {
    await stopWorker(worker);
    await dir.remove();
  }
});
