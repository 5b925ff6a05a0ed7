import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, hasStreamData, makeSocketDir, startApp, waitUntil } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';

test('when the target dies mid-record, the CLI writes a valid trace of what arrived and exits 1', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1', 'fire']);
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const recording = cli(sockets.dir, ['record', '*', '-o', dir]);
    // `*` also records Node's own channels (the catalogue) in every thread: wait
    // for the main thread's packets, whose app:tick events the test looks for.
    await waitUntil(() => hasStreamData(dir, 'main'), "the main thread's first packets on disk");
    app.child.kill('SIGKILL');
    const result = await recording;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^markers: ERR_TARGET_EXITED: /m);
    // No -p was given: the message still names the process.
    assert.match(result.stderr, new RegExp(`process ${app.pid} exited during the recording`));

    const read = bt2Read(dir);
    assert.equal(read.status, 0, read.stderr);
    assert.ok(read.messages.some((m) => m.type === 'event' && m.name === 'app:tick'));
  } finally {
    await app.stop();
    sockets.remove();
  }
});
