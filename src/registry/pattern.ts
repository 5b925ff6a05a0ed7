import { coreError } from '../errors/core-codes.js';
import type { MarkersError } from '../errors/markers-error.js';
import { shown } from '../errors/shown.js';
import { nameProblem } from '../marker/name.js';

// \w is [A-Za-z0-9_] (no u flag).
const GLOB = /^[\w.:*-]+$/;

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
  const invalid = (problem: string): MarkersError => {
    const pattern = shown(source);
    return coreError('ERR_INVALID_PATTERN', `invalid marker pattern "${pattern}": ${problem}`, {
      pattern,
    });
  };
  // GLOB refuses '' too; a non-string is refused before it could be coerced.
  if (typeof source !== 'string' || !GLOB.test(source)) {
    throw invalid('expected provider:event, or a glob with * such as "http:*"');
  }
  if (!source.includes('*')) {
    const problem = nameProblem(source);
    if (problem !== undefined) throw invalid(problem);
    return { source, exact: true, matches: (name) => name === source };
  }
  const regex = new RegExp(`^${source.replace(/[.-]/g, '\\$&').replaceAll('*', '.*')}$`);
  return { source, exact: false, matches: (name) => regex.test(name) };
}
