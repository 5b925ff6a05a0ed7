/**
 * Where control sockets live, and the checks that keep them private.
 *
 * Whoever can reach a socket can run code in the target (`markers load`), so
 * a socket is trusted only inside a directory that is a real directory (not
 * a symlink), owned by the user the target runs as, with no group or other
 * access. Each process's socket is `<pid>.sock`, mode 0600.
 *
 * A target listens in the first of these that works (listenDirectory()):
 *   1. $MARKERS_SOCKET_DIR, when set: that directory or nothing (strict);
 *   2. $XDG_RUNTIME_DIR/markers, when XDG_RUNTIME_DIR is a private directory
 *      of this user (systemd creates it; another user cannot);
 *   3. /run/user/<uid>/markers, when that runtime directory exists and is ours;
 *   4. <tmp>/markers-<uid> (tmp is os.tmpdir(): $TMPDIR or /tmp);
 *   5. <tmp>/markers-<uid>-XXXXXX, an unpredictable name made by mkdtemp,
 *      when 4 was squatted (created by another user, or loosened): a squatter
 *      can block the usual name, never every name, so the control server
 *      still starts, with a warning that says how to restore the usual place.
 *
 * The CLI looks in the same places (candidateDirectories()): for this user,
 * and, for root, for every user who has one, so root reaches every user's
 * processes, as ptrace lets it.
 */

import type { Stats } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';

// Not an ESM import: see control/listen.ts ("Built-ins").
const { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync } =
  process.getBuiltinModule('node:fs');

const SOCKET_SUFFIX = '.sock';
const RUN_USER = '/run/user';
const FALLBACK = /^markers-(\d+)-[A-Za-z0-9]{6}$/;
const TMP_NAME = /^markers-(\d+)$/;

export function currentUid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

/** The usual socket directory for this user, without touching the file system. */
export function socketDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKERS_SOCKET_DIR) return env.MARKERS_SOCKET_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'markers');
  return join(tmpdir(), `markers-${currentUid()}`);
}

export function socketPath(pid: number, env: NodeJS.ProcessEnv = process.env): string {
  return join(socketDirectory(env), `${pid}${SOCKET_SUFFIX}`);
}

/** The PID a socket file name stands for, or undefined for other files. */
export function pidOfSocket(fileName: string): number | undefined {
  if (!fileName.endsWith(SOCKET_SUFFIX)) return undefined;
  const digits = fileName.slice(0, -SOCKET_SUFFIX.length);
  if (!/^[1-9][0-9]{0,9}$/.test(digits)) return undefined;
  const pid = Number(digits);
  return pid <= 0x7fff_ffff ? pid : undefined;
}

/** Why `stat` is not a private directory of `owner`, or undefined when it is. */
function privacyProblem(stat: Stats, owner: number): string | undefined {
  if (!stat.isDirectory()) return 'is not a directory (symlinks are refused)';
  if (stat.uid !== owner) return `is owned by uid ${stat.uid}, not by uid ${owner}`;
  if ((stat.mode & 0o077) !== 0) {
    return `has mode ${(stat.mode & 0o777).toString(8)}; group and others must have no access (chmod 700)`;
  }
  return undefined;
}

function unsafe(dir: string, problem: string, stat?: Stats): MarkersError {
  return new MarkersError(
    ErrorCode.UNSAFE_SOCKET_DIR,
    `control socket directory ${dir} ${problem}`,
    {
      dir,
      ...(stat === undefined ? {} : { uid: stat.uid, mode: stat.mode & 0o777 }),
    },
  );
}

/**
 * Throws ERR_UNSAFE_SOCKET_DIR unless `dir` is a directory owned by `owner`
 * (by default this user) with no group or other permission bits.
 */
export function checkSocketDirectory(dir: string, owner: number = currentUid()): void {
  const stat = lstatSync(dir);
  const problem = privacyProblem(stat, owner);
  if (problem !== undefined) throw unsafe(dir, problem, stat);
}

