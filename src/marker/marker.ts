/**
 * What a marker is, as its users see it: the types of the object `marker()`
 * returns (registry/api.ts declares it; marker/site.ts builds it). Firing a
 * disabled marker costs nothing, because `fire` is undefined and `?.` skips
 * the call and its arguments.
 */
import type { CheckArgs, Field, FormatArgs } from './format.js';

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
