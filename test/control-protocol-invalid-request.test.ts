// Requests the control server refuses: an invalid request id is answered with
// id null (never echoed), an unknown recording mode is an error (not taken as
// discard), and an error without a code travels as the documented
// ERR_HANDLER_FAILED.
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { toWireError } from '../src/abi/wire-error.js';
import { ErrorCode } from '../src/errors/markers-error.js';
import { makeSocketDir, startApp, wakeControl } from './helpers/control.js';

/** Sends lines on one connection and collects `count` replies. */
function exchange(
  path: string,
  lines: readonly string[],
  count: number,
): Promise<{ id: unknown; ok: boolean; error?: { code: string } }[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const got = text.split('\n').filter((l) => l !== '');
      if (got.length >= count) {
        socket.destroy();
        resolve(got.map((l) => JSON.parse(l)));
      }
    });
    socket.on('error', reject);
    socket.write(`${lines.join('\n')}\n`);
  });
}

test('invalid request ids are answered with null', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  // Raw bytes go to the control worker, not to the doorbell before it.
  await wakeControl(sockets.dir, app.pid);
  try {
    const path = join(sockets.dir, `${app.pid}.sock`);
    for (const id of ['1.5', '-3', '1e300', '4294967296']) {
      const [reply] = await exchange(path, [`{"v":1,"id":${id},"cmd":"info"}`], 1);
      assert.deepEqual(
        [reply?.id, reply?.ok, reply?.error?.code],
        [null, false, 'ERR_PROTOCOL'],
        `id ${id}`,
      );
    }
    // A valid id with another problem is still answered under that id.
    const [version] = await exchange(path, ['{"v":2,"id":9,"cmd":"info"}'], 1);
    assert.deepEqual([version?.id, version?.error?.code], [9, 'ERR_PROTOCOL_VERSION']);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('record and enable refuse a mode they do not know', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  // Raw bytes go to the control worker, not to the doorbell before it.
  await wakeControl(sockets.dir, app.pid);
  try {
    const path = join(sockets.dir, `${app.pid}.sock`);
    const replies = await exchange(
      path,
      [
        '{"v":1,"id":1,"cmd":"record","args":{"patterns":["*"],"mode":"nope"}}',
        '{"v":1,"id":2,"cmd":"enable","args":{"patterns":["*"],"mode":"discard"}}',
        '{"v":1,"id":3,"cmd":"record","args":{"patterns":["*"],"bufferSize":"big"}}',
      ],
      3,
    );
    const byId = new Map(replies.map((r) => [r.id, r]));
    for (const id of [1, 2, 3]) {
      assert.deepEqual(
        [byId.get(id)?.ok, byId.get(id)?.error?.code],
        [false, 'ERR_INVALID_ARGUMENT'],
        `request ${id}`,
      );
    }
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('an error without a code is sent as ERR_HANDLER_FAILED, a documented code', () => {
  assert.equal(ErrorCode.HANDLER_FAILED, 'ERR_HANDLER_FAILED');
  assert.equal(toWireError(new TypeError('x is not a function')).code, ErrorCode.HANDLER_FAILED);
  assert.equal(toWireError('a thrown string').code, ErrorCode.HANDLER_FAILED);
});

test('a timeoutMs that is not a number of milliseconds is refused, not replaced by the default; the server goes on', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  try {
    await wakeControl(sockets.dir, app.pid);
    const path = join(sockets.dir, `${app.pid}.sock`);
    const bad = ['"x"', '-1', '0', '1e9', 'null', '[]'];
    const lines = bad.flatMap((t, i) => [
      `{"v":1,"id":${10 + i},"cmd":"list","args":{"timeoutMs":${t}}}`,
      `{"v":1,"id":${20 + i},"cmd":"stats","args":{"timeoutMs":${t}}}`,
    ]);
    const replies = await exchange(
      path,
      [...lines, '{"v":1,"id":99,"cmd":"info"}'],
      lines.length + 1,
    );
    for (const reply of replies.filter((r) => r.id !== 99)) {
      assert.deepEqual(
        [reply.ok, reply.error?.code],
        [false, 'ERR_INVALID_ARGUMENT'],
        `request ${String(reply.id)}`,
      );
    }
    const info = replies.find((r) => r.id === 99);
    assert.equal(info?.ok, true);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
