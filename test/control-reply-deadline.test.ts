// The CLI's reply deadline (--reply-timeout): a target that accepted the
// connection but sends nothing fails the command with ERR_TARGET_UNRESPONSIVE
// saying why, instead of waiting until killed; a target busy with a long
// command keeps the client waiting through its `working` keepalives.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';

test('list and ps against a stopped target end with ERR_TARGET_UNRESPONSIVE, saying it is stopped', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  try {
    // The control worker runs (a first contact), so only the stop keeps it silent.
    const first = await cli(sockets.dir, ['list', '--json']);
    assert.equal(first.code, 0, first.stderr);
    process.kill(app.pid, 'SIGSTOP');
    try {
      const list = await cli(sockets.dir, ['list', '--reply-timeout', '1000']);
      assert.equal(list.code, 1, list.stderr);
      assert.match(list.stderr, /ERR_TARGET_UNRESPONSIVE/);
      assert.match(list.stderr, /stopped/);
      assert.match(list.stderr, new RegExp(`kill -CONT ${app.pid}`));

      const ps = await cli(sockets.dir, ['ps', '--json', '--reply-timeout', '1000']);
      assert.equal(ps.code, 0, ps.stderr);
      const rows = lastJson<{ processes: { pid: number; error?: { code: string } }[] }>(ps);
      assert.deepEqual(
        rows.processes.map((r) => [r.pid, r.error?.code]),
        [[app.pid, 'ERR_TARGET_UNRESPONSIVE']],
      );
    } finally {
      process.kill(app.pid, 'SIGCONT');
    }
    const again = await cli(sockets.dir, ['list', '--json']);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('--reply-timeout takes milliseconds; anything else is a usage error', async () => {
  const sockets = makeSocketDir();
  try {
    for (const bad of ['x', '0', '-5']) {
      const result = await cli(sockets.dir, ['list', `--reply-timeout=${bad}`]);
      assert.equal(result.code, 2, `${bad}: ${result.stderr}`);
      assert.match(result.stderr, /--reply-timeout expects milliseconds/);
    }
  } finally {
    sockets.remove();
  }
});

test('a main thread blocked before any contact: ERR_TARGET_UNRESPONSIVE names it; once it unblocks, the same command answers', async () => {
  const sockets = makeSocketDir();
  const release = join(sockets.dir, '..', 'release');
  // One thread only, and nothing has contacted it: no control worker runs yet.
  const app = await startApp(sockets.dir, [`release=${release}`]);
  try {
    app.send('spin\n');
    await app.waitFor('spinning');
    const blocked = await cli(sockets.dir, ['list', '--reply-timeout', '1500']);
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.match(blocked.stderr, /ERR_TARGET_UNRESPONSIVE/);
    assert.match(blocked.stderr, /main thread did not answer; it may be blocked/);
    writeFileSync(release, '');
    await app.waitFor('unblocked');
    const list = await cli(sockets.dir, ['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const names = lastJson<{ markers: { name: string }[] }>(list).markers.map((m) => m.name);
    assert.ok(names.includes('app:tick'), names.join(', '));
  } finally {
    if (!existsSync(release)) writeFileSync(release, '');
    await app.stop();
    sockets.remove();
  }
});

test('a command that outlasts --reply-timeout is kept alive by the server while it runs', async () => {
  const sockets = makeSocketDir();
  const release = join(sockets.dir, '..', 'release');
  const app = await startApp(sockets.dir, [`release=${release}`]);
  try {
    await cli(sockets.dir, ['list', '--json']);
    app.send('spin\n');
    await app.waitFor('spinning');
    // Each thread may take 3× the reply deadline: the `working` keepalives
    // (one a second) carry the client through, and the main thread times out.
    const list = await cli(sockets.dir, [
      'list',
      '--json',
      '--timeout',
      '6000',
      '--reply-timeout',
      '2000',
    ]);
    assert.equal(list.code, 0, list.stderr);
    const threads = lastJson<{ threads: { thread: { id: number }; error?: { code: string } }[] }>(
      list,
    ).threads;
    assert.deepEqual(
      threads.map((t) => [t.thread.id, t.error?.code]),
      [[0, 'ERR_THREAD_TIMEOUT']],
    );
  } finally {
    writeFileSync(release, '');
    await app.stop();
    sockets.remove();
  }
});
