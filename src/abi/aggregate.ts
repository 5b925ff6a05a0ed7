/**
 * What crosses a boundary for aggregations (aggregate/): the options
 * aggregate() takes, which the CLI sends over the control socket (JSON); the
 * checked spec every thread receives (structured clone, abi/thread-ops.ts's
 * aggregate:start); and the plain-data snapshot each thread reports back,
 * which threads, readers and processes merge (aggregate:read, aggregate:stop,
 * and the control socket's aggregate-read with `counts`).
 *
 * Append-only: a field added to the options or the spec must have a default
 * an older thread can do without; a snapshot field is added, never removed
 * or given another meaning. Snapshots hold no Infinity, NaN or bigint (JSON
 * carries none).
 *
 * Histograms travel as sparse flat lists [bucket, count, bucket, count, ...]:
 * log-linear bucket numbers (aggregate/histogram/log-linear.ts) per sign, or
 * linear indexes (aggregate/histogram/linear.ts). Merging two snapshots is
 * adding counts bucket by bucket, which is exact.
 */

/** Linear buckets: [min, min+step), ..., up to max, plus one below min and one at or above max. */
export interface LinearLayout {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

export interface AggregateOptions {
  /** A marker name or glob, or a list of them. For latency: the start markers. */
  readonly markers: string | readonly string[];
  /** Group by these fields (`marker` means the marker's name unless it has a field of that name). */
  readonly by?: readonly string[];
  /** A numeric field to build a histogram of. */
  readonly hist?: string;
  /** Linear buckets instead of log-linear ones. */
  readonly linear?: LinearLayout;
  /**
   * Upper bounds (inclusive, ascending) to count values at, besides the
   * histogram: each group then reports `le`, the exact number of values <= each
   * bound, as Prometheus' `le` buckets need. Needs hist or latency.
   */
  readonly bounds?: readonly number[];
  /** A filter over the fields, e.g. `status >= 500 && path ~ "/api/*"`. */
  readonly where?: string;
  /** Distinct groups kept per thread (and after merging); the rest fold into `other`. Default 1,000. */
  readonly maxGroups?: number;
  /** Results per thread instead of merged. */
  readonly perThread?: boolean;
  /**
   * Latency between a start and an end marker instead of a field: a histogram
   * of milliseconds. `end` defaults to each start marker's name with `_start`
   * replaced by `_end`.
   */
  readonly latency?: {
    readonly end?: string;
    /** A field in both markers that pairs them; without it, thread and nesting order do. */
    readonly key?: string;
    /** Unmatched starts kept per thread and pair; the oldest is evicted (counted) past it. Default 10,000. */
    readonly maxPending?: number;
  };
}

export const AggregateKind = { COUNT: 'count', HIST: 'hist', LATENCY: 'latency' } as const;
export type AggregateKind = (typeof AggregateKind)[keyof typeof AggregateKind];

/** What every thread receives. */
export interface AggregateSpec {
  readonly id: string;
  readonly kind: AggregateKind;
  readonly markers: readonly string[];
  readonly by: readonly string[];
  readonly hist: string | null;
  readonly linear: LinearLayout | null;
  /** Explicit `le` bounds, ascending; null without. */
  readonly bounds: readonly number[] | null;
  readonly where: string | null;
  readonly maxGroups: number;
  readonly perThread: boolean;
  /** Latency only: the end pattern, or null for x_start -> x_end. */
  readonly end: string | null;
  readonly key: string | null;
  readonly maxPending: number;
}

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
