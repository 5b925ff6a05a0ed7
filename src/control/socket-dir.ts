/**
 * Where control sockets live, and the checks that keep them private.
 *
 * The directory is per user: MARKERS_SOCKET_DIR when set (tests), else
 * $XDG_RUNTIME_DIR/markers when XDG_RUNTIME_DIR is set, else
 * /tmp/markers-<uid>. It is created mode 0700. An existing directory is used
 * only if it is a real directory (not a symlink) owned by this user with no
 * group or other access; anything else is ERR_UNSAFE_SOCKET_DIR, because
 * whoever can reach a socket can run code in the target (`markers load`).
 * Each process's socket is `<pid>.sock`, mode 0600.
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';

const SOCKET_SUFFIX = '.sock';

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

/** The socket directory for this user, without touching the file system. */
export function socketDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKERS_SOCKET_DIR) return env.MARKERS_SOCKET_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'markers');
  return join(tmpdir(), `markers-${uid()}`);
}

export function socketPath(pid: number, env: NodeJS.ProcessEnv = process.env): string {
  return join(socketDirectory(env), `${pid}${SOCKET_SUFFIX}`);
}

/** The PID a socket file name stands for, or undefined for other files. */
export function pidOfSocket(fileName: string): number | undefined {
  if (!fileName.endsWith(SOCKET_SUFFIX)) return undefined;
  const pid = Number(fileName.slice(0, -SOCKET_SUFFIX.length));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Throws ERR_UNSAFE_SOCKET_DIR unless `dir` is a directory owned by this user
 * (root may use any) with no group or other permission bits.
 */
export function checkSocketDirectory(dir: string): void {
  const stat = lstatSync(dir);
  const me = uid();
  const problem = !stat.isDirectory()
    ? 'is not a directory (symlinks are refused)'
    : stat.uid !== me
      ? `is owned by uid ${stat.uid}, not by this user (uid ${me})`
      : (stat.mode & 0o077) !== 0
        ? `has mode ${(stat.mode & 0o777).toString(8)}; group and others must have no access (chmod 700)`
        : undefined;
  if (problem !== undefined) {
    throw new MarkersError(
      ErrorCode.UNSAFE_SOCKET_DIR,
      `control socket directory ${dir} ${problem}`,
      {
        dir,
        uid: stat.uid,
        mode: stat.mode & 0o777,
      },
    );
  }
}

/** Creates the socket directory if needed (mode 0700) and checks it. Returns its path. */
export function ensureSocketDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const dir = socketDirectory(env);
  try {
    mkdirSync(dir, { mode: 0o700 });
    // mkdir applies the umask; a stricter umask is fine, a looser one is not possible.
    chmodSync(dir, 0o700);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new MarkersError(
        ErrorCode.UNSAFE_SOCKET_DIR,
        `cannot create control socket directory ${dir}: ${(error as Error).message}`,
        { dir },
      );
    }
  }
  checkSocketDirectory(dir);
  return dir;
}
