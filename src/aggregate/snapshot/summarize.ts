/**
 * From snapshots to what read() returns: typed keys, quantiles and buckets
 * with their bounds.
 *
 * A quantile q is the value of rank ceil(q * count) (the nearest-rank
 * definition), estimated as the middle of the bucket that rank falls in,
 * and clamped to [min, max]. With log-linear buckets that is within 0.4 % of
 * the true value of that rank; with linear buckets, within half a step.
 */
import type {
  AggregateSpec,
  GroupSnapshot,
  HistSnapshot,
  KeyValue,
  LatencyCounters,
  LinearLayout,
  PartSnapshot,
  SkippedMarker,
  ThreadRef,
} from '../../abi/aggregate.js';
import { linearBounds } from '../histogram/linear.js';
import { bucketBounds, bucketMiddle } from '../histogram/log-linear.js';
import { addLatency } from './merge.js';

export interface Bucket {
  /** Inclusive lower bound; -Infinity for linear's underflow bucket (null in JSON). */
  readonly lo: number;
  /** Exclusive upper bound (inclusive for the zero bucket, whose lo and hi are 0). */
  readonly hi: number;
  readonly count: number;
}

export interface AggregateGroup {
  readonly key: Readonly<Record<string, KeyValue>>;
  /** With perThread: the thread these figures come from. */
  readonly thread?: ThreadRef;
  readonly count: number;
  /** Of the histogram field (or latency); null for a count. */
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** NaN, infinite or non-numeric values of the histogram field: counted, in no bucket. */
  readonly invalid: number;
  readonly p50?: number | null;
  readonly p90?: number | null;
  readonly p99?: number | null;
  readonly p999?: number | null;
  readonly buckets?: readonly Bucket[];
  /** With bounds: how many values were <= each bound (cumulative, as Prometheus' `le`). */
  readonly le?: readonly number[];
}

export interface AggregateResult {
  /** When the figures were read, ms since the Unix epoch. */
  readonly time: number;
  readonly kind: AggregateSpec['kind'];
  /** How the histogram buckets are laid out; null for a count. */
  readonly layout: 'log-linear' | 'linear' | null;
  /** Busiest first. */
  readonly groups: readonly AggregateGroup[];
  /** Events of keys past maxGroups, folded together; null while none. */
  readonly other: AggregateGroup | null;
  /** Events in `other`. */
  readonly otherCount: number;
  /**
   * Events seen and counted in no group: exceptions inside the aggregation,
   * and for latency, evicted starts and ends without a start.
   */
  readonly dropped: number;
  /** Sum of the groups' invalid values (other included). */
  readonly invalid: number;
  readonly errors: number;
  readonly markers: readonly string[];
  readonly skipped: readonly SkippedMarker[];
  readonly latency: LatencyCounters | null;
}

/** Buckets in increasing value order, with their bounds. */
export function bucketsOf(hist: HistSnapshot, linear: LinearLayout | null): Bucket[] {
  const out: Bucket[] = [];
  if (hist.layout === 'linear') {
    const layout = linear ?? { min: 0, max: 1, step: 1 };
    for (let i = 0; i + 1 < hist.counts.length; i += 2) {
      const { lo, hi } = linearBounds(layout, hist.counts[i] as number);
      out.push({ lo, hi, count: hist.counts[i + 1] as number });
    }
    return out;
  }
  for (let i = hist.neg.length - 2; i >= 0; i -= 2) {
    const { lo, hi } = bucketBounds(hist.neg[i] as number);
    out.push({ lo: -hi, hi: -lo, count: hist.neg[i + 1] as number });
  }
  if (hist.zero > 0) out.push({ lo: 0, hi: 0, count: hist.zero });
  for (let i = 0; i + 1 < hist.pos.length; i += 2) {
    const { lo, hi } = bucketBounds(hist.pos[i] as number);
    out.push({ lo, hi, count: hist.pos[i + 1] as number });
  }
  return out;
}

/** The estimate of each quantile in `qs` (ascending), nearest-rank. */
export function quantiles(
  hist: HistSnapshot,
  linear: LinearLayout | null,
  count: number,
  min: number,
  max: number,
  qs: readonly number[],
): number[] {
  const clamp = (v: number): number => Math.min(max, Math.max(min, v));
  // Each bucket as (estimate, count), in increasing value order.
  const points: [number, number][] = [];
  if (hist.layout === 'linear') {
    const layout = linear ?? { min: 0, max: 1, step: 1 };
    for (let i = 0; i + 1 < hist.counts.length; i += 2) {
      const { lo, hi } = linearBounds(layout, hist.counts[i] as number);
      const mid = Number.isFinite(lo) ? (Number.isFinite(hi) ? lo + (hi - lo) / 2 : max) : min;
      points.push([mid, hist.counts[i + 1] as number]);
    }
  } else {
    for (let i = hist.neg.length - 2; i >= 0; i -= 2) {
      points.push([-bucketMiddle(hist.neg[i] as number), hist.neg[i + 1] as number]);
    }
    if (hist.zero > 0) points.push([0, hist.zero]);
    for (let i = 0; i + 1 < hist.pos.length; i += 2) {
      points.push([bucketMiddle(hist.pos[i] as number), hist.pos[i + 1] as number]);
    }
  }
  const out: number[] = [];
  let seen = 0;
  let p = 0;
  for (const q of qs) {
    const rank = Math.max(1, Math.ceil(q * count));
    while (p < points.length && seen + (points[p] as [number, number])[1] < rank) {
      seen += (points[p] as [number, number])[1];
      p++;
    }
    const point = points[Math.min(p, points.length - 1)];
    out.push(point === undefined ? max : clamp(point[0]));
  }
  return out;
}

