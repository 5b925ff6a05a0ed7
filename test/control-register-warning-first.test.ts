/**
 * A control server that cannot start is reported before the application's
 * first line, on every Node version: Node 22+ may run the application before
 * the tick on which process.emitWarning prints, and an application that
 * exits at once never showed the warning at all.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { makeSocketDir, REGISTER, ROOT } from './helpers/control.js';

test('the ERR_UNSAFE_SOCKET_DIR warning comes before the first line of an application that exits at once', () => {
  const sockets = makeSocketDir();
  try {
    mkdirSync(sockets.dir, { recursive: true, mode: 0o700 });
    chmodSync(sockets.dir, 0o755);
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        REGISTER,
        '-e',
        "process.stderr.write('first line\\n'); process.exit(0)",
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, MARKERS_SOCKET_DIR: sockets.dir },
        timeout: 120_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const warning = run.stderr.indexOf('[ERR_UNSAFE_SOCKET_DIR]');
    assert.ok(warning >= 0, run.stderr);
    assert.ok(warning < run.stderr.indexOf('first line'), run.stderr);
  } finally {
    sockets.remove();
  }
});
