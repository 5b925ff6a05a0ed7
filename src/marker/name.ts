import { coreError } from '../errors/core-codes.js';
import { shown } from '../errors/shown.js';

// \w is [A-Za-z0-9_] (no u flag).
const PART = /^[\w.-]+$/;

/**
 * What is wrong with `name` as a marker name, with the form expected; or
 * undefined when it is `provider:event` with both parts non-empty. Patterns
 * without `*` are names, and say the same.
 */
export function nameProblem(name: string): string | undefined {
  const [provider = '', event, extra] = name.split(':');
  const part = !PART.test(provider) ? 'provider' : !PART.test(event ?? '') ? 'event' : undefined;
  const problem =
    name === ''
      ? 'the name is empty'
      : event === undefined
        ? 'the provider: part is missing'
        : extra !== undefined
          ? 'it has more than one ":"'
          : part && `the ${part} part must be letters, digits, "_", "." or "-"`;
  return problem && `${problem} (expected provider:event)`;
}

/** Throws ERR_INVALID_NAME unless `name` is `provider:event` with both parts non-empty. */
export function validateName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw coreError(
      'ERR_INVALID_NAME',
      `marker name must be a string of the form provider:event, got ${typeof name}`,
      { marker: shown(name) },
    );
  }
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw coreError('ERR_INVALID_NAME', `invalid marker name "${name}": ${problem}`, {
      marker: name,
    });
  }
}
