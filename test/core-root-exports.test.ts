/**
 * The root export is an explicit list (src/index.ts says why each value is
 * there): nothing internal (the recording's consumer, the trace writer, the
 * coordinator, the control server) reaches a user's code through it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('the root exports exactly the public API values', async () => {
  const root = await import('../src/index.js');
  assert.deepEqual(Object.keys(root).sort(), [
    'ErrorCode',
    'FieldType',
    'MarkerMode',
    'MarkersError',
    'ProbeModuleManager',
    'VERSION',
    'aggregate',
    'channelMarker',
    'channelStats',
    'connect',
    'defineProbeModule',
    'installCatalogue',
    'isMarkersError',
    'listMarkers',
    'listen',
    'loadProbeModule',
    'marker',
    'record',
    'tracingChannelMarker',
  ]);
});
