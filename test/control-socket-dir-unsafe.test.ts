import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';

for (const [label, spoil] of [
  ['readable by group and others', (dir: string) => chmodSync(dir, 0o755)],
  ['owned by another user', (dir: string) => chownSync(dir, 65534, 65534)],
] as const) {
  test(`a socket directory ${label} is refused: the app runs without a server, the CLI exits 1`, async () => {
    const sockets = makeSocketDir();
    mkdirSync(sockets.dir, { recursive: true, mode: 0o700 });
    spoil(sockets.dir);
    const app = await startApp(sockets.dir);
    try {
      assert.match(app.output(), /ERR_UNSAFE_SOCKET_DIR/);
      assert.equal(existsSync(join(sockets.dir, `${app.pid}.sock`)), false);
      const result = await cli(sockets.dir, ['ps']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^markers: ERR_UNSAFE_SOCKET_DIR: /m);
    } finally {
      assert.equal(await app.stop(), 0);
      sockets.remove();
    }
  });
}
