/**
 * The worker-ready handshake (src/threads/ready.ts), with real workers: the
 * parent gets the worker's ready result, or a coded error whatever way the
 * worker fails to start (its own error, a throw, an exit, silence), and is
 * never left waiting.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { isMarkersError } from '../src/errors/markers-error.js';
import { whenReady } from '../src/threads/ready.js';
import { spawnModuleWorker } from '../src/threads/spawn.js';

const FIXTURE = new URL('./fixtures/ready-worker.ts', import.meta.url);
const options = { what: 'test worker', code: 'ERR_WORKER_START', details: { role: 'test' } };

function start(behaviour: string): Worker {
  return spawnModuleWorker(FIXTURE, { workerData: { behaviour } });
}

async function stop(worker: Worker): Promise<void> {
  await worker.terminate();
}

test('resolves with what the worker said when ready, past the messages before it', async () => {
  const worker = start('ready');
  const before: unknown[] = [];
  worker.on('message', (m) => before.push(m));
  try {
    assert.deepEqual(await whenReady(worker, options), { port: 42 });
    assert.deepEqual(before.slice(0, 2), ['hello', { type: 'resume' }]);
    // Nothing of the handshake is left listening.
    assert.equal(worker.listenerCount('exit'), 0);
    assert.equal(worker.listenerCount('error'), 0);
  } finally {
    await stop(worker);
  }
});

test("a worker that cannot start rejects with its own error's code and details", async () => {
  const worker = start('failed');
  try {
    await assert.rejects(whenReady(worker, options), (error: unknown) => {
      assert.ok(isMarkersError(error, 'ERR_UNSAFE_SOCKET_DIR'));
      assert.deepEqual(error.details, { mode: 0o777, role: 'test' });
      assert.match(error.message, /^test worker did not start: the directory is shared/);
      return true;
    });
  } finally {
    await stop(worker);
  }
});

test("a worker that throws before it is ready rejects with the caller's code", async () => {
  const worker = start('throws');
  await assert.rejects(whenReady(worker, options), (error: unknown) => {
    assert.ok(isMarkersError(error, 'ERR_WORKER_START'));
    assert.match(error.message, /top-level failure/);
    assert.equal(error.details.role, 'test');
    return true;
  });
  await stop(worker);
});

test("a worker that exits before it is ready rejects with the caller's code and its exit code", async () => {
  const worker = start('exits');
  const exited = once(worker, 'exit');
  await assert.rejects(whenReady(worker, options), (error: unknown) => {
    assert.ok(isMarkersError(error, 'ERR_WORKER_START'));
    assert.equal(error.details.exitCode, 3);
    return true;
  });
  await exited;
});

test("a worker that never says it is ready rejects after timeoutMs with the caller's code", async () => {
  const worker = start('silent');
  try {
    await assert.rejects(whenReady(worker, { ...options, timeoutMs: 300 }), (error: unknown) => {
      assert.ok(isMarkersError(error, 'ERR_WORKER_START'));
      assert.equal(error.details.timeoutMs, 300);
      return true;
    });
  } finally {
    await stop(worker);
  }
});

test('a parent blocked past the deadline still gets a ready that came in meanwhile', async () => {
  const flag = new SharedArrayBuffer(4);
  const worker = spawnModuleWorker(FIXTURE, { workerData: { behaviour: 'ready-then-flag', flag } });
  try {
    const ready = whenReady(worker, { ...options, timeoutMs: 50 });
    // Block this thread until the worker has posted ready and the deadline has passed:
    // both the timer and the message are then due in the same turn of the event loop.
    const word = new Int32Array(flag);
    const start = performance.now();
    while (Atomics.load(word, 0) === 0 || performance.now() - start < 100) {
      Atomics.wait(word, 0, Atomics.load(word, 0), 20);
    }
    assert.equal(await ready, 'late but ready');
  } finally {
    await stop(worker);
  }
});
