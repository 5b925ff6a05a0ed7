/**
 * The shape of a CLI command. Each command lives in commands/<name>.ts and is
 * listed in commands/index.ts; main.ts parses arguments with node:util
 * parseArgs, prints --help from these fields, and maps errors to exit codes.
 */
import type { ParseArgsConfig } from 'node:util';

export const ExitCode = {
  OK: 0,
  /** The command ran and failed: a bad target, a corrupt trace, a refused module. */
  ERROR: 1,
  /** The command line itself was wrong. */
  USAGE: 2,
  /**
   * SIGINT or SIGTERM ended a command that does not run until interrupted
   * (list, stats, load...) while it waited, say on a stopped target: 128 + 2,
   * as a shell reports a process that Ctrl-C ended.
   */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** --json was given: print one JSON document (or JSON lines for streams) on stdout. */
  readonly json: boolean;
  /** Colour is allowed: stdout is a TTY and NO_COLOR is unset. */
  readonly color: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM, for commands that run until interrupted. */
  readonly signal: AbortSignal;
}

export interface Command {
  readonly name: string;
  /** One line for `markers --help`. */
  readonly summary: string;
  /** The synopsis, e.g. "markers convert DIR --to perfetto|jsonl|text -o FILE". */
  readonly usage: string;
  /** A few lines describing behaviour and options, for `markers CMD --help`. */
  readonly details: string;
  /** At least one example command line, with a comment. */
  readonly examples: readonly string[];
  readonly options: Options;
  /**
   * The command runs until interrupted (record, tail, count...): SIGINT and
   * SIGTERM abort `context.signal` and it ends as it documents. Any other
   * command is ended by them at once, with ExitCode.INTERRUPTED.
   */
  readonly untilInterrupted?: true;
  run(values: Values, positionals: string[], context: CommandContext): Promise<number>;
}

/**
 * Thrown by commands for a wrong command line; main prints it with the usage
 * and exits 2. `code` is set when the mistake has a stable ERR_* code of its
 * own (an invalid pattern is ERR_INVALID_PATTERN), printed before the message.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}
