// Another user who creates <tmp>/markers-<uid> first cannot disable a user's
// control server: the target listens in an unpredictable fallback directory,
// warns with what to do, and the CLI finds it there; the squatted directory is
// never trusted.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';
import { defaultLocations, otherUser, runAs, stickyTmp } from './helpers/other-user.js';

const user = otherUser();
// With a runtime directory of its own (which no other user can create), root never uses tmp.
const skip =
  typeof user === 'string'
    ? user
    : existsSync('/run/user/0')
      ? 'root has /run/user/0, so its socket directory is never in tmp, where squatting happens'
      : false;

for (const mode of ['777', '700']) {
  test(`a directory squatted by another user (mode ${mode}) does not stop the control server`, {
    skip,
  }, async () => {
    if (typeof user === 'string') return;
    const tmp = stickyTmp();
    const unused = makeSocketDir();
    const squatted = join(tmp.dir, 'markers-0');
    runAs(user, ['mkdir', '-m', mode, squatted]);
    const env = defaultLocations(tmp.dir);
    const app = await startApp(unused.dir, [], { env });
    try {
      await app.waitFor('ERR_UNSAFE_SOCKET_DIR');
      const output = app.output();
      assert.match(output, new RegExp(`${squatted} is owned by uid ${user.uid}`));
      assert.match(output, /listens in \S+markers-0-[A-Za-z0-9]{6} instead/);
      assert.match(output, /have root remove/);
      const fallback = readdirSync(tmp.dir).filter((n) => /^markers-0-[A-Za-z0-9]{6}$/.test(n));
      assert.equal(fallback.length, 1);
      const dir = join(tmp.dir, fallback[0] as string);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.deepEqual(readdirSync(dir), [`${app.pid}.sock`]);

      const ps = await cli(unused.dir, ['ps', '--json'], { env });
      assert.equal(ps.code, 0, ps.stderr);
      const pids = lastJson<{ processes: { pid: number }[] }>(ps).processes.map((p) => p.pid);
      assert.ok(pids.includes(app.pid), ps.stdout);
      const list = await cli(unused.dir, ['list', '-p', String(app.pid)], { env });
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /app:tick/);
    } finally {
      await app.stop();
      unused.remove();
      tmp.remove();
    }
  });
}
