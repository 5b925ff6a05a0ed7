// The control server's two stages (src/control/listen.ts): until a first
// contact, or the application's first worker thread, the process holds only
// the doorbell socket; the control worker then takes the same path over.
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { ControlClient } from '../src/control/client.js';
import { controlWorkerStarted } from '../src/control/peer.js';
import { makeSocketDir, startApp, waitUntil } from './helpers/control.js';

/** Writes `line`, collects every line until the server closes the connection. */
function exchangeUntilClose(path: string, line: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown),
      ),
    );
    socket.write(line);
  });
}

/** Writes `line`, resolves with the first line that comes back. */
function firstReply(path: string, line: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) {
        socket.destroy();
        resolve(JSON.parse(text.slice(0, end)));
      }
    });
    socket.on('error', reject);
    socket.write(line);
  });
}

test('the doorbell answers the first connection with "moved" and runs nothing; the worker serves every later one', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  const path = join(sockets.dir, `${app.pid}.sock`);
  try {
    assert.equal(controlWorkerStarted(path, app.pid), false, 'no worker before any contact');
    const first = await exchangeUntilClose(path, '{"v":1,"id":1,"cmd":"info"}\n');
    // `working` lines (id null) while the worker starts, then `moved`, then the close.
    assert.deepEqual(first[first.length - 1], { v: 1, id: null, event: 'moved' });
    for (const line of first.slice(0, -1)) {
      assert.deepEqual(line, { v: 1, id: null, event: 'working' });
    }
    assert.equal(controlWorkerStarted(path, app.pid), true);
    // The same path now reaches the worker, which answers.
    const reply = (await firstReply(path, '{"v":1,"id":7,"cmd":"info"}\n')) as {
      id: number;
      ok: boolean;
      result: { pid: number };
    };
    assert.deepEqual([reply.id, reply.ok, reply.result.pid], [7, true, app.pid]);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('a client whose first requests reach the doorbell connects again and gets every answer', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  const path = join(sockets.dir, `${app.pid}.sock`);
  try {
    const client = await ControlClient.connect(path, app.pid, { replyTimeoutMs: 60_000 });
    try {
      // Pipelined before any answer: both are sent again to the worker, in order.
      const [info, list] = await Promise.all([client.request('info'), client.request('list')]);
      assert.equal(info.pid, app.pid);
      assert.ok(list.markers.some((m) => m.name.startsWith('app:')));
    } finally {
      client.close();
    }
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test("the application's first worker thread starts the control worker, with no contact", async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1']);
  const path = join(sockets.dir, `${app.pid}.sock`);
  try {
    await waitUntil(
      () => (controlWorkerStarted(path, app.pid) === true ? true : undefined),
      'the control worker',
    );
  } finally {
    await app.stop();
    sockets.remove();
  }
});
