import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cli,
  hasStreamData,
  lastJson,
  makeSocketDir,
  startApp,
  waitUntil,
} from './helpers/control.js';

interface Stats {
  recordings: { streaming: unknown[] };
}

test('when the CLI dies mid-record, the target stops the recording by itself', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1', 'fire']);
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const recording = cli(sockets.dir, ['record', 'app:*', 'worker:*', '-o', dir]);
    await waitUntil(() => hasStreamData(dir), 'the first packets on disk');
    const during = lastJson<Stats>(await cli(sockets.dir, ['stats', '--json']));
    assert.equal(during.recordings.streaming.length, 1);

    recording.child.kill('SIGKILL');
    await recording;
    await waitUntil(async () => {
      const stats = lastJson<Stats>(await cli(sockets.dir, ['stats', '--json']));
      return stats.recordings.streaming.length === 0 ? true : undefined;
    }, 'the target to stop the orphaned recording');
    const list = lastJson<{ markers: { name: string; mode: string; locations: string[] }[] }>(
      await cli(sockets.dir, ['list', '--json']),
    );
    assert.deepEqual(
      list.markers
        .filter((m) => !m.locations[0]?.startsWith('diagnostics_channel:'))
        .map((m) => [m.name, m.mode]),
      [
        ['app:request', 'off'],
        ['app:tick', 'off'],
        ['worker:job', 'off'],
      ],
    );
    assert.equal(app.child.exitCode, null);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
