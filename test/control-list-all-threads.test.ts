import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';

interface ListResult {
  markers: { name: string; format: string; threads: number[]; locations: string[] }[];
  threads: { thread: { name: string }; ok: boolean }[];
}

test('list merges the markers of every application thread, workers included', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=2']);
  try {
    const result = await cli(sockets.dir, ['list', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const list = lastJson<ListResult>(result);
    // The catalogue (Node's own channels) is in every thread; the app's markers where declared.
    const own = list.markers.filter((m) => !m.locations[0]?.startsWith('diagnostics_channel:'));
    assert.deepEqual(
      own.map((m) => [m.name, m.threads.length]),
      [
        ['app:request', 1],
        ['app:tick', 1],
        ['worker:job', 2],
      ],
    );
    assert.equal(list.markers.find((m) => m.name === 'node:http.server_start')?.threads.length, 3);
    assert.equal(list.threads.length, 3);
    assert.ok(list.threads.every((t) => t.ok));
    assert.match(own[1]?.locations[0] ?? '', /control-app\.ts:\d+:\d+$/);

    const filtered = await cli(sockets.dir, ['list', '-p', String(app.pid), 'worker:*']);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.match(filtered.stdout, /worker:job/);
    assert.doesNotMatch(filtered.stdout, /app:tick/);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
