// The core's codes only: a browser bundle leaves the rest of the table out.
import { CoreErrorCode as ErrorCode } from '../errors/core-codes.js';
import { MarkersError } from '../errors/markers-error.js';
import { validateName } from '../marker/name.js';

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
  if (typeof source !== 'string' || source === '' || !GLOB.test(source)) {
    throw new MarkersError(
      ErrorCode.INVALID_PATTERN,
      `invalid marker pattern ${JSON.stringify(source)}: use a name such as "http:request" or a glob with * such as "http:*"`,
      { pattern: String(source) },
    );
  }
  if (!source.includes('*')) {
    try {
      validateName(source);
    } catch (error) {
      throw new MarkersError(
        ErrorCode.INVALID_PATTERN,
        `invalid marker pattern "${source}": ${(error as Error).message}`,
        { pattern: source },
        { cause: error },
      );
    }
    return { source, exact: true, matches: (name) => name === source };
  }
  const regex = new RegExp(`^${source.replace(/[.-]/g, (c) => `\\${c}`).replaceAll('*', '.*')}$`);
  return { source, exact: false, matches: (name) => regex.test(name) };
}
