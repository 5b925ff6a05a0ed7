/**
 * A probe module whose init does the work (it sets up a channel, say) may
 * have an empty `probes` map; without an init that is still refused.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';
import { moduleDir } from './helpers/probe-modules.js';

test('empty probes load when init does the work, and are refused without init', async () => {
  const sockets = makeSocketDir();
  const dir = await moduleDir();
  const app = await startApp(sockets.dir);
  try {
    const log = join(dir.dir, 'log.txt');
    const withInit = await dir.write(
      'channels.mjs',
      `import { appendFileSync } from 'node:fs';
export default {
  name: 'channels-only',
  probes: {},
  init() { appendFileSync(${JSON.stringify(log)}, 'init\\n'); },
  cleanup() { appendFileSync(${JSON.stringify(log)}, 'cleanup\\n'); },
};\n`,
    );
    const loaded = await cli(sockets.dir, ['load', withInit, '--threads', 'main']);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /loaded channels-only .* 0 marker\(s\) connected/);
    const unloaded = await cli(sockets.dir, ['unload', 'channels-only']);
    assert.equal(unloaded.code, 0, unloaded.stderr);
    assert.equal(await readFile(log, 'utf8'), 'init\ncleanup\n');

    const idle = await dir.write('idle.mjs', `export default { name: 'idle', probes: {} };\n`);
    const refused = await cli(sockets.dir, ['load', idle]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^markers: ERR_PROBE_MODULE_SHAPE: .*"probes" is empty and there is no init\(\)/m,
    );
  } finally {
    await app.stop();
    await dir.remove();
    sockets.remove();
  }
});
