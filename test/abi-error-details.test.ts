/**
 * src/abi/wire-error.ts: one serialiser for every boundary. An error keeps
 * its code and details from a thread to another, and from a worker port to
 * its parent, as over the control socket.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromWireError, toWireError } from '../src/abi/wire-error.js';
import { isMarkersError, MarkersError } from '../src/errors/markers-error.js';
import { getCoordinator } from '../src/threads/coordinator.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/threads-worker.ts', import.meta.url);

test('a MarkersError survives toWireError and fromWireError with its code and details', () => {
  const wire = toWireError(new MarkersError('ERR_X', 'x failed', { file: 'a', n: 3 }));
  assert.deepEqual(wire, { code: 'ERR_X', message: 'x failed', details: { file: 'a', n: 3 } });
  const back = fromWireError(wire, { cmd: 'list' }, 'target: ');
  assert.ok(isMarkersError(back));
  assert.equal(back.code, 'ERR_X');
  assert.equal(back.message, 'target: x failed');
  assert.deepEqual(back.details, { file: 'a', n: 3, cmd: 'list' });
});

test('details that JSON cannot carry are left out, and the error still crosses', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.deepEqual(toWireError(new MarkersError('ERR_X', 'x', cyclic)), {
    code: 'ERR_X',
    message: 'x',
  });
  assert.deepEqual(toWireError(new MarkersError('ERR_X', 'x', { big: 1n })), {
    code: 'ERR_X',
    message: 'x',
  });
  assert.equal(toWireError('a string').code, 'ERR_HANDLER_FAILED');
  // Details from an untrusted peer that are not an object are dropped.
  const odd = fromWireError({ code: 'ERR_Y', message: 'y', details: [1] as never });
  assert.deepEqual(odd.details, {});
});

test("a worker thread's MarkersError reaches the requester with its details", async () => {
  const coordinator = getCoordinator();
  const w = await startWorker(WORKER);
  try {
    const { replies } = await coordinator.request('fail-details', null, {
      threads: [w.threadId],
      timeoutMs: 20_000,
    });
    const reply = replies[0];
    assert.ok(reply !== undefined && !reply.ok);
    assert.equal(reply.error.code, 'ERR_ON_PURPOSE');
    assert.deepEqual(reply.error.details, { file: '/tmp/x', offset: 12, nested: { list: [1, 2] } });
  } finally {
    await stopWorker(w);
  }
});
