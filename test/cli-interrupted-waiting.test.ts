// A target that answers nothing (stopped with SIGSTOP, as under a debugger)
// must not trap the user: Ctrl-C or SIGTERM ends a command that does not run
// until interrupted, with one coded line and exit 130, and leaves the target
// as it was.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, makeSocketDir, startApp, waitUntil } from './helpers/control.js';

/**
 * Connections to the Unix socket at `path`, from /proc/net/unix: each one's
 * server end carries the listener's path too (accepted or still in its
 * backlog), so the listener itself is the one entry in state LISTEN (01).
 */
function connectionsTo(path: string): number {
  let count = 0;
  for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path
    if (fields[7] === path && fields[5] !== '01') count++;
  }
  return count;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} ends markers list waiting on a stopped target: exit 130, ERR_INTERRUPTED`, {
    timeout: 60_000,
  }, async () => {
    const sockets = makeSocketDir();
    const app = await startApp(sockets.dir, []);
    try {
      app.child.kill('SIGSTOP');
      let out = '';
      const listing = cli(sockets.dir, ['list', '-p', String(app.pid)], {
        onStdout: (text) => {
          out += text;
        },
      });
      // Connected and waiting: the socket accepts (the kernel's backlog) but
      // nobody answers. Signal only once the connection is there: before it,
      // a CLI that a loaded machine has not even started yet would be killed
      // by the default action instead of answering the signal.
      await waitUntil(
        () => (connectionsTo(join(sockets.dir, `${app.pid}.sock`)) > 0 ? true : undefined),
        'the CLI to connect to the stopped target',
      );
      assert.equal(listing.child.exitCode, null, 'still waiting on the stopped target');
      listing.child.kill(signal);
      const result = await listing;
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /^markers list: ERR_INTERRUPTED: /);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(out, '');
      // The target goes on once continued, and answers again.
      app.child.kill('SIGCONT');
      const listed = await waitUntil(async () => {
        const r = await cli(sockets.dir, ['list', '-p', String(app.pid)]);
        return r.code === 0 ? r : undefined;
      }, 'the continued target to answer');
      assert.match(listed.stdout, /app:tick/);
    } finally {
      app.child.kill('SIGCONT');
      await app.stop();
      sockets.remove();
    }
  });
}
