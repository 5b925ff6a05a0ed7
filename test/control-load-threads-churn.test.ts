/**
 * `markers load --threads all` in a process whose workers come and go: a
 * worker that exits during the load is no reason to fail it. Every load
 * succeeds, and workers started afterwards get the module.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';
import { LOG_IMPORTS, logLine, moduleDir } from './helpers/probe-modules.js';

const CYCLES = 6;

test('load --threads all succeeds while workers exit during it, and later workers get the module', async () => {
  const sockets = makeSocketDir();
  const modules = await moduleDir();
  const app = await startApp(sockets.dir, [], {
    script: join(ROOT, 'test/fixtures/control-churn-app.ts'),
  });
  try {
    const file = await modules.write(
      'churn-probe.mjs',
      `${LOG_IMPORTS}export default { name: 'churn', probes: { 'churn:*': () => {} },
         init() { ${logLine(modules.log, 'init')}; } };`,
    );
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const loaded = await cli(sockets.dir, ['load', file, '--threads', 'all']);
      assert.equal(loaded.code, 0, `load ${cycle + 1}: ${loaded.stderr}`);
      // The log holds every init so far; a worker with a higher id started after this load.
      const newest = Math.max(...(await modules.lines()).map((l) => Number(l.split(':')[0])));
      await waitUntil(
        async () =>
          (await modules.lines()).some((l) => Number(l.split(':')[0]) > newest) ? true : undefined,
        `a worker started after load ${cycle + 1} to run init`,
      );
      const unloaded = await cli(sockets.dir, ['unload', 'churn']);
      assert.equal(unloaded.code, 0, `unload ${cycle + 1}: ${unloaded.stderr}`);
    }
  } finally {
    await app.stop();
    sockets.remove();
    await modules.remove();
  }
});
