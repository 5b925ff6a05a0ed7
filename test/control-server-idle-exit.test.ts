import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeSocketDir, REGISTER, ROOT, WAIT_MS } from './helpers/control.js';

test('the control server keeps no process alive, and the socket is removed on exit', async () => {
  const sockets = makeSocketDir();
  try {
    // The script checks its own socket exists, then has nothing left to do: it must exit by itself.
    const script = `
      const fs = require('node:fs');
      const path = require('node:path').join(process.env.MARKERS_SOCKET_DIR, process.pid + '.sock');
      console.log(fs.existsSync(path) ? 'socket-present' : 'socket-missing');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', REGISTER, '-e', script], {
      cwd: ROOT,
      env: { ...process.env, MARKERS_SOCKET_DIR: sockets.dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(timer);
    assert.deepEqual([code, signal], [0, null]);
    assert.equal(out.trim(), 'socket-present');
    assert.equal(existsSync(join(sockets.dir, `${child.pid}.sock`)), false);
  } finally {
    sockets.remove();
  }
});
