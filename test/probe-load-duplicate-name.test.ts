import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isMarkersError,
  listMarkers,
  loadProbeModule,
  marker,
  ProbeModuleManager,
} from '../src/index.js';
import { moduleDir } from './helpers/probe-modules.js';

test('a second module with a loaded name is refused, in this thread and through the manager', async () => {
  const dir = await moduleDir();
  marker('dup:x', '');
  try {
    const first = await dir.write(
      'first.mjs',
      `export default { name: 'dup', probes: { 'dup:x': () => {} } };\n`,
    );
    const second = await dir.write(
      'second.mjs',
      `export default { name: 'dup', probes: { 'dup:*': () => {} } };\n`,
    );
    const loaded = await loadProbeModule(first);
    await assert.rejects(loadProbeModule(second), (e: unknown) =>
      isMarkersError(e, 'ERR_PROBE_MODULE_LOADED'),
    );
    await assert.rejects(loadProbeModule(first), (e: unknown) =>
      isMarkersError(e, 'ERR_PROBE_MODULE_LOADED'),
    );
    // The manager's load meets the name in this thread, and is undone everywhere.
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    await assert.rejects(manager.load(second), (e: unknown) =>
      isMarkersError(e, 'ERR_PROBE_MODULE_LOADED'),
    );
    assert.deepEqual(manager.list(), []);
    assert.equal(listMarkers('dup:x')[0]?.probes, 1);
    await loaded.unload();

    await manager.load(second);
    await assert.rejects(manager.load(first), (e: unknown) =>
      isMarkersError(e, 'ERR_PROBE_MODULE_LOADED'),
    );
    assert.deepEqual(
      manager.list().map((m) => m.path),
      [second],
    );
    await manager.unload('dup');
    await assert.rejects(manager.unload('dup'), (e: unknown) =>
      isMarkersError(e, 'ERR_PROBE_MODULE_NOT_LOADED'),
    );
    assert.equal(listMarkers('dup:x')[0]?.probes, 0);
  } finally {
    await dir.remove();
  }
});
