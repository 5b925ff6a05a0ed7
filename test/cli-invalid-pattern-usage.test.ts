/**
 * An invalid pattern is wrong usage, exit 2 with ERR_INVALID_PATTERN, in
 * every command that takes patterns, and nothing is started or created.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp } from './helpers/control.js';

test('list, enable, disable, record and tail refuse an invalid pattern with exit 2', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir);
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const list = await cli(sockets.dir, ['list', 'cache']);
    assert.equal(list.code, 2, list.stderr);
    assert.match(list.stderr, /^markers list: ERR_INVALID_PATTERN: /m);
    assert.match(list.stderr, /did you mean "cache:\*" or "\*:cache"\?/);
    assert.match(list.stderr, /^Usage: markers list/m);
    for (const args of [
      ['enable', 'app:*', 'bad pattern'],
      ['disable', 'x'],
      ['record', 'cache', '-o', dir, '--duration', '1s'],
      ['tail', 'a:b:c?', '--duration', '1s'],
      ['run', '--record', 'nope', '--', process.execPath, '-e', ''],
    ]) {
      const r = await cli(sockets.dir, args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /ERR_INVALID_PATTERN/, args.join(' '));
    }
    assert.equal(existsSync(dir), false, 'record made its directory for an invalid pattern');
  } finally {
    await app.stop();
    sockets.remove();
  }
});
