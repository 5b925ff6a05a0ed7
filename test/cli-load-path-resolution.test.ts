/**
 * `markers load FILE` resolves FILE from the CLI's directory, and a missing
 * file says so, naming that directory (not the target's).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cli, makeSocketDir, REGISTER, ROOT, startApp } from './helpers/control.js';

// tsx by path: the target runs in a directory with no node_modules.
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

test('a missing probe module names the directory it was resolved from: the CLI one', async () => {
  const sockets = makeSocketDir();
  const elsewhere = mkdtempSync(join(tmpdir(), 'markers-target-cwd-'));
  const app = await startApp(sockets.dir, [], {
    cwd: elsewhere,
    nodeArgs: ['--import', TSX, '--import', REGISTER],
  });
  try {
    const r = await cli(sockets.dir, ['load', 'nothere.mjs']);
    assert.equal(r.code, 1);
    const cwd = ROOT.replace(/\/$/, '');
    assert.match(r.stderr, /^markers: ERR_PROBE_MODULE_NOT_FOUND: /m);
    assert.ok(
      r.stderr.includes(`probe module ${cwd}/nothere.mjs does not exist`) &&
        r.stderr.includes(`"nothere.mjs" was resolved from this command's directory, ${cwd}`),
      r.stderr,
    );
    assert.ok(!r.stderr.includes(elsewhere), 'the target directory is not where FILE was resolved');
  } finally {
    await app.stop();
    rmSync(elsewhere, { recursive: true, force: true });
    sockets.remove();
  }
});
