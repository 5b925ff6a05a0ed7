import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT } from './helpers/control.js';
import { bt2Read } from './helpers/judges.js';

test('run --record starts the app with the control server and records from its first line to its last', async () => {
  const sockets = makeSocketDir();
  const dir = join(sockets.dir, '..', 'boot');
  try {
    const app = join(ROOT, 'test/fixtures/control-boot-app.ts');
    const result = await cli(sockets.dir, [
      'run',
      '--record',
      'boot:*',
      '-o',
      dir,
      '--',
      process.execPath,
      '--import',
      'tsx',
      app,
    ]);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stderr, /recorded \d+ events/);
    const read = bt2Read(dir);
    assert.equal(read.status, 0, read.stderr);
    const events = read.messages.flatMap((m) => (m.type === 'event' ? [m] : []));
    assert.equal(events[0]?.name, 'boot:start');
    assert.equal(events.filter((e) => e.name === 'boot:tick').length, 50);
    // Fired just before process.exit: the exiting main thread waits for it to be drained.
    assert.equal(events.at(-1)?.name, 'boot:last');

    const plain = await cli(sockets.dir, ['run', '--', process.execPath, '-e', 'process.exit(3)']);
    assert.equal(plain.code, 3, plain.stderr);
  } finally {
    sockets.remove();
  }
});
