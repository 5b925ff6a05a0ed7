import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';

function code(stderr: string): string | undefined {
  return /^markers: (ERR_[A-Z_]+):/m.exec(stderr)?.[1];
}

test('bad targets: none, unknown PID, dead PID, uninstrumented PID, several, malformed -p', async () => {
  const sockets = makeSocketDir();
  try {
    const none = await cli(sockets.dir, ['list']);
    assert.deepEqual([none.code, code(none.stderr)], [1, 'ERR_NO_TARGET']);

    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const gone = await cli(sockets.dir, ['stats', '-p', String(dead)]);
    assert.deepEqual([gone.code, code(gone.stderr)], [1, 'ERR_NO_TARGET']);

    const a = await startApp(sockets.dir);
    const b = await startApp(sockets.dir);
    try {
      // This test process is alive but has no control server.
      const plain = await cli(sockets.dir, ['list', '-p', String(process.pid)]);
      assert.deepEqual([plain.code, code(plain.stderr)], [1, 'ERR_NO_TARGET']);

      const several = await cli(sockets.dir, ['list']);
      assert.deepEqual([several.code, code(several.stderr)], [1, 'ERR_AMBIGUOUS_TARGET']);
      assert.match(several.stderr, new RegExp(`${a.pid}.*${b.pid}|${b.pid}.*${a.pid}`));

      // -p takes names too: one that names no process is a bad target, not bad usage.
      const unnamed = await cli(sockets.dir, ['list', '-p', 'abc']);
      assert.deepEqual([unnamed.code, code(unnamed.stderr)], [1, 'ERR_NO_TARGET']);
      const usage = await cli(sockets.dir, ['list', '-p', '0']);
      assert.equal(usage.code, 2);

      const chosen = await cli(sockets.dir, ['list', '-p', String(b.pid), '--json']);
      assert.equal(chosen.code, 0, chosen.stderr);
    } finally {
      await a.stop();
      await b.stop();
    }
  } finally {
    sockets.remove();
  }
});
