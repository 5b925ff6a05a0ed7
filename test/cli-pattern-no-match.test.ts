/**
 * A pattern that matches no marker in any thread is said at once, with the
 * closest names, and exits 1 (ERR_NO_MATCH); --later waits for markers
 * declared later instead.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';

test('record, tail, enable and list refuse a pattern that matches nothing, with a suggestion', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['fire']);
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const record = await cli(sockets.dir, ['record', 'ap:*', '-o', dir, '--duration', '2s']);
    assert.equal(record.code, 1, record.stderr);
    assert.match(
      record.stderr,
      /^markers: ERR_NO_MATCH: "ap:\*" matches no marker in any thread of process \d+; did you mean "app:\*"\?/m,
    );
    assert.doesNotMatch(record.stdout, /recorded/);
    assert.equal(existsSync(dir), false, 'record made its directory for nothing');

    // A typo in an exact name; tail answers at once instead of waiting forever.
    const tail = await cli(sockets.dir, ['tail', 'app:tik']);
    assert.equal(tail.code, 1, tail.stderr);
    assert.match(tail.stderr, /ERR_NO_MATCH: "app:tik" .*did you mean "app:tick"\?/);

    const enable = await cli(sockets.dir, ['enable', 'app:*', 'nomatch:*']);
    assert.equal(enable.code, 1, enable.stderr);
    assert.match(enable.stderr, /ERR_NO_MATCH: "nomatch:\*"/);

    const list = await cli(sockets.dir, ['list', 'app:requst', '--json']);
    assert.equal(list.code, 1, list.stderr);
    const error = lastJson<{ error: { code: string; message: string } }>(list).error;
    assert.equal(error.code, 'ERR_NO_MATCH');
    assert.match(error.message, /did you mean "app:request"\?/);
  } finally {
    await app.stop();
    sockets.remove();
  }
});

test('with --later, a pattern that matches nothing yet is a notice and the command runs', async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['fire']);
  const dir = join(sockets.dir, '..', 'trace');
  try {
    const record = await cli(sockets.dir, [
      'record',
      'app:tick',
      'later:*',
      '-o',
      dir,
      '--duration',
      '1s',
      '--later',
    ]);
    assert.equal(record.code, 0, record.stderr);
    assert.match(record.stderr, /"later:\*" matches no marker .*waiting for it: --later/);
    assert.match(record.stdout, /^recorded \d+ events/m);
    assert.ok(existsSync(join(dir, 'metadata')));
  } finally {
    await app.stop();
    sockets.remove();
  }
});
