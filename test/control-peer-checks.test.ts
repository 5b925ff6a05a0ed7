// Who is on the other end of a control socket. The CLI checks who is
// listening before it sends anything (the socket file's owner, and on Linux
// the process holding the listening socket); the target re-checks at each
// connection that its directory still lets only its user (or root) in.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { otherUser } from './helpers/other-user.js';

const HOSTILE = join(ROOT, 'test/fixtures/hostile-control-server.ts');
const user = otherUser();
const skip = typeof user === 'string' ? user : false;

test('a socket owned by another user than its directory is refused before connecting', {
  skip,
}, async () => {
  if (typeof user === 'string') return;
  const sockets = makeSocketDir();
  mkdirSync(sockets.dir, { mode: 0o700 });
  const fake = await startApp(sockets.dir, ['valid'], {
    script: HOSTILE,
    nodeArgs: ['--import', 'tsx'],
  });
  try {
    chownSync(join(sockets.dir, `${fake.pid}.sock`), user.uid, user.gid);
    const result = await cli(sockets.dir, ['list', '-p', String(fake.pid)]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /^markers: ERR_UNTRUSTED_TARGET: .*is owned by uid \d+, not by uid 0/,
    );
    assert.doesNotMatch(fake.output(), /connection/);
  } finally {
    await fake.stop();
    sockets.remove();
  }
});

test('a socket named after a process that does not hold it is refused before connecting', async () => {
  const sockets = makeSocketDir();
  mkdirSync(sockets.dir, { mode: 0o700 });
  // A live process of this user that has nothing to do with markers...
  const bystander = spawn('sleep', ['600'], { stdio: 'ignore' });
  const pid = bystander.pid as number;
  // ...and a fake server listening under its name.
  const fake = await startApp(sockets.dir, ['valid', join(sockets.dir, `${pid}.sock`)], {
    script: HOSTILE,
    nodeArgs: ['--import', 'tsx'],
  });
  try {
    const result = await cli(sockets.dir, ['list', '-p', String(pid)]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`^markers: ERR_UNTRUSTED_TARGET: .*not held by process ${pid}`),
    );
    assert.doesNotMatch(fake.output(), /connection/);
  } finally {
    bystander.kill();
    await fake.stop();
    sockets.remove();
  }
});

/** Connects as `prefix` (another user), sends `info`, and returns the first line or the error code. */
function connectAs(prefix: readonly string[], path: string): Promise<string> {
  const script = `const s = require('node:net').connect(process.argv[1]);
let got = '';
s.on('data', (d) => { got += d; if (got.includes('\\n')) { console.log(got.split('\\n')[0]); process.exit(0); } });
s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });
s.on('close', () => { console.log(got === '' ? 'closed' : got); process.exit(0); });
s.write(JSON.stringify({ v: 1, id: 1, cmd: 'info' }) + '\\n');`;
  const child = spawn(
    prefix[0] as string,
    [...prefix.slice(1), process.execPath, '-e', script, path],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.once('close', () => resolve(out.trim())));
}

test('once its directory is no longer private, the target refuses connections, another user included', {
  skip,
}, async () => {
  if (typeof user === 'string') return;
  const sockets = makeSocketDir();
  chmodSync(dirname(sockets.dir), 0o755);
  const app = await startApp(sockets.dir);
  const path = join(sockets.dir, `${app.pid}.sock`);
  try {
    // Private: the kernel keeps the other user out.
    assert.equal(await connectAs(user.prefix, path), 'error EACCES');
    // Loosened (by mistake, or by a tool): the target itself refuses.
    chmodSync(sockets.dir, 0o755);
    chmodSync(path, 0o666);
    const refused = JSON.parse(await connectAs(user.prefix, path)) as {
      id: null;
      ok: boolean;
      error: { code: string };
    };
    assert.deepEqual(
      [refused.id, refused.ok, refused.error.code],
      [null, false, 'ERR_UNSAFE_SOCKET_DIR'],
    );
    const mine = await cli(sockets.dir, ['list', '-p', String(app.pid)], {
      env: { MARKERS_SOCKET_DIR: sockets.dir },
    });
    assert.equal(mine.code, 1);
    // Private again: the owner gets in.
    chmodSync(sockets.dir, 0o700);
    chmodSync(path, 0o600);
    const again = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await app.stop();
    sockets.remove();
  }
});
