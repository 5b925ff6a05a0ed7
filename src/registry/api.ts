/**
 * The API over the thread's registry: marker(), what library authors import,
 * and connect() and listMarkers(), what applications and probe modules
 * import. Declaring a marker costs a format parse and a stack trace, once.
 */

import { type ConnectOptions, connectProbe } from '../connect/connect.js';
import type { Probe } from '../connect/connected-probe.js';
import type { CheckFormat, CheckName, FormatArgs } from '../marker/format.js';
import { callerLocation } from '../marker/location.js';
import type { Marker, MarkerOptions } from '../marker/marker.js';
import { getRegistry } from './global.js';
import type { MarkerInfo } from './registry.js';

/**
 * Declares a marker. Call it once, at module scope, and keep the result.
 *
 * @example
 * const requestDone = marker('http:request_done', 'method %s path %s status %d ms %f');
 * requestDone.fire?.(req.method, req.url, res.statusCode, elapsed);
 * const begin = marker('app:req_start', 'reqId %d path %s', { key: 'reqId' });
 *
 * @throws MarkersError ERR_INVALID_NAME, ERR_INVALID_FORMAT, ERR_INVALID_KEY (options.key
 *   is not a field of the format), or ERR_FORMAT_MISMATCH when the name was declared
 *   before with another format or key.
 */
export function marker<const N extends string, const F extends string = ''>(
  name: N extends CheckName<N> ? N : CheckName<N>,
  format?: F extends CheckFormat<F> ? F : CheckFormat<F>,
  options?: MarkerOptions,
): Marker<F> {
  return getRegistry().declare(
    name as string,
    (format ?? '') as string,
    callerLocation(marker),
    options?.key,
  ) as Marker<F>;
}

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
