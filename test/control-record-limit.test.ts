// A client that loops on `record` cannot make the target allocate ring buffers
// without bound: past MAX_STREAMING_RECORDINGS, record is refused with
// ERR_TOO_MANY_RECORDINGS, and the running ones are unaffected.
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_STREAMING_RECORDINGS } from '../src/control/record-commands.js';
import { makeSocketDir, startApp, wakeControl } from './helpers/control.js';
import { request } from './helpers/raw-control.js';

const ASKED = MAX_STREAMING_RECORDINGS + 8;

test('record past the limit of concurrent recordings is refused with ERR_TOO_MANY_RECORDINGS', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  // Raw bytes go to the control worker, not to the doorbell before it.
  await wakeControl(sockets.dir, app.pid);
  const path = join(sockets.dir, `${app.pid}.sock`);
  const socket = createConnection(path);
  try {
    const replies = new Map<number, { ok: boolean; error?: { code: string } }>();
    const all = new Promise<void>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        // Replies are JSON lines; frames (binary, first byte 0) are skipped by looking for replies only.
        for (const match of text.matchAll(/\{"v":1,"id":(\d+),"ok":(true|false)[^\n]*\n/g)) {
          const reply = JSON.parse(match[0]) as { ok: boolean; error?: { code: string } };
          replies.set(Number(match[1]), reply);
        }
        if (replies.size >= ASKED) resolve();
      });
    });
    const lines = Array.from({ length: ASKED }, (_, i) =>
      JSON.stringify({ v: 1, id: i + 1, cmd: 'record', args: { patterns: ['app:*'] } }),
    );
    socket.write(`${lines.join('\n')}\n`);
    await all;
    const ok = [...replies.values()].filter((r) => r.ok).length;
    const refused = [...replies.values()].filter(
      (r) => r.error?.code === 'ERR_TOO_MANY_RECORDINGS',
    ).length;
    assert.deepEqual([ok, refused], [MAX_STREAMING_RECORDINGS, ASKED - MAX_STREAMING_RECORDINGS]);
    const stats = await request<{ recordings: { streaming: unknown[] } }>(path, 'stats');
    assert.equal(stats.recordings.streaming.length, MAX_STREAMING_RECORDINGS);
  } finally {
    socket.destroy();
    await app.stop();
    sockets.remove();
  }
});
