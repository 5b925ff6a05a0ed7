import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, ROOT, startApp, waitUntil } from './helpers/control.js';

const COUNTER = join(ROOT, 'test/fixtures/control-probe.mjs');
const BROKEN = join(ROOT, 'test/fixtures/control-probe-broken.mjs');

interface ProbesResult {
  modules: { name: string; threads: { thread: { id: number } }[] }[];
}

test('load, probes, report and unload drive a probe module in every thread, later workers included', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1', 'fire']);
  try {
    const broken = await cli(sockets.dir, ['load', BROKEN]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^markers: ERR_PROBE_MODULE_INIT: /m);

    const loaded = await cli(sockets.dir, ['load', COUNTER, '--json']);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(lastJson<{ name: string }>(loaded).name, 'counter');

    const again = await cli(sockets.dir, ['load', COUNTER]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^markers: ERR_PROBE_MODULE_LOADED: /m);

    app.send('worker\n');
    await app.waitFor('worker-started');
    // The new worker loads the module on its own once it has met the other
    // threads (an import, so asynchronous): it may still be loading when its
    // start is reported. Ask until it is in, then check the whole answer.
    const probes = await waitUntil(async () => {
      const answer = lastJson<ProbesResult>(await cli(sockets.dir, ['probes', '--json']));
      return answer.modules.some((m) => m.threads.length === 3) ? answer : undefined;
    }, 'the later worker to load the probe module').catch(async () =>
      lastJson<ProbesResult>(await cli(sockets.dir, ['probes', '--json'])),
    );
    assert.deepEqual(
      probes.modules.map((m) => [m.name, m.threads.length]),
      [['counter', 3]],
    );

    const report = await cli(sockets.dir, ['report', 'counter', '--json']);
    assert.equal(report.code, 0, report.stderr);
    const threads = lastJson<{ threads: { report: { ticks: number; jobs: number } }[] }>(
      report,
    ).threads;
    assert.equal(threads.length, 3);
    const human = await cli(sockets.dir, ['report', 'counter']);
    assert.match(human.stdout, /counter in thread main \(id 0\):/);
    assert.match(human.stdout, /<= 2 │/);

    const unloaded = await cli(sockets.dir, ['unload', 'counter']);
    assert.equal(unloaded.code, 0, unloaded.stderr);
    const after = lastJson<ProbesResult>(await cli(sockets.dir, ['probes', '--json']));
    assert.deepEqual(after.modules, []);
    const list = lastJson<{ markers: { mode: string }[] }>(
      await cli(sockets.dir, ['list', '--json']),
    );
    assert.ok(list.markers.every((m) => m.mode === 'off'));

    const missing = await cli(sockets.dir, ['report', 'counter']);
    assert.match(missing.stderr, /^markers: ERR_PROBE_MODULE_NOT_LOADED: /m);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
