/** A record that cannot start (no target) leaves no output directory behind. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir } from './helpers/control.js';

test('record with ERR_NO_TARGET creates no output directory', async () => {
  const sockets = makeSocketDir();
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const r = await cli(sockets.dir, ['record', 'app:*', '-o', dir, '--duration', '1s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^markers: ERR_NO_TARGET: /m);
    assert.equal(existsSync(dir), false);
  } finally {
    sockets.remove();
  }
});
