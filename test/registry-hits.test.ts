import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, listMarkers, marker } from '../src/index.js';

test('hits count fires while enabled, and only then', async () => {
  const m = marker('hits:event', 'n %d');
  m.fire?.(1);
  assert.equal(listMarkers('hits:event')[0]?.hits, 0);
  const a = connect(m, () => {});
  const b = connect(m, () => {});
  m.fire?.(1);
  m.fire?.(2);
  assert.equal(listMarkers('hits:event')[0]?.hits, 2);
  await a.disconnect();
  m.fire?.(3);
  await b.disconnect();
  m.fire?.(4);
  assert.equal(listMarkers('hits:event')[0]?.hits, 3);
});
