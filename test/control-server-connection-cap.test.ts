// Control connections are capped: past the limit, a connection gets one coded
// line and is closed, so a client opening hundreds of them cannot use up the
// target's file descriptors (the application's own open() kept working).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp, waitUntil, wakeControl } from './helpers/control.js';
import { open } from './helpers/raw-control.js';

const FD_LIMIT = 256;

function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
const CONNECTIONS = 300;

test('connections past the cap are refused with ERR_TOO_MANY_CONNECTIONS; the app can still open files', async () => {
  const sockets = makeSocketDir();
  // A small descriptor limit, so that uncapped connections would exhaust it.
  const app = await startApp(sockets.dir, [], {
    prefix: ['prlimit', `--nofile=${FD_LIMIT}:${FD_LIMIT}`, '--'],
  });
  // Raw connections go to the control worker, not to the doorbell before it.
  await wakeControl(sockets.dir, app.pid);
  const path = join(sockets.dir, `${app.pid}.sock`);
  const held: Socket[] = [];
  const refusals: string[] = [];
  let closed = 0;
  try {
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = await open(path).catch(() => undefined);
      if (socket === undefined) continue;
      held.push(socket);
      socket.on('data', (chunk: Buffer) => refusals.push(chunk.toString()));
      socket.on('error', () => {});
      socket.once('close', () => closed++);
    }
    // The extra connections are refused and closed; uncapped, the target
    // would take connections until it ran out of descriptors, and this wait
    // fails. (A refused connection holds a descriptor until its line is out,
    // so the count may touch the limit for a moment under load: the app's
    // open() is tried once they are all closed.)
    await waitUntil(
      () => (closed >= CONNECTIONS - 32 ? true : undefined),
      `the extra connections to be refused (${closed} closed, ${fdCount(app.pid)} descriptors in the target)`,
    );
    app.send('open\n');
    await waitUntil(
      () => (/opened|open-failed/.test(app.output()) ? true : undefined),
      'the app to open a file',
    );
    assert.doesNotMatch(app.output(), /open-failed/);
    assert.match(app.output(), /opened/);

    assert.equal(closed, CONNECTIONS - 32);
    for (const text of refusals) {
      const line = JSON.parse(text.trim()) as { id: null; ok: boolean; error: { code: string } };
      assert.deepEqual(
        [line.id, line.ok, line.error.code],
        [null, false, 'ERR_TOO_MANY_CONNECTIONS'],
      );
    }

    // At the cap, the CLI says so in one line...
    const refused = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^markers: ERR_TOO_MANY_CONNECTIONS: /);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    // ...and works again once connections are closed.
    for (const socket of held) socket.destroy();
    const listed = await waitUntil(async () => {
      const r = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
      return r.code === 0 ? r : undefined;
    }, 'the CLI to get in again');
    assert.match(listed.stdout, /app:tick/);
  } finally {
    for (const socket of held) socket.destroy();
    await app.stop();
    sockets.remove();
  }
});
