/**
 * The markers command: `markers <command> [options]`.
 * Exit codes: 0 success, 1 error, 2 wrong usage, 130 interrupted (a command
 * that does not run until interrupted, ended by SIGINT/SIGTERM). Errors print on one line
 * (`markers: ERR_CODE: message`), or as JSON with --json.
 */
import { parseArgs } from 'node:util';
import { ErrorCode, isMarkersError } from '../errors/markers-error.js';
import { VERSION } from '../version.js';
import {
  type Command,
  type CommandContext,
  ExitCode,
  type Options,
  UsageError,
} from './command.js';
import { COMMANDS } from './commands/index.js';
import { printable } from './format.js';
import { closest, didYouMean } from './suggest.js';

const COMMON_OPTIONS: Options = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `markers ${VERSION}: static instrumentation markers for Node.js

Usage: markers <command> [options]

Commands:
${lines.join('\n')}

Options for every command:
  -h, --help  show the command's help, with examples
  --json      machine-readable output

Exit codes: 0 success, 1 error, 2 wrong usage, 130 interrupted. NO_COLOR turns colour off.
Run 'markers <command> --help' for details.
`;
}

export function commandHelp(command: Command): string {
  const examples = command.examples.map((e) => `  ${e}`).join('\n');
  return `Usage: ${command.usage}

${command.summary}

${command.details.trimEnd()}

Examples:
${examples}
`;
}

/**
 * The UsageError for what parseArgs refused; an unknown option gets the
 * closest option of the command ("--jsn": did you mean "--json"?).
 */
function argumentError(error: unknown, command: Command): UsageError {
  const message = (error as Error).message;
  const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
  if ((error as { code?: unknown }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown) {
    return new UsageError(message);
  }
  const options = { ...COMMON_OPTIONS, ...command.options };
  const names = Object.entries(options).flatMap(([long, o]) => [
    `--${long}`,
    ...(o.short === undefined ? [] : [`-${o.short}`]),
  ]);
  const hint = didYouMean(closest(unknown, names));
  return new UsageError(
    `unknown option ${unknown}${hint || `; ${command.name} takes ${names.filter((n) => n.startsWith('--')).join(', ')}`}`,
  );
}

export async function main(
  argv: string[],
  io: Pick<CommandContext, 'stdout' | 'stderr' | 'env'> = process,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    // `markers -p 42 list`: the command is there, after an option that belongs to it.
    const later = name.startsWith('-') ? COMMANDS.find((c) => rest.includes(c.name)) : undefined;
    const hint =
      later !== undefined
        ? `; options go after the command: markers ${later.name} ${argv.filter((a) => a !== later.name).join(' ')}.`
        : didYouMean(
            closest(
              name,
              COMMANDS.map((c) => c.name),
            ),
          );
    io.stderr.write(
      `markers: unknown command "${name}"${hint || '.'} Run 'markers --help' for the list.\n`,
    );
    return ExitCode.USAGE;
  }
  const json = rest.includes('--json');
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...COMMON_OPTIONS, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw argumentError(error, command);
    }
    if (parsed.values.help === true) {
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    const context: CommandContext = {
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      json,
      color: (io.stdout as { isTTY?: boolean }).isTTY === true && !io.env.NO_COLOR,
      signal: abort.signal,
    };
    if (command.untilInterrupted === true) {
      return await command.run(parsed.values, parsed.positionals, context);
    }
    // Whatever it waits for (a stopped target answers nothing), a signal ends
    // it now; bin.ts exits, so an open connection does not hold the process.
    const interrupted = new Promise<number>((resolve) => {
      abort.signal.addEventListener(
        'abort',
        () => {
          io.stderr.write(
            `markers ${command.name}: ${ErrorCode.INTERRUPTED}: interrupted before the command finished; nothing more was done\n`,
          );
          resolve(ExitCode.INTERRUPTED);
        },
        { once: true },
      );
    });
    return await Promise.race([
      command.run(parsed.values, parsed.positionals, context),
      interrupted,
    ]);
  } catch (error) {
    if (error instanceof UsageError || isMarkersError(error, ErrorCode.INVALID_PATTERN)) {
      // An invalid pattern is a wrong command line wherever it is found, here or in the target.
      const code = error.code;
      io.stderr.write(
        `markers ${command.name}: ${code === undefined ? '' : `${code}: `}${error.message}\nUsage: ${command.usage}\n`,
      );
      return ExitCode.USAGE;
    }
    const code = isMarkersError(error) ? error.code : 'ERR_UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    if (json) io.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    io.stderr.write(`markers: ${printable(code)}: ${printable(message.replaceAll('\n', ' '))}\n`);
    return ExitCode.ERROR;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
