import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, listMarkers } from '../src/index.js';

test('a pattern connects to markers declared later, in modules imported afterwards', async () => {
  const seen: string[] = [];
  const probe = connect('later:*', (m) => {
    seen.push(m.name);
  });
  assert.deepEqual(probe.markers, []);
  const { later, other } = await import('./fixtures/later-markers.js');
  later.fire?.(1);
  other.fire?.(1);
  assert.deepEqual(seen, ['later:event']);
  assert.deepEqual(probe.markers, ['later:event']);
  assert.equal(other.fire, undefined);
  assert.equal(listMarkers('later:event')[0]?.mode, 'call');
  await probe.disconnect();
  assert.equal(later.fire, undefined);
});
