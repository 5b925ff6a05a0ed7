/**
 * The marker patterns a command line gives: checked here before anything is
 * sent, and checked against the target's markers before a command waits for
 * events that can never come.
 *
 *   - A pattern that does not parse is a usage error (exit 2,
 *     ERR_INVALID_PATTERN), whichever command it was given to.
 *   - A pattern that matches no marker in any thread is ERR_NO_MATCH (exit 1),
 *     with the closest existing names, unless --later asked to wait for
 *     markers declared later (modules imported later, workers started later).
 */

import type { ControlResult } from '../abi/control-commands.js';
import type { ControlClient } from '../control/client.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { compilePattern, type Pattern } from '../registry/pattern.js';
import { type CommandContext, type Options, UsageError, type Values } from './command.js';
import { closest, didYouMean } from './suggest.js';
import { timeoutArgs } from './target.js';

export const LATER_OPTION: Options = { later: { type: 'boolean' } };

export const LATER_HELP = `  --later              a PATTERN that matches no marker yet is not an error: wait for
                       markers declared later (modules imported later, workers started later)`;

/** Compiles every pattern; the first that does not parse is a usage error. */
export function parsePatterns(patterns: readonly string[]): Pattern[] {
  return patterns.map((source) => {
    try {
      return compilePattern(source);
    } catch (error) {
      // "cache" alone: the user meant a provider or an event, not a whole name.
      const hint = /^[A-Za-z0-9_.-]+$/.test(source)
        ? didYouMean([`${source}:*`, `*:${source}`])
        : '';
      throw new UsageError(`${(error as Error).message}${hint}`, ErrorCode.INVALID_PATTERN);
    }
  });
}

/** Every marker of the target, in every thread that answered. */
export async function listAll(
  client: ControlClient,
  values: Values,
): Promise<ControlResult<'list'>> {
  return client.request('list', timeoutArgs(values));
}

/**
 * Names close to `pattern`: exact names, and the pattern with its provider
 * or event part (whichever is not a glob) replaced by an existing one, kept
 * only when it matches a marker ("htp:*" -> "http:*").
 */
export function suggestPatterns(pattern: string, names: readonly string[]): string[] {
  const candidates = new Set(names);
  const colon = pattern.indexOf(':');
  if (colon > 0) {
    const provider = pattern.slice(0, colon);
    const event = pattern.slice(colon + 1);
    for (const name of names) {
      const [p, e] = name.split(':') as [string, string];
      if (event.includes('*') && !provider.includes('*')) candidates.add(`${p}:${event}`);
      if (provider.includes('*') && !event.includes('*')) candidates.add(`${provider}:${e}`);
    }
  }
  const useful = [...candidates].filter((c) => {
    const compiled = compilePattern(c);
    return names.some((n) => compiled.matches(n));
  });
  return closest(pattern, useful);
}

/**
 * Refuses patterns that match no marker of the target (ERR_NO_MATCH), or,
 * with --later, says on stderr that they match nothing yet and returns.
 * When a thread did not answer, its markers are unknown: nothing is refused.
 */
export async function requireMatches(
  client: ControlClient,
  patterns: readonly string[],
  values: Values,
  context: CommandContext,
): Promise<void> {
  const compiled = parsePatterns(patterns);
  const { markers, threads } = await listAll(client, values);
  const names = markers.map((m) => m.name);
  const unmatched = compiled.filter((p) => !names.some((n) => p.matches(n)));
  if (unmatched.length === 0 || threads.some((t) => !t.ok)) return;
  const lines = unmatched.map(
    (p) =>
      `"${p.source}" matches no marker in any thread of process ${client.pid ?? '?'}${didYouMean(suggestPatterns(p.source, names))}`,
  );
  if (values.later === true) {
    for (const line of lines) context.stderr.write(`markers: ${line} (waiting for it: --later)\n`);
    return;
  }
  throw new MarkersError(
    ErrorCode.NO_MATCH,
    `${lines.join('; and ')} (give --later to wait for markers declared later)`,
    {
      patterns: unmatched.map((p) => p.source),
      suggestions: Object.fromEntries(
        unmatched.map((p) => [p.source, suggestPatterns(p.source, names)]),
      ),
    },
  );
}
