/**
 * The once-per-thread install guard (src/threads/install-once.ts), with real
 * workers: in each application thread one install runs, however many copies
 * of the guard try; every thread gets its own; an internal thread (markers'
 * own workers) gets none.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { GlobalSlot } from '../src/abi/globals.js';
import { getCoordinator } from '../src/threads/coordinator.js';
import { installOnce } from '../src/threads/install-once.js';
import { whenReady } from '../src/threads/ready.js';
import { spawnInternalWorker, spawnModuleWorker } from '../src/threads/spawn.js';

const FIXTURE = new URL('./fixtures/install-once-worker.ts', import.meta.url);
const SLOT: GlobalSlot = { name: 'markers.test.install-once', version: 1, field: 'version' };

interface Started {
  readonly ran: boolean[];
  readonly installs: number;
  /** The two copies were two module instances, sharing only globalThis. */
  readonly distinct: boolean;
}

async function start(worker: Worker): Promise<Started> {
  return whenReady<Started>(worker, { what: 'install-once worker', code: 'ERR_WORKER_START' });
}

test('each application thread installs once, whichever copy comes first; internal threads never', async () => {
  const workers = [
    spawnModuleWorker(FIXTURE, { workerData: { slot: SLOT } }),
    spawnModuleWorker(FIXTURE, { workerData: { slot: SLOT } }),
  ];
  const internal = spawnInternalWorker(FIXTURE, 'markers-test-internal', { slot: SLOT });
  // Listening from the turn they start: a message that finds no listener is gone.
  const ready = [...workers, internal].map(start);
  try {
    const [first, second, inInternal] = await Promise.all(ready);
    for (const s of [first, second])
      assert.deepEqual(s, { ran: [true, false], installs: 1, distinct: true });
    assert.deepEqual(inInternal, { ran: [false, false], installs: 0, distinct: true });

    // This thread is one more: its own install runs once too.
    let here = 0;
    const install = (): void => {
      here++;
    };
    assert.equal(installOnce(SLOT, install), true);
    assert.equal(installOnce(SLOT, install), false);
    assert.equal(here, 1);

    // Each worker's handler answers, installed by the first copy.
    const coordinator = getCoordinator();
    const ids = workers.map((w) => w.threadId);
    for (
      let i = 0;
      i < 2_000 && !ids.every((id) => coordinator.threads().some((t) => t.id === id));
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 5));
    const { replies } = await coordinator.request('test:installed-by' as never, null as never, {
      threads: ids,
      timeoutMs: 20_000,
    });
    assert.deepEqual(
      replies.map((r) => (r.ok ? r.result : r.error.code)),
      [
        { copy: 0, installs: 1 },
        { copy: 0, installs: 1 },
      ],
    );
  } finally {
    await Promise.all([...workers, internal].map((w) => w.terminate()));
  }
});
