import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markers } from './helpers/cli.js';

// markers run injects --import through NODE_OPTIONS, which only Node reads: on
// Bun or Deno the program would run without the control server, unnoticed.
for (const program of ['bun', '/opt/deno/bin/deno']) {
  test(`markers run -- ${program} is refused with ERR_UNSUPPORTED_RUNTIME, naming the start-up hook`, () => {
    const r = markers('run', '--', program, 'app.js');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /ERR_UNSUPPORTED_RUNTIME/);
    assert.match(r.stderr, /--preload/);
  });
}
