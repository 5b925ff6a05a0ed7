// Catalogue markers through the rest of the CLI, on an application with no
// markers of its own: `tail` (text and --json), a probe module loaded into
// the live process and its report, and the flight recorder (enable,
// snapshot, disable); every one leaves hasSubscribers false when it ends.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ask, readChannelTrace, waitSubscribers } from './helpers/channels.js';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';

const APP = join(ROOT, 'test/fixtures/channels-app.ts');
const PROBE = join(ROOT, 'test/fixtures/channels-probe.mjs');

test('tail, a probe module and the flight recorder on node:http markers', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], { script: APP });
  const pid = String(app.pid);
  try {
    // tail, as text: until the 404 is printed.
    let seen404: () => void = () => {};
    const printed = new Promise<void>((resolve) => {
      seen404 = resolve;
    });
    const tail = cli(sockets.dir, ['tail', '-p', pid, 'node:http.server_end'], {
      onStdout: (text) => {
        if (text.includes('status = 404')) seen404();
      },
    });
    await waitSubscribers(app, 'true false false false');
    assert.match(await ask(app, 'go1', 'done1'), /^done1 /);
    await printed;
    tail.child.kill('SIGINT');
    const tailed = await tail;
    assert.equal(tailed.code, 0, tailed.stderr);
    assert.match(
      tailed.stdout,
      /node:http\.server_end: \{ method = "GET", url = "\/slow", status = 200, ms = [\d.]+, error = "" \}/,
    );
    await waitSubscribers(app, 'false false false false');

    // tail --json: one JSON line per event.
    const json = cli(sockets.dir, ['tail', '-p', pid, 'undici:request_end', '--json']);
    await waitSubscribers(app, 'false false true false');
    await ask(app, 'go2', 'done2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    json.child.kill('SIGINT');
    const lines = (await json).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { marker: string; fields: { status: number } });
    assert.deepEqual(lines.map((l) => l.fields.status).sort(), [200, 201, 404]);
    await waitSubscribers(app, 'false false false false');

    // A probe module, loaded into the live process.
    const loaded = await cli(sockets.dir, ['load', '-p', pid, PROBE]);
    assert.equal(loaded.code, 0, loaded.stderr);
    await waitSubscribers(app, 'true false false false');
    await ask(app, 'go3', 'done3');
    const report = await cli(sockets.dir, ['report', '-p', pid, 'status-counter', '--json']);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /"GET 200":2/);
    assert.match(report.stdout, /"POST 201":2/);
    assert.match(report.stdout, /"GET 404":1/);
    const unloaded = await cli(sockets.dir, ['unload', '-p', pid, 'status-counter']);
    assert.equal(unloaded.code, 0, unloaded.stderr);
    await waitSubscribers(app, 'false false false false');

    // The flight recorder: enable, traffic, snapshot, disable.
    const enabled = await cli(sockets.dir, ['enable', '-p', pid, 'node:http.server_*']);
    assert.equal(enabled.code, 0, enabled.stderr);
    await waitSubscribers(app, 'true false false false');
    await ask(app, 'go4', 'done4');
    const dir = join(sockets.dir, '..', 'flight');
    const snap = await cli(sockets.dir, ['snapshot', '-p', pid, '-o', dir]);
    assert.equal(snap.code, 0, snap.stderr);
    const disabled = await cli(sockets.dir, ['disable', '-p', pid, 'node:http.server_*']);
    assert.equal(disabled.code, 0, disabled.stderr);
    await waitSubscribers(app, 'false false false false');
    const events = await readChannelTrace(dir);
    const ends = events.filter((e) => e.name === 'node:http.server_end');
    assert.deepEqual(ends.map((e) => e.fields.status).sort(), ['200', '200', '201', '201', '404']);

    const stats = await cli(sockets.dir, ['stats', '-p', pid, '--json']);
    assert.equal(stats.code, 0, stats.stderr);
    assert.ok(lastJson<object>(stats) !== undefined);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
