/**
 * A refused load leaves nothing behind: markers the module declared while it
 * was imported are not listed afterwards, in any thread, whether it was
 * refused for its shape, its init, or in one thread of several.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { moduleDir } from './helpers/probe-modules.js';

// The target's own copy, by URL: this test is about cleanup, not about resolving 'markers'.
const MARKERS = JSON.stringify(pathToFileURL(join(ROOT, 'src/index.ts')).href);

interface ListResult {
  markers: { name: string; threads: number[] }[];
}

test('markers declared by a refused probe module are not listed afterwards', async () => {
  const sockets = makeSocketDir();
  const dir = await moduleDir();
  const app = await startApp(sockets.dir, ['workers=1']);
  const names = async (): Promise<string[]> =>
    lastJson<ListResult>(await cli(sockets.dir, ['list', '--json'])).markers.map((m) => m.name);
  try {
    const before = await names();
    const badShape = await dir.write(
      'bad-shape.mjs',
      `import { marker } from ${MARKERS};\nmarker('refused:shape', 'n %d');\nexport default { name: 'bad-shape', probes: 42 };\n`,
    );
    const shape = await cli(sockets.dir, ['load', badShape]);
    assert.equal(shape.code, 1);
    assert.match(shape.stderr, /ERR_PROBE_MODULE_SHAPE/);

    // init throws in the worker only: the main thread had loaded it, and is undone too.
    const badInit = await dir.write(
      'bad-init.mjs',
      `import { marker } from ${MARKERS};\nimport { isMainThread } from 'node:worker_threads';\nmarker('refused:init', '');\nexport default { name: 'bad-init', probes: { 'refused:init': () => {} }, init() { if (!isMainThread) throw new Error('no'); } };\n`,
    );
    const init = await cli(sockets.dir, ['load', badInit]);
    assert.equal(init.code, 1);
    assert.match(init.stderr, /ERR_PROBE_MODULE_INIT/);

    assert.deepEqual(await names(), before);
    const list = await cli(sockets.dir, ['list', 'refused:*']);
    assert.equal(list.code, 1);
    assert.match(list.stderr, /ERR_NO_MATCH/);

    // The fixed module loads, and its marker is listed while it is loaded.
    const good = await dir.write(
      'good.mjs',
      `import { marker } from ${MARKERS};\nmarker('refused:init', '');\nexport default { name: 'good', probes: { 'refused:init': () => {} } };\n`,
    );
    const loaded = await cli(sockets.dir, ['load', good]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.ok((await names()).includes('refused:init'));
  } finally {
    await app.stop();
    await dir.remove();
    sockets.remove();
  }
});
