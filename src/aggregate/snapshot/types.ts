/**
 * The plain-data form of an aggregation's state, as each thread reports it
 * and as threads, readers and processes merge it. It crosses threads
 * (structured clone) and the control socket (JSON), so it holds no
 * Infinity, NaN or bigint. Append-only.
 *
 * Histograms travel as sparse flat lists [bucket, count, bucket, count, ...]:
 * log-linear bucket numbers (histogram/log-linear.ts) per sign, or linear
 * indexes (histogram/linear.ts). Merging two snapshots is adding counts
 * bucket by bucket, which is exact.
 */

/** A group key value: what a `by` field held (bigints as numbers when safe, else decimal strings). */
export type KeyValue = number | string | boolean;

export type HistSnapshot =
  | {
      readonly layout: 'log-linear';
      readonly zero: number;
      readonly pos: readonly number[];
      readonly neg: readonly number[];
    }
  | { readonly layout: 'linear'; readonly counts: readonly number[] };

export interface GroupSnapshot {
  /** The `by` values, in the order of `by`; empty without `by`. */
  readonly key: readonly KeyValue[];
  /** Events counted (for a histogram: valid values). */
  readonly count: number;
  /** Sum of the values as a Neumaier pair: the sum is sum + comp. */
  readonly sum: number;
  readonly comp: number;
  readonly min: number | null;
  readonly max: number | null;
  /** Values that were NaN, infinite or not numbers: counted here, in no bucket. */
  readonly invalid: number;
  readonly hist: HistSnapshot | null;
  /** With bounds: values in each slot (<= bounds[0], <= bounds[1], ..., above the last); null without. */
  readonly le: readonly number[] | null;
}

export interface LatencyCounters {
  /** Starts waiting for their end now. */
  readonly pending: number;
  /** Starts dropped because too many were pending (or a key started again before its end). */
  readonly evicted: number;
  /** Ends with no start to pair with. */
  readonly unmatchedEnds: number;
}

export interface SkippedMarker {
  readonly marker: string;
  readonly code: string;
  readonly message: string;
}

export interface ThreadRef {
  readonly id: number;
  readonly name: string;
}

/** One thread's state, or several threads' merged (thread is then null). */
export interface PartSnapshot {
  readonly thread: ThreadRef | null;
  readonly groups: readonly GroupSnapshot[];
  /** Events of keys past maxGroups, folded into one group; null while none. */
  readonly other: GroupSnapshot | null;
  /** Exceptions inside the aggregation (a bug; counted, never the host's problem). */
  readonly errors: number;
  /** Markers aggregated. */
  readonly markers: readonly string[];
  readonly skipped: readonly SkippedMarker[];
  readonly latency: LatencyCounters | null;
}
