// Root reaches every user's instrumented processes, as ptrace lets it: a target
// run as a real second user, in its usual socket directory (<tmp>/markers-<uid>),
// is listed by root's `markers ps` and answers root's list, stats and record.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp } from './helpers/control.js';
import { defaultLocations, otherUser, stickyTmp } from './helpers/other-user.js';

const user = otherUser();

test('root lists, inspects and records a process of another user', {
  skip: typeof user === 'string' ? user : false,
}, async () => {
  if (typeof user === 'string') return;
  const tmp = stickyTmp();
  const unused = makeSocketDir();
  const env = defaultLocations(tmp.dir);
  const app = await startApp(unused.dir, ['fire'], { prefix: user.prefix, env });
  try {
    const dir = join(tmp.dir, `markers-${user.uid}`);
    assert.equal(statSync(dir).uid, user.uid, 'the target made its own directory');
    assert.ok(existsSync(join(dir, `${app.pid}.sock`)), app.output());

    const ps = await cli(unused.dir, ['ps', '--json'], { env });
    assert.equal(ps.code, 0, ps.stderr);
    const rows = lastJson<{ processes: { pid: number; info?: { threads: unknown[] } }[] }>(
      ps,
    ).processes;
    assert.ok(rows.find((r) => r.pid === app.pid)?.info !== undefined, ps.stdout);

    const list = await cli(unused.dir, ['list', '-p', String(app.pid), '--json'], { env });
    assert.equal(list.code, 0, list.stderr);
    const names = lastJson<{ markers: { name: string }[] }>(list).markers.map((m) => m.name);
    assert.ok(names.includes('app:tick'), list.stdout);

    const stats = await cli(unused.dir, ['stats', '-p', String(app.pid), '--json'], { env });
    assert.equal(stats.code, 0, stats.stderr);

    const out = join(tmp.dir, '..', 'trace');
    const record = await cli(
      unused.dir,
      ['record', '-p', String(app.pid), 'app:*', '-o', out, '--duration', '1s', '--json'],
      { env },
    );
    assert.equal(record.code, 0, record.stderr);
    assert.ok(lastJson<{ events: number }>(record).events > 0, record.stdout);
  } finally {
    await app.stop();
    unused.remove();
    tmp.remove();
  }
});
