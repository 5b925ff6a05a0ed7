// The core's codes only: a browser bundle leaves the rest of the table out.
import { CoreErrorCode as ErrorCode } from '../errors/core-codes.js';
import { MarkersError } from '../errors/markers-error.js';

const PART = /^[A-Za-z0-9_.-]+$/;

/** Throws ERR_INVALID_NAME unless `name` is `provider:event` with both parts non-empty. */
export function validateName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new MarkersError(
      ErrorCode.INVALID_NAME,
      `marker name must be a string of the form provider:event, got ${typeof name}`,
      { marker: String(name) },
    );
  }
  const colon = name.indexOf(':');
  const problem =
    name === ''
      ? 'the name is empty'
      : colon < 0
        ? 'the provider: part is missing'
        : name.indexOf(':', colon + 1) >= 0
          ? 'it has more than one ":"'
          : !PART.test(name.slice(0, colon))
            ? 'the provider part must be letters, digits, "_", "." or "-"'
            : !PART.test(name.slice(colon + 1))
              ? 'the event part must be letters, digits, "_", "." or "-"'
              : undefined;
  if (problem !== undefined) {
    throw new MarkersError(
      ErrorCode.INVALID_NAME,
      `invalid marker name "${name}": ${problem} (expected provider:event)`,
      { marker: name },
    );
  }
}
