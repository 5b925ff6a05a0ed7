// An async probe may return any thenable, whose `then` is the probe's own
// code: it may call both callbacks, one of them twice, or throw after calling
// one. Each call is counted in flight once and released once: the count
// never goes below zero, and disconnect still waits for the calls that have
// really not settled yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';

type Then = (ok: (v?: unknown) => void, fail: (e: unknown) => void) => void;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const misbehaving: [string, Then][] = [
  [
    'calls both callbacks',
    (ok, fail) => {
      ok();
      fail(new Error('late'));
    },
  ],
  [
    'calls onFulfilled twice',
    (ok) => {
      ok();
      ok();
    },
  ],
  [
    'calls onRejected twice',
    (_ok, fail) => {
      fail(new Error('one'));
      fail(new Error('two'));
    },
  ],
  [
    'calls onFulfilled, then throws',
    (ok) => {
      ok();
      throw new Error('after');
    },
  ],
  [
    'calls onRejected, then throws',
    (_ok, fail) => {
      fail(new Error('first'));
      throw new Error('after');
    },
  ],
];

for (const [what, then] of misbehaving) {
  test(`a thenable that ${what} is released once: inflight never goes below 0`, async () => {
    const m = marker(`thenable:${what.replaceAll(/\W/g, '_')}`, 'n %d');
    const releases: (() => void)[] = [];
    const probe = connect(m, (_m, n) =>
      n === 0 ? { then } : new Promise<void>((resolve) => releases.push(resolve)),
    );
    m.fire?.(0);
    await tick();
    assert.equal(probe.inflight, 0);
    // A real pending call after it: disconnect must wait for this one.
    m.fire?.(1);
    assert.equal(probe.inflight, 1);
    let resolved = false;
    const done = probe.disconnect().then(() => {
      resolved = true;
    });
    await tick();
    assert.equal(resolved, false, 'disconnect resolved while a call was in flight');
    assert.equal(probe.inflight, 1);
    releases[0]?.();
    await done;
    assert.equal(probe.inflight, 0);
  });
}

test('a thenable that rejects twice counts one error per call, and the probe warns once', async () => {
  const m = marker('thenable:errors', '');
  const probe = connect(m, () => ({
    // biome-ignore lint/suspicious/noThenProperty: the probe returns a thenable on purpose
    then(_ok: () => void, fail: (e: unknown) => void) {
      fail(new Error('one'));
      fail(new Error('two'));
    },
  }));
  // The probe's first error is also its one MarkersWarning.
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.message);
  };
  process.on('warning', onWarning);
  m.fire?.();
  m.fire?.();
  await tick();
  process.off('warning', onWarning);
  assert.equal(probe.errors, 2);
  assert.equal(warnings.length, 1);
  assert.equal(probe.inflight, 0);
  await probe.disconnect();
});
