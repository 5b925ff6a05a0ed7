/**
 * Finding instrumented processes, and opening a trusted connection to one.
 *
 * Targets are the `<pid>.sock` files, whose process is alive, in the socket
 * directories of socket-dir.ts: this user's, and for root every user's. A
 * directory is checked before any socket in it is trusted; a socket whose
 * process is dead is stale (the process was killed before it could remove
 * it) and is deleted on sight.
 *
 * openTarget() is the one way a command reaches a target: the socket file
 * is checked again and its listener verified (peer.ts) before connecting.
 */
import { join } from 'node:path';
import type { TargetInfo as ProcessInfo } from '../abi/control-commands.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { type ClientOptions, ControlClient } from './client.js';
import { checkListener, checkSocketFile } from './peer.js';
import {
  type CandidateDirectory,
  candidateDirectories,
  currentUid,
  pidOfSocket,
  socketDirectory,
} from './socket-dir.js';

// Not an ESM import: see control/listen.ts ("Built-ins").
const { readdirSync, unlinkSync } = process.getBuiltinModule('node:fs');

export interface Target {
  readonly pid: number;
  readonly path: string;
  /** The uid whose directory holds the socket: the only user it may belong to. */
  readonly owner: number;
}

export interface TargetRow {
  readonly pid: number;
  readonly path: string;
  readonly info?: ProcessInfo;
  readonly error?: { readonly code: string; readonly message: string };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function targetsIn(candidate: CandidateDirectory): Target[] {
  const targets: Target[] = [];
  let names: string[];
  try {
    names = readdirSync(candidate.dir);
  } catch {
    return [];
  }
  for (const name of names) {
    const pid = pidOfSocket(name);
    if (pid === undefined) continue;
    const path = join(candidate.dir, name);
    if (!isAlive(pid)) {
      try {
        unlinkSync(path);
      } catch {
        // Someone else cleaned it up first.
      }
      continue;
    }
    targets.push({ pid, path, owner: candidate.owner });
  }
  return targets;
}

/** Directories looked in, and those skipped because they are not private (for messages). */
function searched(env: NodeJS.ProcessEnv): { dirs: CandidateDirectory[]; skipped: string[] } {
  const all = candidateDirectories(env);
  return {
    dirs: all.filter((c) => c.problem === undefined),
    skipped: all.filter((c) => c.problem !== undefined).map((c) => `${c.dir} ${c.problem}`),
  };
}

/** Live targets by PID order, over every trusted directory; stale sockets are removed. */
export function findTargets(env: NodeJS.ProcessEnv = process.env): Target[] {
  const byPid = new Map<number, Target>();
  for (const dir of searched(env).dirs) {
    for (const target of targetsIn(dir)) if (!byPid.has(target.pid)) byPid.set(target.pid, target);
  }
  return [...byPid.values()].sort((a, b) => a.pid - b.pid);
}

/** The live target with this PID, if its socket is in a trusted directory. */
export function findTarget(pid: number, env: NodeJS.ProcessEnv = process.env): Target | undefined {
  return findTargets(env).find((t) => t.pid === pid);
}

/**
 * Connects to a target after checking its socket file and its listener
 * (peer.ts): ERR_UNTRUSTED_TARGET when they contradict what the socket claims.
 */
export async function openTarget(
  target: Target,
  options: ClientOptions = {},
): Promise<ControlClient> {
  try {
    checkSocketFile(target.path, target.owner);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MarkersError(
        ErrorCode.NO_TARGET,
        `process ${target.pid} has gone: ${target.path} was removed`,
        {
          pid: target.pid,
          path: target.path,
        },
      );
    }
    throw error;
  }
  checkListener(target.path, target.pid, target.owner);
  return ControlClient.connect(target.path, target.pid, options);
}

/** `promise`, or ERR_TARGET_UNREACHABLE naming `what` once `ms` have passed. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new MarkersError(
                ErrorCode.TARGET_UNREACHABLE,
                `${what} did not answer within ${ms} ms`,
              ),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks each live target for its info; a target that fails is a row with its
 * error (one that says nothing for the reply deadline: ERR_TARGET_UNRESPONSIVE).
 */
export async function describeTargets(
  env: NodeJS.ProcessEnv = process.env,
  options: ClientOptions = {},
): Promise<TargetRow[]> {
  return Promise.all(
    findTargets(env).map(async (target): Promise<TargetRow> => {
      let client: ControlClient | undefined;
      try {
        client = await openTarget(target, options);
        const info = await client.request('info');
        return { ...target, info };
      } catch (error) {
        const e = error as { code?: string; message?: string };
        return {
          ...target,
          error: { code: e.code ?? 'ERR_UNEXPECTED', message: String(e.message) },
        };
      } finally {
        client?.close();
      }
    }),
  );
}

/** Where the CLI looked, for messages: the usual directory, and any skipped as unsafe. */
function whereLooked(env: NodeJS.ProcessEnv): string {
  const { skipped } = searched(env);
  const where =
    env.MARKERS_SOCKET_DIR || currentUid() !== 0
      ? `in ${socketDirectory(env)}`
      : "in any user's socket directory";
  return skipped.length === 0 ? where : `${where}; skipped, not private: ${skipped.join('; ')}`;
}

/**
 * The target for a command: the PID given, or the only live target.
 * ERR_NO_TARGET when there is none (or the PID has no socket),
 * ERR_AMBIGUOUS_TARGET when several run and no PID was given.
 */
export function resolveTarget(
  pid: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Target {
  const targets = findTargets(env);
  if (pid !== undefined) {
    const found = targets.find((t) => t.pid === pid);
    if (found !== undefined) return found;
    throw new MarkersError(
      ErrorCode.NO_TARGET,
      isAlive(pid)
        ? `process ${pid} has no markers control server ${whereLooked(env)}; start it with 'node --import markers/register' or 'markers run', or call listen()`
        : `no process ${pid}: it is not running`,
      { pid, dir: socketDirectory(env) },
    );
  }
  if (targets.length === 1) return targets[0] as Target;
  if (targets.length === 0) {
    throw new MarkersError(
      ErrorCode.NO_TARGET,
      `no instrumented process of this user runs (no socket ${whereLooked(env)}); start one with 'markers run -- node app.js'`,
      { dir: socketDirectory(env) },
    );
  }
  throw new MarkersError(
    ErrorCode.AMBIGUOUS_TARGET,
    `${targets.length} instrumented processes run (PIDs ${targets.map((t) => t.pid).join(', ')}); choose one with -p PID`,
    { pids: targets.map((t) => t.pid) },
  );
}

/** Resolves the target (see resolveTarget) and opens a trusted connection to it (openTarget). */
export async function connectTarget(
  pid: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: ClientOptions = {},
): Promise<ControlClient> {
  return openTarget(resolveTarget(pid, env), options);
}
