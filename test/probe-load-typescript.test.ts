import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import {
  isMarkersError,
  listMarkers,
  loadProbeModule,
  marker,
  ProbeModuleManager,
} from '../src/index.js';
import { moduleDir } from './helpers/probe-modules.js';

test('a .ts probe module is transpiled and loaded; a broken one names its file and line', async () => {
  const dir = await moduleDir();
  const hit = marker('ts:hit', 'ms %f');
  try {
    const file = await dir.write(
      'typed.ts',
      `interface Stats { total: number; calls: number }
const stats: Stats = { total: 0, calls: 0 };
type Probe = (m: unknown, ms: number) => void;
const onHit: Probe = (_m, ms: number): void => { stats.calls++; stats.total += ms; };
export default {
  name: 'typed' as const,
  probes: { 'ts:hit': { format: 'ms %f', probe: onHit } },
  // A reload of the same code reuses the module (docs/probe.md): state starts in init.
  init(): void { stats.total = 0; stats.calls = 0; },
  report(): Stats { return stats; },
};
`,
    );
    const loaded = await loadProbeModule(file);
    hit.fire?.(1.5);
    hit.fire?.(2);
    assert.deepEqual(await loaded.report(), { total: 3.5, calls: 2 });
    await loaded.unload();

    // Through the manager the transpiling happens once, in the manager's thread.
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    await manager.load(file);
    hit.fire?.(4);
    assert.deepEqual(
      (await manager.report('typed')).map((r) => r.report),
      [{ total: 4, calls: 1 }],
    );
    await manager.unload('typed');

    const broken = await dir.write(
      'broken.ts',
      `const a: number = 1;\nexport default {\n  name: 'broken',\n  probes: { 'ts:hit': (m: unknown, => {} },\n};\n`,
    );
    await assert.rejects(loadProbeModule(broken), (error: unknown) => {
      assert.ok(isMarkersError(error, 'ERR_PROBE_MODULE_SYNTAX'), String(error));
      assert.equal(error.details.file, broken);
      assert.equal(error.details.line, 4);
      return true;
    });
    assert.equal(listMarkers('ts:hit')[0]?.probes, 0);
    // The transpiled copies are gone: only the sources and the log remain.
    assert.deepEqual((await readdir(dir.dir)).sort(), ['broken.ts', 'log.txt', 'typed.ts']);
  } finally {
    await dir.remove();
  }
});
