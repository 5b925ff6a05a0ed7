/**
 * What the commands that talk to a target share: the -p and --timeout
 * options, connecting, and printing per-thread problems.
 */
import type { ControlClient } from '../control/client.js';
import type { ThreadOutcome } from '../control/commands.js';
import { connectTarget } from '../control/discovery.js';
import { type CommandContext, type Options, UsageError, type Values } from './command.js';
import { printable } from './format.js';

export const TARGET_OPTIONS: Options = {
  pid: { type: 'string', short: 'p' },
  timeout: { type: 'string' },
};

export const TARGET_HELP = `  -p, --pid PID   the target process (default: the only instrumented one)
  --timeout MS    how long each thread of the target may take to answer (default 2000)`;

export function pidOf(values: Values): number | undefined {
  const raw = values.pid;
  if (raw === undefined) return undefined;
  const pid = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new UsageError(`-p expects a process id, got "${String(raw)}"`);
  }
  return pid;
}

/** args.timeoutMs for the server, from --timeout. */
export function timeoutArgs(values: Values): { timeoutMs?: number } {
  const raw = values.timeout;
  if (raw === undefined) return {};
  const ms = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`--timeout expects milliseconds, got "${String(raw)}"`);
  }
  return { timeoutMs: ms };
}

/** Connects to the target, runs `fn`, and always closes the connection. */
export async function withTarget<T>(
  values: Values,
  context: CommandContext,
  fn: (client: ControlClient) => Promise<T>,
): Promise<T> {
  const client = await connectTarget(pidOf(values), context.env);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * Prints, on stderr, each thread that did not take part (timed out, exited,
 * failed). Returns true when there was any, so commands can say so.
 */
export function reportThreadProblems(
  outcomes: readonly ThreadOutcome[],
  context: CommandContext,
): boolean {
  let any = false;
  for (const o of outcomes) {
    if (o.ok) continue;
    any = true;
    context.stderr.write(
      `${printable(
        `markers: thread ${o.thread.name} (id ${o.thread.id}): ${o.error?.code}: ${o.error?.message}`,
      )}\n`,
    );
  }
  return any;
}

export function printJson(context: CommandContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Usage error when more than `max` positionals were given. */
export function rejectExtraArguments(positionals: readonly string[], max: number): void {
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument "${positionals[max]}"`);
  }
}

/** The one positional of `unload NAME` and `report NAME`: a loaded probe module's name. */
export function moduleNameArgument(positionals: readonly string[]): string {
  rejectExtraArguments(positionals, 1);
  const name = positionals[0];
  if (name === undefined) {
    throw new UsageError('which probe module? give its NAME (see markers probes)');
  }
  return name;
}
