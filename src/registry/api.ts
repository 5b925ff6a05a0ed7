/**
 * The probe API: what applications and probe modules import.
 */
import type { FormatArgs } from '../marker/format.js';
import type { Marker } from '../marker/marker.js';
import { getRegistry } from './global.js';
import { type ConnectOptions, connectProbe, type Probe } from './probe.js';
import type { MarkerInfo } from './registry.js';

/**
 * Connects `probe` to a marker, or to every marker a pattern matches now or
 * later. `probe(marker, ...args)` runs on every fire, in connection order.
 *
 * @throws MarkersError ERR_INVALID_PROBE, ERR_INVALID_PATTERN, ERR_INVALID_FORMAT,
 *   ERR_FORMAT_MISMATCH (exact name with another format), ERR_ALREADY_CONNECTED.
 */
export function connect<F extends string>(
  marker: Marker<F>,
  probe: (marker: Marker<F>, ...args: FormatArgs<F>) => unknown,
  options?: ConnectOptions,
): Probe;
/**
 * By name or pattern the format is only known at run time, so the arguments
 * are typed loosely: annotate them, and pass `options.format` to have the
 * registry check that the markers really have the format you annotated.
 */
export function connect(
  pattern: string,
  // biome-ignore lint/suspicious/noExplicitAny: a pattern's formats are only known at run time
  probe: (marker: Marker, ...args: any[]) => unknown,
  options?: ConnectOptions,
): Probe;
export function connect(target: unknown, probe: unknown, options?: ConnectOptions): Probe {
  return connectProbe(getRegistry(), target, probe, options);
}

/** The markers of this thread whose name matches `pattern` (all when omitted). */
export function listMarkers(pattern?: string): MarkerInfo[] {
  return getRegistry().list(pattern);
}
