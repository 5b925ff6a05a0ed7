/**
 * Command-line parsing for the bench scripts. A mistyped option is the
 * user's mistake, not a crash: it gets the script's usage and exit status 2
 * instead of parseArgs' stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export function parseBenchArgs<const T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    process.stderr.write(`${(error as Error).message}\n${usage.trimEnd()}\n`);
    process.exit(2);
  }
}
