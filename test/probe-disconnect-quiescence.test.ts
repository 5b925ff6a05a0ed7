import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';

test('disconnect resolves only once in-flight async calls have settled', async () => {
  const m = marker('quiesce:async', 'n %d');
  const releases: (() => void)[] = [];
  let finished = 0;
  const probe = connect(m, async () => {
    await new Promise<void>((resolve) => releases.push(resolve));
    finished++;
  });
  m.fire?.(1);
  m.fire?.(2);
  assert.equal(probe.inflight, 2);
  let resolved = false;
  const done = probe.disconnect().then(() => {
    resolved = true;
  });
  // Disconnected at once: new fires do not call it.
  m.fire?.(3);
  assert.equal(releases.length, 2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resolved, false);
  releases[0]?.();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resolved, false);
  releases[1]?.();
  await done;
  assert.equal(finished, 2);
  assert.equal(probe.inflight, 0);
});

test('disconnect is idempotent: every call returns the same promise', async () => {
  const m = marker('quiesce:idem', '');
  const probe = connect(m, () => {});
  const a = probe.disconnect();
  const b = probe.disconnect();
  assert.equal(a, b);
  await a;
  assert.equal(probe.connected, false);
  assert.deepEqual(probe.markers, []);
});

test('disconnect called from inside the probe resolves after that call returns', async () => {
  const m = marker('quiesce:inside', '');
  const events: string[] = [];
  let done: Promise<void> | undefined;
  const probe = connect(m, () => {
    done = probe.disconnect().then(() => {
      events.push('resolved');
    });
    events.push('probe returns');
  });
  m.fire?.();
  await done;
  assert.deepEqual(events, ['probe returns', 'resolved']);
});
