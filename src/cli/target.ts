/**
 * What the commands that talk to a target share: the -p and --timeout
 * options, connecting, and printing per-thread problems.
 */
import { basename, extname } from 'node:path';
import type { ThreadAnswer as ThreadOutcome } from '../abi/control-commands.js';
import {
  type ClientOptions,
  type ControlClient,
  DEFAULT_REPLY_TIMEOUT_MS,
} from '../control/client.js';
import { connectTarget, describeTargets, type TargetRow } from '../control/discovery.js';
import { ErrorCode, isMarkersError, MarkersError } from '../errors/markers-error.js';
import { type CommandContext, type Options, UsageError, type Values } from './command.js';
import { printable } from './format.js';
import { closest, didYouMean } from './suggest.js';

export const TARGET_OPTIONS: Options = {
  pid: { type: 'string', short: 'p' },
  timeout: { type: 'string' },
  'reply-timeout': { type: 'string' },
};

export const REPLY_TIMEOUT_HELP = `  --reply-timeout MS  how long the target may send nothing while a command waits
                      (default ${DEFAULT_REPLY_TIMEOUT_MS}); then ERR_TARGET_UNRESPONSIVE: stopped, or its main
                      thread blocked before markers' control worker started`;

export const TARGET_PID_HELP = `  -p, --pid PID|NAME  the target process: a PID, or the name of its script or command
                      ("server", "server.js"; see markers ps). Default: the only one running`;

export const TARGET_HELP = `${TARGET_PID_HELP}
  --timeout MS        how long each thread of the target may take to answer (default 2000)
${REPLY_TIMEOUT_HELP}`;

/** What -p chose: nothing, a PID, or a name to find among the targets. */
export type TargetChoice =
  | { readonly pid: undefined; readonly name: undefined }
  | { readonly pid: number; readonly name: undefined }
  | { readonly pid: undefined; readonly name: string };

export function targetChoice(values: Values): TargetChoice {
  const raw = values.pid;
  if (raw === undefined) return { pid: undefined, name: undefined };
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new UsageError('-p expects a process id or a name, got nothing');
  }
  if (!/^\d+$/.test(raw)) return { pid: undefined, name: raw };
  const pid = Number(raw);
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    throw new UsageError(`-p expects a process id, got "${raw}"`);
  }
  return { pid, name: undefined };
}

/** The PID -p gave, if it gave one. */
export function pidOf(values: Values): number | undefined {
  return targetChoice(values).pid;
}

/** The target's script (its first argument after the runtime), or its command line. */
function scriptOf(row: TargetRow): string {
  return row.info?.argv[1] ?? row.info?.command ?? '';
}

function describe(row: TargetRow): string {
  return `${row.pid} (${row.info?.command ?? row.error?.code ?? 'no answer'})`;
}

/**
 * The targets a name means, best match first: the script's file name with or
 * without its extension, or its path; failing that, the runtime's name
 * ("deno") or any part of the command line.
 */
export function targetsNamed(name: string, rows: readonly TargetRow[]): TargetRow[] {
  const byScript = rows.filter((r) => {
    const script = scriptOf(r);
    const file = basename(script);
    return script === name || file === name || file.slice(0, -extname(file).length) === name;
  });
  if (byScript.length > 0) return byScript;
  return rows.filter(
    (r) => basename(r.info?.argv[0] ?? '') === name || (r.info?.command ?? '').includes(name),
  );
}

/** The client's reply deadline, from --reply-timeout. */
export function clientOptions(values: Values): ClientOptions {
  const raw = values['reply-timeout'];
  if (raw === undefined) return {};
  const ms = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`--reply-timeout expects milliseconds, got "${String(raw)}"`);
  }
  return { replyTimeoutMs: ms };
}

async function pidNamed(
  name: string,
  env: NodeJS.ProcessEnv,
  options: ClientOptions,
): Promise<number> {
  const rows = await describeTargets(env, options);
  const found = targetsNamed(name, rows);
  if (found.length === 1) return (found[0] as TargetRow).pid;
  if (found.length > 1) {
    throw new MarkersError(
      ErrorCode.AMBIGUOUS_TARGET,
      `-p ${name} matches ${found.length} instrumented processes: ${found.map(describe).join(', ')}; choose one with -p PID`,
      { name, pids: found.map((r) => r.pid) },
    );
  }
  const names = rows.flatMap((r) => {
    const file = basename(scriptOf(r));
    return file === '' ? [] : [file, file.slice(0, -extname(file).length)];
  });
  throw new MarkersError(
    ErrorCode.NO_TARGET,
    rows.length === 0
      ? `no instrumented process named "${name}": none runs; start one with 'markers run -- node app.js'`
      : `no instrumented process named "${name}"${didYouMean(closest(name, names)) || '.'} Running: ${rows.map(describe).join(', ')}`,
    { name, pids: rows.map((r) => r.pid) },
  );
}

/** Connects to the target -p chose; with several running and no -p, the error lists them. */
async function connectChosen(values: Values, env: NodeJS.ProcessEnv): Promise<ControlClient> {
  const choice = targetChoice(values);
  const options = clientOptions(values);
  if (choice.name !== undefined) {
    return connectTarget(await pidNamed(choice.name, env, options), env, options);
  }
  try {
    return await connectTarget(choice.pid, env, options);
  } catch (error) {
    if (!isMarkersError(error, ErrorCode.AMBIGUOUS_TARGET)) throw error;
    const rows = await describeTargets(env, options);
    throw new MarkersError(
      ErrorCode.AMBIGUOUS_TARGET,
      `${rows.length} instrumented processes run: ${rows.map(describe).join(', ')}; choose one with -p PID or -p NAME`,
      { ...error.details, pids: rows.map((r) => r.pid) },
    );
  }
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
  const client = await connectChosen(values, context.env);
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
