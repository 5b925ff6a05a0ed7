import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';

interface PsRow {
  pid: number;
  info?: { pid: number; command: string; node: string; markers: string; threads: unknown[] };
}

test('ps lists a live instrumented process with its threads, and removes stale sockets', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=2']);
  try {
    assert.equal(statSync(sockets.dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(sockets.dir, `${app.pid}.sock`)).mode & 0o777, 0o600);
    // A socket left by a process that is gone: a real PID that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const stale = join(sockets.dir, `${dead}.sock`);
    writeFileSync(stale, '');

    const result = await cli(sockets.dir, ['ps', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const { processes } = lastJson<{ processes: PsRow[] }>(result);
    assert.deepEqual(
      processes.map((p) => p.pid),
      [app.pid],
    );
    const info = processes[0]?.info;
    assert.equal(info?.pid, app.pid);
    assert.equal(info?.node, process.version);
    assert.equal(info?.threads.length, 3);
    assert.match(info?.command ?? '', /control-app\.ts workers=2/);
    assert.equal(existsSync(stale), false);

    const human = await cli(sockets.dir, ['ps']);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`^${app.pid}\\s`, 'm'));
  } finally {
    await app.stop();
    sockets.remove();
  }
});
