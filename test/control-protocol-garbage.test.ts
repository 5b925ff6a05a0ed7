import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp, wakeControl } from './helpers/control.js';

/** Writes raw bytes to the socket and collects the reply lines until `count` arrived. */
function exchange(path: string, bytes: Buffer | string, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`only got: ${text}`));
    }, 30_000);
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const lines = text.split('\n').filter((l) => l !== '');
      if (lines.length >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(lines.map((l) => JSON.parse(l)));
      }
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

test('garbage, oversized lines, unknown versions and commands get error replies; the target stays controllable', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  // Raw bytes go to the control worker, not to the doorbell before it.
  await wakeControl(sockets.dir, app.pid);
  const path = join(sockets.dir, `${app.pid}.sock`);
  try {
    const codes = (replies: unknown[]): unknown[] =>
      replies.map((r) => (r as { error?: { code: string } }).error?.code);

    const garbage = Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x0a, 0x01, 0x02]);
    assert.deepEqual(codes(await exchange(path, Buffer.concat([garbage, Buffer.from('\n')]), 2)), [
      'ERR_PROTOCOL',
      'ERR_PROTOCOL',
    ]);

    const huge = `{"v":1,"id":1,"cmd":"list","args":{"pad":"${'x'.repeat(2 << 20)}"}}\n{"v":1,"id":2,"cmd":"info"}\n`;
    const afterHuge = (await exchange(path, huge, 2)) as { id: number | null; ok: boolean }[];
    assert.equal(codes(afterHuge)[0], 'ERR_PROTOCOL');
    assert.deepEqual([afterHuge[1]?.id, afterHuge[1]?.ok], [2, true]);

    const mixed = [
      '{"v":99,"id":3,"cmd":"info"}',
      '{"v":1,"id":4,"cmd":"format-disk"}',
      '[1,2,3]',
      '{"v":1,"id":"x","cmd":"info"}',
      '{"v":1,"id":5,"cmd":"list","args":7}',
    ].join('\n');
    assert.deepEqual(codes(await exchange(path, `${mixed}\n`, 5)), [
      'ERR_PROTOCOL_VERSION',
      'ERR_UNKNOWN_COMMAND',
      'ERR_PROTOCOL',
      'ERR_PROTOCOL',
      'ERR_PROTOCOL',
    ]);

    // A partial message, then the client goes away mid-line.
    await new Promise<void>((resolve) => {
      const socket = createConnection(path, () => {
        socket.end('{"v":1,"id":9,"cmd":"li');
        socket.on('close', () => resolve());
      });
    });

    const result = await cli(sockets.dir, ['list', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(lastJson<{ markers: unknown[] }>(result).markers.length > 0);
    assert.equal(app.child.exitCode, null);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
