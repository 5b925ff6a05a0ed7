/**
 * A failing operation of the serial queue (src/serial/serial-queue.ts)
 * rejects its own caller and nobody else: the operations behind it still run,
 * in order, and settled() never rejects.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarkersError } from '../src/errors/markers-error.js';
import { SerialQueue } from '../src/serial/serial-queue.js';

test('a rejected or throwing operation does not break the queue', async () => {
  const queue = new SerialQueue();
  const ran: string[] = [];
  const rejected = queue.run(async () => {
    ran.push('rejects');
    throw new MarkersError('ERR_INVALID_ARGUMENT', 'first');
  });
  const thrown = queue.run(() => {
    ran.push('throws');
    throw new MarkersError('ERR_PROBE_MODULE_LOADED', 'second');
  });
  const after = queue.run(async () => {
    ran.push('after');
    return 42;
  });
  await assert.rejects(rejected, { code: 'ERR_INVALID_ARGUMENT' });
  await assert.rejects(thrown, { code: 'ERR_PROBE_MODULE_LOADED' });
  assert.equal(await after, 42);
  assert.deepEqual(ran, ['rejects', 'throws', 'after']);
});

test('settled() resolves after a failure, and the queue takes new work', async () => {
  const queue = new SerialQueue();
  const failed = queue.run(() => Promise.reject(new Error('boom')));
  failed.catch(() => {});
  await queue.settled();
  await assert.rejects(failed, /boom/);
  assert.equal(await queue.run(() => 'next'), 'next');
});
