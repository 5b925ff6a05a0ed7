import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, isMarkersError, listMarkers, marker } from '../src/index.js';

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => isMarkersError(error, code));
}

test('connecting the same function to the same marker twice is refused and changes nothing', async () => {
  const m = marker('dup:event', 'n %d');
  const fn = (): void => {};
  const probe = connect(m, fn);
  throwsCode(() => connect('dup:event', fn), 'ERR_ALREADY_CONNECTED');
  throwsCode(() => connect('dup:*', fn), 'ERR_ALREADY_CONNECTED');
  assert.equal(listMarkers('dup:event')[0]?.probes, 1);
  await probe.disconnect();
  // Once disconnected, the function may be connected again.
  const again = connect(m, fn);
  assert.equal(listMarkers('dup:event')[0]?.probes, 1);
  await again.disconnect();
});

test('two patterns of one function meeting on a later marker: the first wins, the second lists it as skipped', async () => {
  const fn = (): void => {};
  const a = connect('dup2:*', fn);
  const b = connect('*:dup2later', fn);
  marker('dup2:dup2later', 'n %d');
  assert.deepEqual(a.markers, ['dup2:dup2later']);
  assert.deepEqual(
    b.skipped.map((s) => [s.name, s.reason]),
    [['dup2:dup2later', 'already-connected']],
  );
  assert.equal(listMarkers('dup2:dup2later')[0]?.probes, 1);
  await Promise.all([a.disconnect(), b.disconnect()]);
});

test('a probe that is not a function, or a bad pattern, is refused with a code', () => {
  const connectAny = connect as unknown as (
    target: unknown,
    probe: unknown,
    options?: unknown,
  ) => unknown;
  throwsCode(() => connectAny('dup:event', 'not a function'), 'ERR_INVALID_PROBE');
  throwsCode(() => connectAny('dup:event', null), 'ERR_INVALID_PROBE');
  for (const pattern of ['', 'has space:*', 'no-colon', 'a:b:c', 42, null, {}]) {
    throwsCode(() => connectAny(pattern, () => {}), 'ERR_INVALID_PATTERN');
  }
  throwsCode(() => connectAny('dup:event', () => {}, { format: 'x %q' }), 'ERR_INVALID_FORMAT');
});
