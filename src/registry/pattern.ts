import { coreError } from '../errors/core-codes.js';
import type { MarkersError } from '../errors/markers-error.js';
import { nameProblem } from '../marker/name.js';

const GLOB = /^[A-Za-z0-9_.:*-]+$/;

export interface Pattern {
  readonly source: string;
  /** True when the pattern is one exact marker name, without `*`. */
  readonly exact: boolean;
  matches(name: string): boolean;
}

/**
 * Compiles an exact marker name or a glob where `*` matches any run of
 * characters, `:` included (`http:*`, `*:request_*`, `*`). Throws
 * ERR_INVALID_PATTERN for anything else.
 */
export function compilePattern(source: unknown): Pattern {
  const invalid = (problem: string): MarkersError =>
    coreError(
      'ERR_INVALID_PATTERN',
      `invalid marker pattern ${JSON.stringify(source)}: ${problem}`,
      {
        pattern: String(source),
      },
    );
  // GLOB refuses '' too; a non-string is refused before it could be coerced.
  if (typeof source !== 'string' || !GLOB.test(source)) {
    throw invalid('use a name such as "http:request" or a glob with * such as "http:*"');
  }
  if (!source.includes('*')) {
    const problem = nameProblem(source);
    if (problem !== undefined) throw invalid(problem);
    return { source, exact: true, matches: (name) => name === source };
  }
  const regex = new RegExp(`^${source.replace(/[.-]/g, '\\$&').replaceAll('*', '.*')}$`);
  return { source, exact: false, matches: (name) => regex.test(name) };
}
