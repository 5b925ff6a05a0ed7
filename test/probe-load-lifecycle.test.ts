import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listMarkers, loadProbeModule, marker } from '../src/index.js';
import { LOG_IMPORTS, logLine, moduleDir } from './helpers/probe-modules.js';

test('init runs before the probes connect, unload disconnects then awaits cleanup, exactly once', async () => {
  const dir = await moduleDir();
  try {
    const tick = marker('life:tick', 'n %d');
    const file = await dir.write(
      'life.mjs',
      `${LOG_IMPORTS}
let seen = [];
export default {
  name: 'life',
  probes: { 'life:*': (m, n) => { seen.push(n); ${logLine(dir.log, 'probe')}; } },
  async init(ctx) {
    ${logLine(dir.log, 'init')};
    // Probes are not connected yet while init runs.
    appendFileSync(${JSON.stringify(dir.log)}, threadId + ':enabled-during-init-' + globalThis.tickEnabled() + '\\n');
  },
  async cleanup(ctx) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    ${logLine(dir.log, 'cleanup')};
  },
  report() { return { seen }; },
};
`,
    );
    (globalThis as { tickEnabled?: () => boolean }).tickEnabled = () => tick.enabled;
    const loaded = await loadProbeModule(file);
    assert.equal(loaded.name, 'life');
    assert.equal(loaded.path, file);
    assert.deepEqual(loaded.probes[0]?.markers, ['life:tick']);
    assert.equal(listMarkers('life:tick')[0]?.mode, 'call');

    tick.fire?.(1);
    tick.fire?.(2);
    assert.deepEqual(await loaded.report(), { seen: [1, 2] });

    const first = loaded.unload();
    const second = loaded.unload();
    await Promise.all([first, second]);
    await loaded.unload();
    assert.equal(tick.fire, undefined);
    assert.deepEqual(listMarkers('life:tick')[0]?.probes, 0);
    assert.deepEqual(await dir.lines(), [
      '0:init',
      '0:enabled-during-init-false',
      '0:probe',
      '0:probe',
      '0:cleanup',
    ]);
  } finally {
    await dir.remove();
  }
});
