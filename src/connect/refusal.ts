/**
 * The format check of a connected probe against a marker: whether a probe
 * function may be linked to a marker, and the error that says why not.
 */
import { coreError } from '../errors/core-codes.js';
import type { MarkersError } from '../errors/markers-error.js';
import type { MarkerEntryView } from '../registry/link.js';

export type Refusal = 'format-mismatch' | 'already-connected';

/** Why `fn`, expecting `format` (if given), may not be linked to `entry`; undefined when it may. */
export function refusal(
  entry: MarkerEntryView,
  fn: unknown,
  format: string | undefined,
): Refusal | undefined {
  return format !== undefined && entry.format !== format
    ? 'format-mismatch'
    : entry.links.some((link) => link.kind === 'probe' && link.fn === fn)
      ? 'already-connected'
      : undefined;
}

/**
 * The error of a refusal: thrown by connect() for the markers that exist,
 * emitted as a warning for an exact-name marker declared later (its
 * declaration must not throw: that would break the library declaring it).
 */
export function refused(
  probe: string,
  entry: MarkerEntryView,
  reason: Refusal,
  format: string | undefined,
): MarkersError {
  const declared = entry.locations[0];
  const what = `probe "${probe}" cannot connect to marker "${entry.name}" declared at ${declared}: `;
  return reason === 'format-mismatch'
    ? coreError(
        'ERR_FORMAT_MISMATCH',
        `${what}the probe expects format "${format}", the marker has "${entry.format}"`,
        { marker: entry.name, format, expected: entry.format, declared, probe },
      )
    : coreError('ERR_ALREADY_CONNECTED', `${what}the same function is already connected to it`, {
        marker: entry.name,
        probe,
      });
}
