import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';
import { babeltrace2, bt2Read } from './helpers/judges.js';

test('record streams packets from every thread over the socket; the CLI writes a trace bt2 reads', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=2', 'fire']);
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const result = await cli(sockets.dir, [
      'record',
      'app:tick',
      'worker:*',
      '-o',
      dir,
      '--duration',
      '1500ms',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJson<{ events: number; lost: number; targetExited: boolean }>(result);
    assert.equal(summary.targetExited, false);
    assert.equal(summary.lost, 0);
    assert.ok(summary.events > 0);

    const read = bt2Read(dir);
    assert.equal(read.status, 0, read.stderr);
    const events = read.messages.filter((m) => m.type === 'event');
    assert.equal(events.length, summary.events);
    const names = new Set(events.map((e) => e.name));
    assert.deepEqual([...names].sort(), ['app:tick', 'worker:job']);
    const streams = new Set(events.map((e) => e.stream_id));
    assert.equal(streams.size, 3);
    assert.equal(babeltrace2(dir).status, 0);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
