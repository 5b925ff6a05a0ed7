/**
 * `markers unload` of a probe module whose calls return a promise that never
 * settles: it fails after --timeout with ERR_PROBE_MODULE_TIMEOUT naming the
 * module and the thread, the probes never run again, and the name is free:
 * the same module loads again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp, waitUntil } from './helpers/control.js';
import { LOG_IMPORTS, logLine, moduleDir } from './helpers/probe-modules.js';

function calls(log: string): number {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(':call')).length;
}

function witnessed(log: string): number {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(':witness')).length;
}

test('unload of a probe whose promise never settles times out as asked, and leaves the name reusable', async () => {
  const sockets = makeSocketDir();
  const modules = await moduleDir();
  const app = await startApp(sockets.dir, ['fire']);
  try {
    const file = await modules.write(
      'stuck.mjs',
      `${LOG_IMPORTS}export default { name: 'stuck', probes: {
         'app:tick': () => { ${logLine(modules.log, 'call')}; return new Promise(() => {}); },
       } };`,
    );
    // Another module on the same marker shows that it keeps firing.
    const witness = await modules.write(
      'witness.mjs',
      `${LOG_IMPORTS}export default { name: 'witness', probes: {
         'app:tick': () => { ${logLine(modules.log, 'witness')}; },
       } };`,
    );
    assert.equal((await cli(sockets.dir, ['load', witness, '--threads', 'main'])).code, 0);
    const loaded = await cli(sockets.dir, ['load', file, '--threads', 'main']);
    assert.equal(loaded.code, 0, loaded.stderr);
    await waitUntil(() => (calls(modules.log) > 0 ? true : undefined), 'a call of the probe');

    const unloaded = await cli(sockets.dir, ['unload', '--timeout', '1000', 'stuck']);
    assert.equal(unloaded.code, 1);
    assert.match(
      unloaded.stderr,
      /^markers: ERR_PROBE_MODULE_TIMEOUT: unloading probe module "stuck": \d+ call\(s\) of probe module "stuck" .* in thread main after 1000 ms; they are orphaned.*\[thread main \(id 0\)\]/m,
    );
    assert.doesNotMatch(unloaded.stderr, /event loop may be blocked/);

    // Disconnected: the marker keeps firing, the probe never runs again.
    const before = calls(modules.log);
    const seen = witnessed(modules.log);
    await waitUntil(
      () => (witnessed(modules.log) > seen + 20 ? true : undefined),
      'app:tick to fire on',
    );
    assert.equal(calls(modules.log), before);
    const probes = lastJson<{ modules: { name: string }[] }>(
      await cli(sockets.dir, ['probes', '--json']),
    );
    assert.deepEqual(
      probes.modules.map((m) => m.name),
      ['witness'],
    );

    // The name is free in the manager and in the thread: the same module loads again.
    const again = await cli(sockets.dir, ['load', file, '--threads', 'main']);
    assert.equal(again.code, 0, again.stderr);
    await waitUntil(
      () => (calls(modules.log) > before ? true : undefined),
      'the reloaded probe to run',
    );
    const unloadedAgain = await cli(sockets.dir, ['unload', '--timeout', '500', 'stuck']);
    assert.match(unloadedAgain.stderr, /^markers: ERR_PROBE_MODULE_TIMEOUT: /m);
  } finally {
    await app.stop();
    sockets.remove();
    await modules.remove();
  }
});

test('unload of a module whose cleanup never settles gives up after --timeout and frees the name', async () => {
  const sockets = makeSocketDir();
  const modules = await moduleDir();
  const app = await startApp(sockets.dir, ['fire']);
  try {
    const file = await modules.write(
      'hang.mjs',
      `export default { name: 'hang', probes: { 'app:tick': () => {} },
         cleanup: () => new Promise(() => {}) };`,
    );
    assert.equal((await cli(sockets.dir, ['load', file])).code, 0);
    const unloaded = await cli(sockets.dir, ['unload', '--timeout', '500', 'hang']);
    assert.equal(unloaded.code, 1);
    assert.match(
      unloaded.stderr,
      /^markers: ERR_PROBE_MODULE_TIMEOUT: .*cleanup\(\) of probe module "hang" .* did not settle in thread main within 500 ms/m,
    );
    const again = await cli(sockets.dir, ['load', file]);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await app.stop();
    sockets.remove();
    await modules.remove();
  }
});
