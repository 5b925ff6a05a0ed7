/**
 * The instrumentation API: what library authors import. Declaring a marker
 * costs a format parse and a stack trace, once; firing a disabled one costs
 * nothing, because `fire` is undefined and `?.` skips the call and its
 * arguments.
 */
import { getRegistry } from '../registry/global.js';
import type { CheckArgs, CheckFormat, CheckName, Field, FormatArgs } from './format.js';
import { callerLocation } from './location.js';

/**
 * The type of `fire`. With a `%u` in the format it is generic over its
 * arguments, only so that a negative literal for the `%u` is caught at
 * compile time (CheckArgs); without one it stays a plain signature, which
 * editors show more simply. Both accept exactly FormatArgs<F>.
 */
export type Fire<F extends string> = F extends `${string}%u${string}`
  ? <const A extends FormatArgs<F>>(...args: CheckArgs<A, F>) => void
  : (...args: FormatArgs<F>) => void;

export interface Marker<F extends string = string> {
  /** `provider:event`. */
  readonly name: string;
  readonly format: F;
  readonly fields: readonly Field[];
  /** Where this object was declared, as file:line:column. */
  readonly location: string;
  readonly enabled: boolean;
  /**
   * Undefined while the marker is disabled; call it as `m.fire?.(...)`.
   * While enabled, it calls the connected probes and the recorder.
   */
  readonly fire: Fire<F> | undefined;
}

/**
 * Declares a marker. Call it once, at module scope, and keep the result.
 *
 * @example
 * const requestDone = marker('http:request_done', 'method %s path %s status %d ms %f');
 * requestDone.fire?.(req.method, req.url, res.statusCode, elapsed);
 *
 * @throws MarkersError ERR_INVALID_NAME, ERR_INVALID_FORMAT, or ERR_FORMAT_MISMATCH
 *   when the name was declared before with another format.
 */
export function marker<const N extends string, const F extends string = ''>(
  name: N extends CheckName<N> ? N : CheckName<N>,
  format?: F extends CheckFormat<F> ? F : CheckFormat<F>,
): Marker<F> {
  return getRegistry().declare(
    name as string,
    (format ?? '') as string,
    callerLocation(marker),
  ) as Marker<F>;
}