/** The lstat of `path`, or undefined when it does not exist or cannot be read. */
function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Creates `dir` (mode 0700) unless it exists, then checks it is ours and private. */
function makePrivate(dir: string): void {
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
}

/** A private parent (XDG_RUNTIME_DIR, /run/user/<uid>) of `owner`, or why not. */
function privateParent(path: string, owner: number): string | undefined {
  const stat = statOf(path);
  if (stat === undefined) return 'does not exist';
  return privacyProblem(stat, owner);
}

/** This user's fallback directories in tmp (step 5), oldest name first. */
function fallbackDirectories(owner: number): string[] {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return [];
  }
  return names
    .filter((name) => FALLBACK.exec(name)?.[1] === String(owner))
    .sort()
    .map((name) => join(tmpdir(), name))
    .filter((dir) => {
      const stat = statOf(dir);
      return stat !== undefined && privacyProblem(stat, owner) === undefined;
    });
}

export interface ListenDirectory {
  readonly dir: string;
  /** Set when the usual place could not be used: what happened and what to do. */
  readonly warning?: string;
}

/** Creates (if needed) and checks the directory this process listens in (see the header). */
export function listenDirectory(env: NodeJS.ProcessEnv = process.env): ListenDirectory {
  if (env.MARKERS_SOCKET_DIR) {
    makePrivate(env.MARKERS_SOCKET_DIR);
    return { dir: env.MARKERS_SOCKET_DIR };
  }
  const me = currentUid();
  const notes: string[] = [];
  const runtime = env.XDG_RUNTIME_DIR || join(RUN_USER, String(me));
  const runtimeProblem = privateParent(runtime, me);
  if (runtimeProblem === undefined) {
    const dir = join(runtime, 'markers');
    try {
      makePrivate(dir);
      return { dir };
    } catch (error) {
      notes.push((error as Error).message);
    }
  } else if (env.XDG_RUNTIME_DIR) {
    notes.push(`XDG_RUNTIME_DIR ${runtime} ${runtimeProblem}`);
  }
  const usual = join(tmpdir(), `markers-${me}`);
  try {
    makePrivate(usual);
    return notes.length === 0 ? { dir: usual } : { dir: usual, warning: notes.join('; ') };
  } catch (error) {
    notes.push((error as Error).message);
  }
  const dir = fallbackDirectories(me)[0] ?? mkdtempSync(join(tmpdir(), `markers-${me}-`));
  checkSocketDirectory(dir);
  return {
    dir,
    warning:
      `${notes.join('; ')}. Someone else may have created it to block markers; ` +
      `this process listens in ${dir} instead (markers ps finds it). ` +
      `To use the usual place again, have root remove ${usual} (it is not yours to trust), ` +
      'or set XDG_RUNTIME_DIR (or MARKERS_SOCKET_DIR) to a private directory of yours.',
  };
}

/** A directory the CLI may find sockets in, and the only user whose sockets it may hold. */
export interface CandidateDirectory {
  readonly dir: string;
  readonly owner: number;
  /** Set when the directory exists but is not private to `owner`: it is skipped. */
  readonly problem?: string;
}

