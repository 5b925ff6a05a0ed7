import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, ProbeModuleManager } from '../src/index.js';
import {
  ask,
  LOG_IMPORTS,
  logLine,
  moduleDir,
  waitFor,
  waitForThread,
} from './helpers/probe-modules.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/probe-worker.ts', import.meta.url);

test('unload waits for an async probe in flight in a worker, then runs cleanup once per thread', async () => {
  const dir = await moduleDir();
  marker('slow:job', 'id %d');
  const worker = await startWorker(WORKER, { markers: [{ name: 'slow:job', format: 'id %d' }] });
  try {
    await waitForThread(worker.threadId);
    // The probe in the worker stays in flight until the parent sends 'release'.
    const file = await dir.write(
      'slow.mjs',
      `${LOG_IMPORTS}import { parentPort } from 'node:worker_threads';
export default {
  name: 'slow',
  probes: {
    'slow:job': async (m, id) => {
      ${logLine(dir.log, 'start')};
      await new Promise((resolve) => parentPort.on('message', (msg) => { if (msg === 'release') resolve(); }));
      ${logLine(dir.log, 'end')};
    },
  },
  cleanup() { ${logLine(dir.log, 'cleanup')}; },
};
`,
    );
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    const info = await manager.load(file, { threads: 'all' });
    assert.deepEqual(
      info.threads.map((t) => [t.thread.id, t.probes[0]?.markers]),
      [
        [0, ['slow:job']],
        [worker.threadId, ['slow:job']],
      ],
    );
    const fired = await ask<{ enabled: boolean }>(worker, {
      op: 'fire',
      name: 'slow:job',
      args: [1],
    });
    assert.equal(fired.enabled, true);

    let unloaded = false;
    const unloading = manager.unload('slow').then(() => {
      unloaded = true;
    });
    // Once the worker has disconnected the probe, its call is still in flight.
    await waitFor('the worker to disconnect', async () => {
      const { markers } = await ask<{ markers: { name: string; probes: number }[] }>(worker, {
        op: 'list',
      });
      return markers.find((m) => m.name === 'slow:job')?.probes === 0;
    });
    assert.equal(unloaded, false);
    assert.deepEqual(await dir.lines(), [`${worker.threadId}:start`]);

    worker.postMessage('release');
    await unloading;
    const id = worker.threadId;
    assert.deepEqual(
      (await dir.lines()).sort(),
      [`0:cleanup`, `${id}:cleanup`, `${id}:end`, `${id}:start`].sort(),
    );
    const lines = await dir.lines();
    assert.ok(lines.indexOf(`${id}:end`) < lines.indexOf(`${id}:cleanup`));
    assert.ok(
      lines.indexOf(`${id}:end`) < lines.indexOf('0:cleanup'),
      'cleanup waits for every thread',
    );
    assert.deepEqual(manager.list(), []);
    const after = await ask<{ enabled: boolean }>(worker, {
      op: 'fire',
      name: 'slow:job',
      args: [2],
    });
    assert.equal(after.enabled, false);
  } finally {
    await stopWorker(worker);
    await dir.remove();
  }
});
