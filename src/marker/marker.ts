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

/** What a declaration may add to its name and format. */
export interface MarkerOptions {
  /**
   * The field that pairs an `x_start` with its `x_end` when operations
   * overlap (a request id): the trace converters and `markers latency` pair
   * the two markers by equal values of it. Without it, a field named `id` or
   * `key` does; see the README, "Slices and latency pairs".
   */
  readonly key?: string;
}

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