/** Users with a socket directory in tmp or /run/user (for root's discovery). */
function usersWithDirectories(): Set<number> {
  const users = new Set<number>();
  const add = (text: string | undefined): void => {
    if (text !== undefined && /^[0-9]{1,10}$/.test(text)) users.add(Number(text));
  };
  for (const name of safeReaddir(tmpdir()))
    add(TMP_NAME.exec(name)?.[1] ?? FALLBACK.exec(name)?.[1]);
  for (const name of safeReaddir(RUN_USER)) add(name);
  return users;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The socket directories of `owner` that exist, each checked (see CandidateDirectory). */
function directoriesOf(owner: number, env: NodeJS.ProcessEnv): CandidateDirectory[] {
  // [directory, the runtime directory it must sit in (private to owner too), if any]
  const places: [string, string | undefined][] = [];
  if (owner === currentUid() && env.XDG_RUNTIME_DIR) {
    places.push([join(env.XDG_RUNTIME_DIR, 'markers'), env.XDG_RUNTIME_DIR]);
  }
  const run = join(RUN_USER, String(owner));
  places.push([join(run, 'markers'), run], [join(tmpdir(), `markers-${owner}`), undefined]);
  const found: CandidateDirectory[] = [];
  for (const [dir, parent] of places) {
    const stat = statOf(dir);
    if (stat === undefined || found.some((f) => f.dir === dir)) continue;
    const parentProblem = parent === undefined ? undefined : privateParent(parent, owner);
    const problem =
      parentProblem === undefined
        ? privacyProblem(stat, owner)
        : `is in ${parent}, which ${parentProblem}`;
    found.push(problem === undefined ? { dir, owner } : { dir, owner, problem });
  }
  for (const dir of fallbackDirectories(owner)) found.push({ dir, owner });
  return found;
}

/**
 * Where the CLI looks for targets: $MARKERS_SOCKET_DIR alone when set (it
 * must be ours: ERR_UNSAFE_SOCKET_DIR otherwise); else this user's
 * directories, and for root every user's. Unsafe ones are returned with
 * their problem so that callers can say why they were skipped.
 */
export function candidateDirectories(env: NodeJS.ProcessEnv = process.env): CandidateDirectory[] {
  const me = currentUid();
  if (env.MARKERS_SOCKET_DIR) {
    const dir = env.MARKERS_SOCKET_DIR;
    if (statOf(dir) === undefined) return [];
    checkSocketDirectory(dir, me);
    return [{ dir, owner: me }];
  }
  const owners = me === 0 ? [me, ...[...usersWithDirectories()].filter((u) => u !== me)] : [me];
  const seen = new Set<string>();
  const out: CandidateDirectory[] = [];
  for (const owner of owners) {
    for (const candidate of directoriesOf(owner, env)) {
      if (seen.has(candidate.dir)) continue;
      seen.add(candidate.dir);
      out.push(candidate);
    }
  }
  return out;
}

/**
 * Why a connection to the socket at `path` must be refused now, or undefined:
 * its directory must still be private to this process's user, so that the
 * kernel's permission check still means "this user or root" (peer.ts says
 * why the peer's own credentials cannot be read). Checked at each connection
 * by the doorbell (listen.ts) and the server (server.ts).
 */
export function socketDirectoryRefusal(
  path: string,
): { code: string; message: string } | undefined {
  const dir = dirname(path);
  try {
    const stat = lstatSync(dir);
    const me = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
    if (stat.isDirectory() && stat.uid === me && (stat.mode & 0o077) === 0) return undefined;
    return {
      code: ErrorCode.UNSAFE_SOCKET_DIR,
      message: `control socket directory ${dir} is no longer private to uid ${me} (owner ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}); refusing connections until it is (chmod 700)`,
    };
  } catch {
    return {
      code: ErrorCode.UNSAFE_SOCKET_DIR,
      message: `control socket directory ${dir} is gone`,
    };
  }
}

/**
 * Where the control worker binds its socket before renaming it over the
 * doorbell's `path` (server.ts, listen.ts). The kernel keeps the name a
 * socket was bound at, so /proc/net/unix lists a listener at this name once
 * the worker has started (peer.ts's controlWorkerStarted()).
 */
export function temporaryPath(path: string): string {
  return `${path}.new`;
}

/**
 * Listens on the Unix socket `at`; a failure is ERR_CONTROL_SERVER naming
 * `path`, the socket's public name (the server listens under a temporary
 * name it then renames over `path`).
 */
export function listenOn(server: Server, at: string, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new MarkersError(
      ErrorCode.CONTROL_SERVER,
      `cannot listen on ${path}: ${(error as Error).message}`,
      { path },
    );
  });
}
