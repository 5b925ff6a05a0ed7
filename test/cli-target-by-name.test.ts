/**
 * -p takes a name as well as a PID: the script's name (with or without its
 * extension) or a part of the command line. Several matches are refused with
 * the list; so is a missing -p while several processes run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, ROOT, startApp } from './helpers/control.js';

test('-p NAME picks the process by script name, and lists the candidates when it cannot', async () => {
  const sockets = makeSocketDir();
  const one = await startApp(sockets.dir);
  const two = await startApp(sockets.dir, ['second']);
  const named = await startApp(sockets.dir, [], {
    script: join(ROOT, 'test/fixtures/named-app.ts'),
  });
  try {
    for (const name of ['named-app', 'named-app.ts']) {
      const r = await cli(sockets.dir, ['list', '-p', name, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const names = lastJson<{ markers: { name: string }[] }>(r).markers.map((m) => m.name);
      assert.ok(names.includes('named:only'), `-p ${name} reached ${names.join(', ')}`);
    }
    // A part of the command line, when no script has that name.
    const second = await cli(sockets.dir, ['list', '-p', 'second', '--json']);
    assert.equal(second.code, 0, second.stderr);

    const ambiguous = await cli(sockets.dir, ['list', '-p', 'control-app']);
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /^markers: ERR_AMBIGUOUS_TARGET: -p control-app matches 2/m);
    assert.match(ambiguous.stderr, new RegExp(`${one.pid} \\(.*control-app\\.ts\\)`));
    assert.match(ambiguous.stderr, new RegExp(`${two.pid} \\(.*control-app\\.ts second\\)`));

    const none = await cli(sockets.dir, ['list']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /ERR_AMBIGUOUS_TARGET: 3 instrumented processes run: /);
    assert.match(none.stderr, new RegExp(`${named.pid} \\(.*named-app\\.ts\\)`));
    assert.match(none.stderr, /choose one with -p PID or -p NAME/);

    const typo = await cli(sockets.dir, ['list', '-p', 'nmed-app']);
    assert.equal(typo.code, 1);
    assert.match(
      typo.stderr,
      /ERR_NO_TARGET: no instrumented process named "nmed-app"; did you mean "named-app"\?/,
    );
  } finally {
    await Promise.all([one.stop(), two.stop(), named.stop()]);
    sockets.remove();
  }
});
