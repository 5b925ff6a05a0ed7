// `markers run --record` as root, with the usual socket directory squatted by
// another user who also listens there, as the app's socket, with a hostile
// fake server: root's CLI must connect only through the checked directories,
// so the fake never gets a connection and nothing is written outside -o.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import {
  type App,
  childPid,
  cli,
  lastJson,
  makeSocketDir,
  ROOT,
  startApp,
  waitUntil,
} from './helpers/control.js';
import { defaultLocations, otherUser, runAs, stickyTmp } from './helpers/other-user.js';

const user = otherUser();
// With a runtime directory of its own (which no other user can create), root never uses tmp.
const skip =
  typeof user === 'string'
    ? user
    : existsSync('/run/user/0')
      ? 'root has /run/user/0, so its socket directory is never in tmp, where squatting happens'
      : false;
const HOSTILE = join(ROOT, 'test/fixtures/hostile-control-server.ts');
const APP = join(ROOT, 'test/fixtures/run-until-file.ts');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('run --record never trusts a squatted socket directory, nor a socket another user put there', {
  skip,
}, async () => {
  if (typeof user === 'string') return;
  const tmp = stickyTmp();
  const unused = makeSocketDir();
  const squatted = join(tmp.dir, 'markers-0');
  runAs(user, ['mkdir', '-m', '777', squatted]);
  const out = join(tmp.dir, '..', 'case', 'a', 'b', 'out');
  const release = join(tmp.dir, '..', 'release');
  const env = defaultLocations(tmp.dir);
  const run = cli(
    unused.dir,
    [
      'run',
      '--record',
      'app:*',
      '-o',
      out,
      '--',
      process.execPath,
      '--import',
      'tsx',
      APP,
      release,
    ],
    { env },
  );
  let trap: App | undefined;
  try {
    const appPid = await waitUntil(() => childPid(run.child.pid), 'the application to start');
    // The attacker binds <squatted>/<app pid>.sock, as soon as it learns the PID.
    trap = await startApp(unused.dir, ['stream-id-relative', join(squatted, `${appPid}.sock`)], {
      script: HOSTILE,
      nodeArgs: ['--import', 'tsx'],
      prefix: user.prefix,
      env,
    });
    // With the trap set, root's ps still reaches the real application, not the trap.
    const row = await waitUntil(async () => {
      const ps = await cli(unused.dir, ['ps', '--json'], { env });
      type Rows = { processes: { pid: number; info?: { command: string } }[] };
      return ps.code === 0 ? lastJson<Rows>(ps).processes.find((p) => p.pid === appPid) : undefined;
    }, 'ps to list the application');
    assert.match(row.info?.command ?? '', /run-until-file/);
    writeFileSync(release, '');
    const result = await run;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /recorded \d+ events/);
    assert.doesNotMatch(trap.output(), /connection/, 'root connected to the squatter');
    for (const file of filesUnder(join(tmp.dir, '..', 'case'))) {
      assert.ok(!relative(out, file).startsWith('..'), `written outside -o: ${file}`);
    }
    assert.ok(existsSync(join(out, 'metadata')));
  } finally {
    writeFileSync(release, '');
    await run;
    await trap?.stop();
    unused.remove();
    tmp.remove();
  }
});
