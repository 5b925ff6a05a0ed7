import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, isMarkersError, listMarkers, marker } from '../src/index.js';

test('sites declaring one name with one format share probes and hits', async () => {
  const a = marker('same:name', 'n %d');
  const b = marker('same:name', 'n %d');
  const seen: [string, unknown][] = [];
  const probe = connect('same:name', (m, n) => {
    seen.push([m.location, n]);
  });
  a.fire?.(1);
  b.fire?.(2);
  assert.deepEqual(seen, [
    [a.location, 1],
    [b.location, 2],
  ]);
  assert.equal(listMarkers('same:name')[0]?.hits, 2);
  await probe.disconnect();
  assert.equal(a.fire, undefined);
  assert.equal(b.fire, undefined);
});

test('a site declared while the name is enabled is enabled at once', async () => {
  marker('same:late', 'n %d');
  let calls = 0;
  const probe = connect('same:late', () => {
    calls++;
  });
  const late = marker('same:late', 'n %d');
  late.fire?.(1);
  assert.equal(calls, 1);
  await probe.disconnect();
});

test('the same name with another format throws ERR_FORMAT_MISMATCH naming both formats and the first site', () => {
  const first = marker('same:mismatch', 'n %d');
  try {
    marker('same:mismatch', 'n %s');
    assert.fail('expected a throw');
  } catch (error) {
    assert.ok(isMarkersError(error, 'ERR_FORMAT_MISMATCH'));
    assert.match(error.message, /n %d/);
    assert.match(error.message, /n %s/);
    assert.ok(error.message.includes(first.location));
  }
});
