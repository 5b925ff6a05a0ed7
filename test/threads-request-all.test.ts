import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { getCoordinator } from '../src/threads/coordinator.js';
import { startWorker, stopWorker } from './helpers/workers.js';

const WORKER = new URL('./fixtures/threads-worker.ts', import.meta.url);

test('a request runs in every thread, from its own event loop, and each thread replies', async () => {
  const coordinator = getCoordinator();
  coordinator.handle('ping', () => ({ name: 'main' }));
  const a = await startWorker(WORKER);
  const b = await startWorker(WORKER);
  try {
    const { replies } = await coordinator.request('ping', null, { timeoutMs: 20_000 });
    const names = replies.map((r) => (r.ok ? (r.result as { name: string }).name : r.error.code));
    assert.deepEqual(names, ['main', `worker-${a.threadId}`, `worker-${b.threadId}`]);
  } finally {
    await stopWorker(a);
    await stopWorker(b);
  }
});

test('a failing handler is a reply with its code, not a rejection', async () => {
  const coordinator = getCoordinator();
  const w = await startWorker(WORKER);
  try {
    const { replies } = await coordinator.request('fail', null, {
      threads: [w.threadId],
      timeoutMs: 20_000,
    });
    assert.equal(replies.length, 1);
    assert.equal(replies[0]?.ok, false);
    assert.equal(replies[0]?.ok === false && replies[0].error.code, 'ERR_ON_PURPOSE');
  } finally {
    await stopWorker(w);
  }
});

test('a sticky command reaches a thread that starts later, once', async () => {
  const coordinator = getCoordinator();
  coordinator.handle('set', () => 'set');
  const late: unknown[] = [];
  const { stickyId } = await coordinator.request(
    'set',
    { on: true },
    {
      sticky: true,
      onLateReply: (reply) => late.push(reply.ok ? reply.result : reply.error),
    },
  );
  assert.notEqual(stickyId, undefined);
  const w = await startWorker(WORKER);
  try {
    // startWorker returns once the coordinator has met the worker (its hello): the sticky 'set' was sent then.
    // 'get' is sent after the worker's hello was answered, so the sticky 'set' came first.
    const { replies } = await coordinator.request('get', null, {
      threads: [w.threadId],
      timeoutMs: 20_000,
    });
    assert.deepEqual(replies[0]?.ok && replies[0].result, { on: true });
    // The late reply travels on its own; wait for it, then check it came once.
    for (let i = 0; i < 200 && late.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(late, ['set']);
  } finally {
    coordinator.release(stickyId as number);
    await stopWorker(w);
  }
});

test('a thread whose event loop is blocked is reported as timed out, and the request still resolves', async () => {
  const coordinator = getCoordinator();
  const w = await startWorker(WORKER);
  try {
    const spinning = once(w, 'message');
    w.postMessage('spin');
    await spinning;
    const { replies } = await coordinator.request('ping', null, {
      threads: [w.threadId],
      timeoutMs: 50,
    });
    assert.equal(replies[0]?.ok === false && replies[0].error.code, 'ERR_THREAD_TIMEOUT');
  } finally {
    await stopWorker(w);
  }
});

test('a thread that exits leaves the list of threads', async () => {
  const coordinator = getCoordinator();
  const w = await startWorker(WORKER);
  const id = w.threadId;
  // Its hello arrives through the channel, possibly after its first message to us.
  for (let i = 0; i < 200 && !coordinator.threads().some((t) => t.id === id); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(coordinator.threads().some((t) => t.id === id));
  await stopWorker(w);
  // The bye message is delivered through the channel; give the event loop turns until it lands.
  for (let i = 0; i < 200 && coordinator.threads().some((t) => t.id === id); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(!coordinator.threads().some((t) => t.id === id));
});

test('a sticky command issued by a thread that is itself brand new reaches the threads it had not met yet', async () => {
  const coordinator = getCoordinator();
  const existing = await startWorker(WORKER);
  const issuer = await startWorker(
    new URL('./fixtures/threads-issuer.ts', import.meta.url),
    undefined,
    { internal: true },
  );
  try {
    let value: unknown;
    for (let i = 0; i < 500 && value === undefined; i++) {
      const { replies } = await coordinator.request('get', null, {
        threads: [existing.threadId],
        timeoutMs: 20_000,
      });
      value = replies[0]?.ok ? replies[0].result : undefined;
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(value, { from: 'issuer' });
    // The existing thread applied the command, but its reply to the issuer
    // travels on the BroadcastChannel while our question goes through the
    // issuer's port: the two are not ordered, so ask until the reply is in.
    const expected = `worker-${existing.threadId}`;
    let names: string[] = [];
    for (let i = 0; i < 500 && !names.includes(expected); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const late = once(issuer, 'message');
      issuer.postMessage('late');
      [names] = (await late) as [string[]];
    }
    assert.ok(names.includes(expected), `late replies: ${names.join(', ')}`);
  } finally {
    await stopWorker(existing);
    await stopWorker(issuer);
  }
});
