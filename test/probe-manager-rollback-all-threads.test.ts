import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMarkersError, listMarkers, marker, ProbeModuleManager } from '../src/index.js';
import { ask, LOG_IMPORTS, logLine, moduleDir, waitForThread } from './helpers/probe-modules.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/probe-worker.ts', import.meta.url);

async function probesInWorker(worker: import('node:worker_threads').Worker): Promise<number[]> {
  const { markers } = await ask<{ markers: { name: string; probes: number; mode: string }[] }>(
    worker,
    { op: 'list' },
  );
  return markers.filter((m) => m.name.startsWith('rb:')).map((m) => m.probes);
}

test('a load that fails in one worker is undone in every thread, and the module is not listed', async () => {
  const dir = await moduleDir();
  marker('rb:tick', 'n %d');
  // Only the second worker declares rb:tock, with a format the module does not expect.
  const one = await startWorker(WORKER, { markers: [{ name: 'rb:tick', format: 'n %d' }] });
  const two = await startWorker(WORKER, {
    markers: [
      { name: 'rb:tick', format: 'n %d' },
      { name: 'rb:tock', format: 'n %s' },
    ],
  });
  try {
    await waitForThread(one.threadId);
    await waitForThread(two.threadId);
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });

    // Prepare fails in worker two: no thread has run init.
    const mismatch = await dir.write(
      'mismatch.mjs',
      `${LOG_IMPORTS}export default {
  name: 'rb',
  probes: { 'rb:*': { format: 'n %d', probe() {} } },
  init() { ${logLine(dir.log, 'init')}; },
  cleanup() { ${logLine(dir.log, 'cleanup')}; },
};
`,
    );
    await assert.rejects(manager.load(mismatch), (error: unknown) => {
      assert.ok(isMarkersError(error, 'ERR_FORMAT_MISMATCH'), String(error));
      assert.equal(error.details.thread, two.threadId);
      return true;
    });
    assert.deepEqual(await dir.lines(), []);

    // Init fails in worker two only: main and worker one ran init and were
    // connected, and are undone: disconnected, then cleaned up.
    const initFails = await dir.write(
      'init-fails.mjs',
      `${LOG_IMPORTS}export default {
  name: 'rb',
  probes: { 'rb:tick': () => {} },
  init() { ${logLine(dir.log, 'init')}; if (threadId === ${two.threadId}) throw new Error('not here'); },
  cleanup() { ${logLine(dir.log, 'cleanup')}; },
};
`,
    );
    await assert.rejects(manager.load(initFails), (error: unknown) => {
      assert.ok(isMarkersError(error, 'ERR_PROBE_MODULE_INIT'), String(error));
      return true;
    });
    const lines = await dir.lines();
    for (const id of [0, one.threadId]) {
      assert.ok(lines.indexOf(`${id}:init`) < lines.indexOf(`${id}:cleanup`), `thread ${id}`);
    }
    assert.ok(lines.includes(`${two.threadId}:init`));
    assert.ok(!lines.includes(`${two.threadId}:cleanup`), 'a failed init gets no cleanup');
    assert.equal(lines.length, 5);

    assert.deepEqual(manager.list(), []);
    for (const info of listMarkers('rb:*')) assert.equal(info.probes, 0);
    assert.deepEqual(await probesInWorker(one), [0]);
    assert.deepEqual(await probesInWorker(two), [0, 0]);

    // Nothing was left behind: the same name loads now, everywhere.
    const good = await dir.write(
      'good.mjs',
      `export default { name: 'rb', probes: { 'rb:tick': () => {} } };\n`,
    );
    const info = await manager.load(good);
    assert.deepEqual(
      info.threads.map((t) => t.thread.id),
      [0, one.threadId, two.threadId],
    );
    assert.deepEqual(await probesInWorker(two), [1, 0]);
    await manager.unload('rb');
    assert.deepEqual(await probesInWorker(two), [0, 0]);
  } finally {
    await stopWorker(one);
    await stopWorker(two);
    await dir.remove();
  }
});
