/**
 * What `markers run` owes the application it starts, as a process
 * supervisor's child would expect: the signals a supervisor or a user sends
 * to `markers run` reach the application, `markers run` never exits before
 * the application does, and its exit status is the application's.
 *
 *   SIGTERM, SIGHUP  always passed on.
 *   SIGINT           passed on, except when this process is in its terminal's
 *                    foreground process group: the terminal then sent Ctrl-C to
 *                    the whole group, the application included, and passing it
 *                    on would deliver it twice (an application that treats a
 *                    second Ctrl-C as "force quit" would skip its shutdown).
 *
 * The handlers stay installed until the application has exited, so a second
 * or third signal is passed on too and never ends `markers run` by Node's
 * default action (which would orphan the application). SIGKILL cannot be
 * caught: it is the one signal that leaves the application running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

export const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

export interface Supervised {
  readonly child: ChildProcess;
  /** The application's exit status: its exit code, or 128 + the signal number that killed it. */
  readonly exited: Promise<number>;
  /** True once the application has exited (or could not start). */
  hasExited(): boolean;
}

/** The shell convention for a process killed by a signal. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal === null ? undefined : constants.signals[signal];
  return number === undefined ? 1 : 128 + number;
}

/**
 * True when the terminal's foreground process group is ours: a Ctrl-C typed
 * there reached every process of the group. Read from /proc/self/stat
 * (fields pgrp and tpgid); false where it cannot be read (no terminal).
 */
function inForegroundOfTerminal(): boolean {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return false;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const ttyNr = Number(fields[4]);
  const tpgid = Number(fields[5]);
  return ttyNr !== 0 && tpgid > 0 && tpgid === pgrp;
}

/**
 * Starts `command` with inherited stdio in this process group, and passes it
 * the signals above until it exits. `onStartError` hears a command that could
 * not be started (its status is then 1).
 */
export function supervise(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  onStartError: (error: Error) => void,
): Supervised {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { stdio: 'inherit', env });
  let done = false;
  const forward = (signal: ForwardedSignal): void => {
    if (done) return;
    if (signal === 'SIGINT' && inForegroundOfTerminal()) return;
    try {
      child.kill(signal);
    } catch {
      // Exited between the check and the kill: nothing to pass on.
    }
  };
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = (): void => forward(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const exited = new Promise<number>((resolve) => {
    const finish = (status: number): void => {
      if (done) return;
      done = true;
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(status);
    };
    child.once('exit', (code, signal) => finish(exitStatus(code, signal)));
    // After a successful spawn an 'error' is a failed kill: the 'exit' still comes.
    child.on('error', (error) => {
      if (child.pid !== undefined) return;
      onStartError(error);
      finish(1);
    });
  });
  return { child, exited, hasExited: () => done };
}
