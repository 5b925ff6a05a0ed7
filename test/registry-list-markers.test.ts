import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, listMarkers, marker } from '../src/index.js';

test('listMarkers reports name, format, fields, locations, state, mode, probes and hits', async () => {
  const m = marker('list:one', 'n %d s %s');
  marker('list:two', '');
  marker('other:three', '');
  const probe = connect('list:one', () => {});
  m.fire?.(1, 'a');
  const infos = listMarkers('list:*');
  assert.deepEqual(
    infos.map((i) => i.name),
    ['list:one', 'list:two'],
  );
  assert.deepEqual(infos[0], {
    name: 'list:one',
    format: 'n %d s %s',
    fields: m.fields,
    locations: [m.location],
    enabled: true,
    mode: 'call',
    probes: 1,
    hits: 1,
  });
  assert.equal(infos[1]?.mode, 'off');
  assert.equal(infos[1]?.enabled, false);
  assert.ok(listMarkers().length >= 3);
  await probe.disconnect();
  assert.equal(listMarkers('list:one')[0]?.mode, 'off');
});
