import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp, waitUntil } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';

interface Stats {
  recordings: { flight: { stats: { threads: { threadId: number; recorded: number }[] } } | null };
}

test('enable while the main thread is blocked: reported as timed out, then it records once freed', async () => {
  const sockets = makeSocketDir();
  const release = join(sockets.dir, '..', 'release');
  const app = await startApp(sockets.dir, ['workers=1', 'fire', `release=${release}`]);
  const dir = join(sockets.dir, '..', 'snapshot');
  try {
    app.send('spin\n');
    await app.waitFor('spinning');

    const enabled = await cli(sockets.dir, ['enable', 'app:tick', 'worker:*', '--timeout', '500']);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match(enabled.stderr, /ERR_THREAD_TIMEOUT: thread main \(id 0\)/);
    assert.match(enabled.stdout, /flight recorder on for app:tick worker:\* in 1 thread/);

    writeFileSync(release, '');
    await app.waitFor('unblocked');
    await waitUntil(async () => {
      const stats = lastJson<Stats>(await cli(sockets.dir, ['stats', '--json']));
      const main = stats.recordings.flight?.stats.threads.find((t) => t.threadId === 0);
      return main !== undefined && main.recorded > 0 ? true : undefined;
    }, 'the main thread to join the flight recorder');

    const snap = await cli(sockets.dir, ['snapshot', '-o', dir]);
    assert.equal(snap.code, 0, snap.stderr);
    const read = bt2Read(dir);
    assert.equal(read.status, 0, read.stderr);
    const names = new Set(read.messages.flatMap((m) => (m.type === 'event' ? [m.name] : [])));
    assert.deepEqual([...names].sort(), ['app:tick', 'worker:job']);

    const off = await cli(sockets.dir, ['disable']);
    assert.equal(off.code, 0, off.stderr);
    const none = await cli(sockets.dir, ['snapshot', '-o', `${dir}-2`]);
    assert.equal(none.code, 1);
  } finally {
    writeFileSync(release, '');
    await app.stop();
    sockets.remove();
  }
});
