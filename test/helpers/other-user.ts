// A real second user for the attack tests: created once (idempotently) with
// useradd, and used through runuser, as root in CI. Without root the tests
// that need it are skipped, with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OTHER_USER = 'markers-test-other';

export interface OtherUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** The command prefix that runs what follows as this user. */
  readonly prefix: readonly string[];
}

function lookup(): OtherUser | undefined {
  const id = spawnSync('id', ['-u', OTHER_USER], { encoding: 'utf8' });
  if (id.status !== 0) return undefined;
  const gid = spawnSync('id', ['-g', OTHER_USER], { encoding: 'utf8' });
  return {
    name: OTHER_USER,
    uid: Number(id.stdout.trim()),
    gid: Number(gid.stdout.trim()),
    prefix: ['runuser', '-u', OTHER_USER, '--'],
  };
}

/** The second user, created if missing; or why the test must be skipped. */
export function otherUser(): OtherUser | string {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'needs root: it creates a second user (useradd) and acts as it (runuser)';
  }
  const found = lookup();
  if (found !== undefined) return found;
  // Exit 9: created meanwhile by a test running in parallel; fine.
  const made = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER],
    { encoding: 'utf8' },
  );
  const user = lookup();
  if (user === undefined) return `useradd ${OTHER_USER} failed: ${made.stderr}`;
  return user;
}

/**
 * A world-writable sticky directory, as /tmp is, to stand in for /tmp (as
 * TMPDIR) so that squatting can be shown without touching the real /tmp.
 */
export function stickyTmp(): { dir: string; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), 'markers-sticky-'));
  chmodSync(base, 0o755);
  const dir = join(base, 'tmp');
  mkdirSync(dir);
  chmodSync(dir, 0o1777);
  return { dir, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** The environment of a process that must find the socket directory by itself (no test override). */
export function defaultLocations(tmp: string): NodeJS.ProcessEnv {
  return { MARKERS_SOCKET_DIR: undefined, XDG_RUNTIME_DIR: undefined, TMPDIR: tmp };
}

/** Runs `argv` as the other user and waits for it: for setting a trap (mkdir, chmod). */
export function runAs(user: OtherUser, argv: readonly string[]): void {
  execFileSync(user.prefix[0] as string, [...user.prefix.slice(1), ...argv], { stdio: 'pipe' });
}
