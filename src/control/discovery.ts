/**
 * Finding instrumented processes: every `<pid>.sock` in the socket directory
 * whose process is alive. A socket whose process is dead is stale (the
 * process was killed before it could remove it) and is deleted on sight.
 * The directory is checked before any socket in it is trusted.
 */
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { ControlClient } from './client.js';
import type { ProcessInfo } from './commands.js';
import { checkSocketDirectory, pidOfSocket, socketDirectory } from './socket-dir.js';

export interface Target {
  readonly pid: number;
  readonly path: string;
}

export interface TargetRow {
  readonly pid: number;
  readonly path: string;
  readonly info?: ProcessInfo;
  readonly error?: { readonly code: string; readonly message: string };
}

const INFO_TIMEOUT_MS = 5000;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live targets by PID order; stale sockets are removed. */
export function findTargets(env: NodeJS.ProcessEnv = process.env): Target[] {
  const dir = socketDirectory(env);
  if (!existsSync(dir)) return [];
  checkSocketDirectory(dir);
  const targets: Target[] = [];
  for (const name of readdirSync(dir)) {
    const pid = pidOfSocket(name);
    if (pid === undefined) continue;
    const path = join(dir, name);
    if (!isAlive(pid)) {
      try {
        unlinkSync(path);
      } catch {
        // Someone else cleaned it up first.
      }
      continue;
    }
    targets.push({ pid, path });
  }
  return targets.sort((a, b) => a.pid - b.pid);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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

/** Asks each live target for its info; a target that fails is a row with its error. */
export async function describeTargets(env: NodeJS.ProcessEnv = process.env): Promise<TargetRow[]> {
  return Promise.all(
    findTargets(env).map(async (target): Promise<TargetRow> => {
      let client: ControlClient | undefined;
      try {
        client = await ControlClient.connect(target.path, target.pid);
        const info = await withTimeout(
          client.request<ProcessInfo>('info'),
          INFO_TIMEOUT_MS,
          `process ${target.pid}`,
        );
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
        ? `process ${pid} has no markers control server in ${socketDirectory(env)}; start it with 'node --import markers/register' or 'markers run', or call listen()`
        : `no process ${pid}: it is not running`,
      { pid, dir: socketDirectory(env) },
    );
  }
  if (targets.length === 1) return targets[0] as Target;
  if (targets.length === 0) {
    throw new MarkersError(
      ErrorCode.NO_TARGET,
      `no instrumented process of this user runs (no socket in ${socketDirectory(env)}); start one with 'markers run -- node app.js'`,
      { dir: socketDirectory(env) },
    );
  }
  throw new MarkersError(
    ErrorCode.AMBIGUOUS_TARGET,
    `${targets.length} instrumented processes run (PIDs ${targets.map((t) => t.pid).join(', ')}); choose one with -p PID`,
    { pids: targets.map((t) => t.pid) },
  );
}

export async function connectTarget(
  pid: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ControlClient> {
  const target = resolveTarget(pid, env);
  return ControlClient.connect(target.path, target.pid);
}
