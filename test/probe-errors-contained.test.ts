import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, marker } from '../src/index.js';
import { captureWarnings } from './helpers/warnings.js';

test('a throwing probe never reaches the caller; it is counted, reported once, and later probes still run', async () => {
  const m = marker('errors:sync', 'n %d');
  let after = 0;
  const bad = connect(
    m,
    () => {
      throw new Error('boom');
    },
    { name: 'bad-probe' },
  );
  const good = connect(m, () => {
    after++;
  });
  const warnings = await captureWarnings(() => {
    m.fire?.(1);
    m.fire?.(2);
    m.fire?.(3);
  });
  assert.equal(after, 3);
  assert.equal(bad.errors, 3);
  const reported = warnings.filter((w) => (w as { code?: string }).code === 'ERR_PROBE_FAILED');
  assert.equal(reported.length, 1);
  assert.match(reported[0]?.message ?? '', /bad-probe/);
  assert.match(reported[0]?.message ?? '', /errors:sync/);
  await Promise.all([bad.disconnect(), good.disconnect()]);
});

test('a probe whose promise rejects is counted and never becomes an unhandled rejection', async () => {
  const m = marker('errors:async', 'n %d');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  const probe = connect(m, async () => {
    throw new Error('async boom');
  });
  await captureWarnings(async () => {
    m.fire?.(1);
    m.fire?.(2);
    await probe.disconnect();
  });
  process.off('unhandledRejection', onUnhandled);
  assert.equal(probe.errors, 2);
  assert.deepEqual(unhandled, []);
});

test('a single throwing probe (the fast path) is contained too', async () => {
  const m = marker('errors:single', '');
  const probe = connect(m, () => {
    throw 'not even an Error';
  });
  await captureWarnings(() => {
    assert.doesNotThrow(() => m.fire?.());
  });
  assert.equal(probe.errors, 1);
  await probe.disconnect();
});
