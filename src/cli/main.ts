/**
 * The markers command: `markers <command> [options]`.
 * Exit codes: 0 success, 1 error, 2 wrong usage. Errors print on one line
 * (`markers: ERR_CODE: message`), or as JSON with --json.
 */
import { parseArgs } from 'node:util';
import { isMarkersError } from '../errors/markers-error.js';
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

Exit codes: 0 success, 1 error, 2 wrong usage. NO_COLOR turns colour off.
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
    io.stderr.write(`markers: unknown command "${name}". Run 'markers --help' for the list.\n`);
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
      throw new UsageError((error as Error).message);
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
    return await command.run(parsed.values, parsed.positionals, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`markers ${command.name}: ${error.message}\nUsage: ${command.usage}\n`);
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