/** Running totals of the slots at the bounds, without the slot above the last bound. */
function cumulative(slots: readonly number[]): number[] {
  let running = 0;
  return slots.slice(0, -1).map((n) => (running += n));
}

export const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

export function summarizeGroup(
  g: GroupSnapshot,
  spec: Pick<AggregateSpec, 'by' | 'kind' | 'linear'>,
  thread: ThreadRef | null,
): AggregateGroup {
  const key: Record<string, KeyValue> = {};
  spec.by.forEach((name, i) => {
    const v = g.key[i];
    if (v !== undefined) key[name] = v;
  });
  const valued = spec.kind !== 'count';
  const sum = valued ? g.sum + g.comp : null;
  const base = {
    key,
    ...(thread === null ? {} : { thread }),
    count: g.count,
    sum,
    min: valued ? g.min : null,
    max: valued ? g.max : null,
    mean: valued && g.count > 0 && sum !== null ? sum / g.count : null,
    invalid: g.invalid,
    ...(g.le === null || g.le === undefined ? {} : { le: cumulative(g.le) }),
  };
  if (g.hist === null) return base;
  if (g.count === 0 || g.min === null || g.max === null) {
    return { ...base, p50: null, p90: null, p99: null, p999: null, buckets: [] };
  }
  const [p50, p90, p99, p999] = quantiles(g.hist, spec.linear, g.count, g.min, g.max, QUANTILES);
  return {
    ...base,
    p50: p50 ?? null,
    p90: p90 ?? null,
    p99: p99 ?? null,
    p999: p999 ?? null,
    buckets: bucketsOf(g.hist, spec.linear),
  };
}

/** read()'s result from parts: one merged part, or one per thread (perThread). */
export function summarize(
  spec: Pick<AggregateSpec, 'by' | 'kind' | 'linear'>,
  parts: readonly PartSnapshot[],
  time: number,
): AggregateResult {
  const groups: AggregateGroup[] = [];
  const others: AggregateGroup[] = [];
  let otherCount = 0;
  let errors = 0;
  let invalid = 0;
  const markers = new Set<string>();
  const skipped = new Map<string, SkippedMarker>();
  let latency = null as LatencyCounters | null;
  for (const part of parts) {
    for (const g of part.groups) {
      groups.push(summarizeGroup(g, spec, part.thread));
      invalid += g.invalid;
    }
    if (part.other !== null) {
      others.push(summarizeGroup(part.other, spec, part.thread));
      otherCount += part.other.count + part.other.invalid;
      invalid += part.other.invalid;
    }
    errors += part.errors;
    for (const m of part.markers) markers.add(m);
    for (const s of part.skipped) skipped.set(`${s.marker}\u0000${s.code}`, s);
    latency = addLatency(latency, part.latency);
  }
  groups.sort((a, b) => b.count - a.count);
  return {
    time,
    kind: spec.kind,
    layout: spec.kind === 'count' ? null : spec.linear === null ? 'log-linear' : 'linear',
    groups,
    // perThread keeps one other per thread; merged there is at most one.
    other: others.length === 0 ? null : (others[0] as AggregateGroup),
    otherCount,
    dropped: errors + (latency === null ? 0 : latency.evicted + latency.unmatchedEnds),
    invalid,
    errors,
    markers: [...markers].sort(),
    skipped: [...skipped.values()],
    latency,
  };
}

/** A group in the light form a poller such as the metrics agent reads. */
export interface CountsGroup {
  readonly key: Readonly<Record<string, KeyValue>>;
  readonly count: number;
  readonly sum: number;
  /** With bounds: values <= each bound, cumulative. */
  readonly le?: readonly number[];
}

export interface CountsResult {
  readonly time: number;
  readonly groups: readonly CountsGroup[];
  readonly other: CountsGroup | null;
  readonly otherCount: number;
  readonly dropped: number;
  readonly invalid: number;
}

function countsGroup(g: GroupSnapshot, by: readonly string[]): CountsGroup {
  const key: Record<string, KeyValue> = {};
  by.forEach((name, i) => {
    const v = g.key[i];
    if (v !== undefined) key[name] = v;
  });
  return {
    key,
    count: g.count,
    sum: g.sum + g.comp,
    ...(g.le === null || g.le === undefined ? {} : { le: cumulative(g.le) }),
  };
}

/**
 * Counts, sums and `le` counts only: no quantile and no bucket list, so a
 * poller that asks often (a scrape every few seconds) costs the target little
 * and the reply stays small.
 */
export function countsOf(
  spec: Pick<AggregateSpec, 'by'>,
  parts: readonly PartSnapshot[],
  time: number,
): CountsResult {
  const groups: CountsGroup[] = [];
  let other: CountsGroup | null = null;
  let otherCount = 0;
  let dropped = 0;
  let invalid = 0;
  for (const part of parts) {
    for (const g of part.groups) {
      groups.push(countsGroup(g, spec.by));
      invalid += g.invalid;
    }
    if (part.other !== null) {
      other ??= countsGroup(part.other, spec.by);
      otherCount += part.other.count + part.other.invalid;
      invalid += part.other.invalid;
    }
    dropped +=
      part.errors + (part.latency === null ? 0 : part.latency.evicted + part.latency.unmatchedEnds);
  }
  return { time, groups, other, otherCount, dropped, invalid };
}
