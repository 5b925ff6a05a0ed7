import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';

interface Outcome {
  thread: { id: number; name: string };
  ok: boolean;
  error?: { code: string };
}

test('while the main thread spins, ps, list and stats still answer and report it as timed out', async () => {
  const sockets = makeSocketDir();
  // Blocked for far longer than the commands below can take, however slow the machine.
  const app = await startApp(sockets.dir, ['workers=1', 'spin=600000']);
  try {
    app.send('spin\n');
    await app.waitFor('spinning');

    const ps = await cli(sockets.dir, ['ps', '--json']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.equal(lastJson<{ processes: { pid: number }[] }>(ps).processes[0]?.pid, app.pid);

    const list = await cli(sockets.dir, ['list', '--json', '--timeout', '500']);
    assert.equal(list.code, 0, list.stderr);
    const listed = lastJson<{
      markers: { name: string; locations: string[] }[];
      threads: Outcome[];
    }>(list);
    // Node's own channels as markers (the catalogue) are listed too; this test is about the app's.
    assert.deepEqual(
      listed.markers
        .filter((m) => !m.locations[0]?.startsWith('diagnostics_channel:'))
        .map((m) => m.name),
      ['worker:job'],
    );
    const main = listed.threads.find((t) => t.thread.id === 0);
    assert.equal(main?.error?.code, 'ERR_THREAD_TIMEOUT');
    assert.match(list.stderr, /thread main \(id 0\): ERR_THREAD_TIMEOUT/);

    const stats = await cli(sockets.dir, ['stats', '--json', '--timeout', '500']);
    assert.equal(stats.code, 0, stats.stderr);
    const threads = lastJson<{ threads: Outcome[] }>(stats).threads;
    assert.deepEqual(
      threads.map((t) => [t.thread.id === 0 ? 'main' : 'worker', t.ok]),
      [
        ['main', false],
        ['worker', true],
      ],
    );
  } finally {
    app.child.kill('SIGKILL');
    await app.stop();
    sockets.remove();
  }
});
