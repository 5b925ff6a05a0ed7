import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, ProbeModuleManager } from '../src/index.js';
import { moduleDir } from './helpers/probe-modules.js';

const version = (v: number) => `export default {
  name: 'versioned',
  probes: { 'ver:hit': () => {} },
  report() { return { version: ${v} }; },
};
`;

test('after unload, a new version of the same file loads, not the cached old one', async () => {
  const dir = await moduleDir();
  marker('ver:hit', '');
  try {
    const manager = new ProbeModuleManager({ timeoutMs: 30_000 });
    const file = await dir.write('versioned.mjs', version(1));
    await manager.load(file);
    assert.deepEqual(
      (await manager.report('versioned')).map((r) => r.report),
      [{ version: 1 }],
    );
    await manager.unload('versioned');

    await dir.write('versioned.mjs', version(2));
    await manager.load(file);
    assert.deepEqual(
      (await manager.report('versioned')).map((r) => r.report),
      [{ version: 2 }],
    );
    await manager.unload('versioned');
  } finally {
    await dir.remove();
  }
});
