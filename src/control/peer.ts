/**
 * Who is on the other end of a control socket, as far as Linux lets a
 * JavaScript process find out without a native addon.
 *
 * What is verified, by the CLI, before it sends anything:
 *   - the socket file (lstat, never followed) is a socket owned by the user
 *     whose directory it is in (socket-dir.ts checked that directory);
 *   - on Linux, the process named by the file (`<pid>.sock`) really holds
 *     the listening socket bound at that path: /proc/net/unix maps the path
 *     to the listening socket's inode, and /proc/<pid>/fd must hold that
 *     inode; and that process's effective uid (/proc/<pid>/status) is the
 *     socket's owner. A contradiction is ERR_UNTRUSTED_TARGET.
 *
 * What is not: SO_PEERCRED (the uid and pid of a connected peer) is not
 * reachable from Node's net module, and /proc does not link a connected
 * Unix socket to its peer (only netlink sock_diag does, which Node cannot
 * open). So the target cannot learn who connected: it relies on the kernel's
 * permission check of its 0700 directory (only its user, or root, gets in),
 * and re-checks at each connection that the directory is still private and
 * its own (server.ts). When /proc cannot be read (another OS, hidepid), the
 * listener check is skipped and the ownership checks stand alone.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { temporaryPath } from './socket-dir.js';

/** __SO_ACCEPTCON in /proc/net/unix's Flags column: a listening socket. */
const ACCEPTING = 0x10000;

function untrusted(path: string, message: string, details: Record<string, unknown>): MarkersError {
  return new MarkersError(ErrorCode.UNTRUSTED_TARGET, `${path}: ${message}; not connecting`, {
    path,
    ...details,
  });
}

/** Throws ERR_UNTRUSTED_TARGET unless `path` is a socket (not a symlink) owned by `owner`. */
export function checkSocketFile(path: string, owner: number): void {
  const stat = lstatSync(path);
  if (!stat.isSocket()) {
    throw untrusted(path, 'is not a socket (symlinks are never followed)', { owner });
  }
  if (stat.uid !== owner) {
    throw untrusted(
      path,
      `is owned by uid ${stat.uid}, not by uid ${owner} whose directory it is in`,
      {
        owner,
        uid: stat.uid,
      },
    );
  }
}

/** Inodes of the listening Unix sockets bound at `path`, or undefined without /proc/net/unix. */
export function listeningInodes(path: string): Set<string> | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/net/unix', 'latin1');
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path (the path may hold spaces).
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const flags = Number.parseInt(fields[3] ?? '', 16);
    if ((flags & ACCEPTING) === 0) continue;
    if (fields.slice(7).join(' ') === path && fields[6] !== undefined) inodes.add(fields[6]);
  }
  return inodes;
}

/** The effective uid of `pid`, from /proc/<pid>/status, or undefined when unreadable. */
function effectiveUid(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    return uids === null ? undefined : Number(uids[2]);
  } catch {
    return undefined;
  }
}

/** Whether `pid` holds one of `inodes` as an open file, or undefined when its fds are unreadable. */
function holdsSocket(pid: number, inodes: ReadonlySet<string>): boolean | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) return true;
    } catch {
      // Closed since readdir.
    }
  }
  return false;
}

/** How far the listener of a socket was verified. */
export type ListenerCheck =
  | { readonly verified: true }
  | { readonly verified: false; readonly reason: string };

/**
 * Checks that `pid`, running as `owner`, listens at `path` (see the header).
 * Throws ERR_UNTRUSTED_TARGET on a contradiction; returns why not when the
 * facts cannot be read.
 */
export function checkListener(path: string, pid: number, owner: number): ListenerCheck {
  const uid = effectiveUid(pid);
  if (uid !== undefined && uid !== owner) {
    throw untrusted(
      path,
      `process ${pid} runs as uid ${uid}, but the socket belongs to uid ${owner}`,
      {
        pid,
        owner,
        uid,
      },
    );
  }
  const inodes = listeningInodes(path);
  if (inodes === undefined) return { verified: false, reason: '/proc/net/unix is not readable' };
  // Not listed: another network namespace (a container sharing the directory).
  if (inodes.size === 0)
    return { verified: false, reason: `no listening socket at ${path} in this network namespace` };
  const holds = holdsSocket(pid, inodes);
  if (holds === undefined) return { verified: false, reason: `/proc/${pid}/fd is not readable` };
  if (!holds) {
    throw untrusted(path, `the socket listening there is not held by process ${pid}`, {
      pid,
      owner,
    });
  }
  return { verified: true };
}

/**
 * Whether `pid`'s control worker runs: it bound its socket at
 * temporaryPath(path) before renaming it over `path` (server.ts), and the
 * kernel lists a listener by the name it was bound at. Undefined when
 * /proc cannot tell (another OS, hidepid, another network namespace).
 */
export function controlWorkerStarted(path: string, pid: number): boolean | undefined {
  const inodes = listeningInodes(temporaryPath(path));
  if (inodes === undefined) return undefined;
  if (inodes.size === 0) return listeningInodes(path)?.size === 0 ? undefined : false;
  return holdsSocket(pid, inodes);
}

/** The scheduler state of `pid` (`R`, `S`, `T` stopped, `t` traced, ...), or undefined. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || undefined;
  } catch {
    return undefined;
  }
}
