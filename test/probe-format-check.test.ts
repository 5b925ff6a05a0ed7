import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, isMarkersError, listMarkers, marker } from '../src/index.js';
import { captureWarnings } from './helpers/warnings.js';

test('an explicit format that does not match an exact name throws ERR_FORMAT_MISMATCH and leaves the marker off', () => {
  const m = marker('fmt:exact', 'n %d');
  assert.throws(
    () => connect('fmt:exact', () => {}, { format: 'n %s' }),
    (error: unknown) =>
      isMarkersError(error, 'ERR_FORMAT_MISMATCH') &&
      error.message.includes('n %s') &&
      error.message.includes('n %d') &&
      error.message.includes(m.location),
  );
  assert.equal(m.fire, undefined);
  assert.equal(listMarkers('fmt:exact')[0]?.probes, 0);
});

test('a matching explicit format connects', async () => {
  const m = marker('fmt:ok', 'n %d');
  const probe = connect('fmt:ok', () => {}, { format: 'n %d' });
  assert.equal(m.enabled, true);
  await probe.disconnect();
});

test('with a pattern, markers of another format are skipped and listed on the handle', async () => {
  marker('fmtp:a', 'n %d');
  marker('fmtp:b', 'n %s');
  const probe = connect('fmtp:*', () => {}, { format: 'n %d' });
  marker('fmtp:c', 'x %f');
  assert.deepEqual(probe.markers, ['fmtp:a']);
  assert.deepEqual(
    probe.skipped.map((s) => [s.name, s.format, s.reason]),
    [
      ['fmtp:b', 'n %s', 'format-mismatch'],
      ['fmtp:c', 'x %f', 'format-mismatch'],
    ],
  );
  await probe.disconnect();
});

test('an exact-name connect made before the marker exists skips a mismatching declaration with a warning, not a throw', async () => {
  let probe: ReturnType<typeof connect> | undefined;
  const warnings = await captureWarnings(() => {
    probe = connect('fmt:future', () => {}, { format: 'n %d' });
    const m = marker('fmt:future', 'n %s');
    assert.equal(m.fire, undefined);
  });
  assert.equal(probe?.skipped[0]?.reason, 'format-mismatch');
  assert.ok(warnings.some((w) => (w as { code?: string }).code === 'ERR_FORMAT_MISMATCH'));
  await probe?.disconnect();
});
