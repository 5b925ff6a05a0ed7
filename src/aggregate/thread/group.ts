/**
 * One group's accumulators and the table that finds a group by its key.
 *
 * Hot path: a group is found with one Map lookup per `by` field on the raw
 * argument value (nested Maps for several fields), so an event of a known
 * key allocates nothing. The first `maxGroups` keys get a group each; later
 * keys share the `other` group, so memory is bounded by the cap.
 */
import type { GroupSnapshot, HistSnapshot, KeyValue, LinearLayout } from '../../abi/aggregate.js';
import { LinearCounts } from '../histogram/linear.js';
import { LogLinearCounts } from '../histogram/log-linear.js';

const TMP = new Float64Array(1);

/**
 * Elapsed times a group holds before it accumulates them (addLater). A
 * latency's value is ready only after the end's clock read, and the clock
 * (the vDSO's ordered rdtsc) lets no later instruction start before the
 * earlier ones finish: an add done per pair runs its whole dependency chain
 * (the compensated sum, the bucket's bits, the directory and pool loads)
 * between two clock reads, with nothing to overlap it. Done 32 at a time,
 * in one loop over locals, the chains overlap. 256 bytes per group.
 */
export const BATCH = 32;

/** Where a group's valid values are counted, besides count, sum, min and max. */
interface Counts {
  /** values[i] is finite; the caller counted it. */
  addAt(values: Float64Array, i: number): void;
  /** addAt(values, i); `words` is a Uint32Array over values' buffer, for counts that read bits. */
  addFrom(values: Float64Array, words: Uint32Array, i: number): void;
}

const NO_COUNTS: Counts = { addAt() {}, addFrom() {} };

/** Counts at explicit bounds (the last slot is above them all), beside a histogram or alone. */
class BoundedCounts implements Counts {
  readonly #inner: Counts;
  readonly #bounds: readonly number[];
  readonly le: Float64Array;

  constructor(inner: Counts, bounds: readonly number[]) {
    this.#inner = inner;
    this.#bounds = bounds;
    this.le = new Float64Array(bounds.length + 1);
  }

  addFrom(values: Float64Array, _words: Uint32Array, i: number): void {
    this.addAt(values, i);
  }

  /** The first slot whose bound is >= values[i], by binary search: no allocation. */
  addAt(values: Float64Array, i: number): void {
    this.#inner.addAt(values, i);
    const v = values[i] as number;
    const bounds = this.#bounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bounds[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    const le = this.le;
    le[lo] = (le[lo] as number) + 1;
  }
}

export class Group {
  count = 0;
  sum = 0;
  comp = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  invalid = 0;
  readonly key: readonly unknown[];
  readonly log: LogLinearCounts | null;
  readonly linear: LinearCounts | null;
  /** Per-slot counts at the explicit bounds (the last slot is above them all). */
  readonly le: Float64Array | null;
  /**
   * The one object addAt hands a value to, chosen here rather than tested
   * per event: addAt stays small enough for V8 to inline with the rest of
   * an event's path (on Node 20, a call left out boxes the caller's double).
   */
  readonly #counts: Counts;

  constructor(
    key: readonly unknown[],
    hist: boolean,
    linear: LinearLayout | null,
    bounds: readonly number[] | null = null,
  ) {
    this.key = key;
    this.log = hist && linear === null ? new LogLinearCounts() : null;
    this.linear = hist && linear !== null ? new LinearCounts(linear) : null;
    const counts: Counts = this.log ?? this.linear ?? NO_COUNTS;
    this.later = new Float64Array(hist ? BATCH : 0);
    this.#laterWords = new Uint32Array(this.later.buffer);
    if (bounds === null) {
      this.le = null;
      this.#counts = counts;
    } else {
      const bounded = new BoundedCounts(counts, bounds);
      this.le = bounded.le;
      this.#counts = bounded;
    }
  }

  /** A value of the histogram field that is not known to be a number (a JavaScript caller's). */
  add(raw: unknown): void {
    TMP[0] = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : Number.NaN;
    this.addAt(TMP, 0);
  }

  /**
   * The number values[i]: the hot path. It takes the array and the index,
   * not the double, so that a call V8 does not inline boxes nothing.
   */
  addAt(values: Float64Array, i: number): void {
    const v = values[i] as number;
    // v - v is 0 for finite numbers only: NaN and ±Infinity are invalid.
    if (v - v !== 0) {
      this.invalid++;
      return;
    }
    this.count++;
    // Neumaier summation: the rounding error of each addition is kept in comp,
    // so the sum is exact for integers and as good as a double allows otherwise.
    const sum = this.sum;
    const t = sum + v;
    this.comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    this.sum = t;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.#counts.addAt(values, i);
  }

  /**
   * The elapsed times waiting for flush(), hist groups only (see BATCH), and
   * how many there are: public because the generated end of a latency pair
   * (fused.ts) does addLater's steps in its own body, a call per pair less.
   */
  readonly later: Float64Array;
  pending = 0;
  /** later's words, for counts that read a value's bits (LogLinearCounts.addFrom). */
  readonly #laterWords: Uint32Array;

  /**
   * addAt(values, i) for the end of a latency pair: kept, and accumulated
   * with the next BATCH - 1 by flush(). Whoever reads the group flushes it
   * first (snapshot() does).
   */
  addLater(values: Float64Array, i: number): void {
    const n = this.pending + 1;
    this.later[n - 1] = values[i] as number;
    this.pending = n;
    if (n === BATCH) this.flush();
  }

  /**
   * Accumulates what addLater kept: addAt's steps, over locals, in one loop.
   * (addAt does not call this with one value: bench:floor's agg-hist took
   * 11.2 ns per event that way, against 8.6 ns as written.)
   */
  flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    const b = this.later;
    const words = this.#laterWords;
    const counts = this.#counts;
    let count = this.count;
    let invalid = this.invalid;
    let sum = this.sum;
    let comp = this.comp;
    let min = this.min;
    let max = this.max;
    for (let j = 0; j < n; j++) {
      const v = b[j] as number;
      if (v - v !== 0) {
        invalid++;
        continue;
      }
      count++;
      const t = sum + v;
      comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
      if (v < min) min = v;
      if (v > max) max = v;
      counts.addFrom(b, words, j);
    }
    this.count = count;
    this.invalid = invalid;
    this.sum = sum;
    this.comp = comp;
    this.min = min;
    this.max = max;
  }

  snapshot(): GroupSnapshot {
    this.flush();
    let hist: HistSnapshot | null = null;
    if (this.log !== null) {
      hist = {
        layout: 'log-linear',
        zero: this.log.zero,
        pos: this.log.pos.entries(),
        neg: this.log.neg.entries(),
      };
    } else if (this.linear !== null) {
      hist = { layout: 'linear', counts: this.linear.entries() };
    }
    const valued = this.log !== null || this.linear !== null;
    return {
      key: this.key.map(keyValue),
      count: this.count,
      sum: valued ? this.sum : 0,
      comp: valued ? this.comp : 0,
      min: valued && this.count > 0 ? this.min : null,
      max: valued && this.count > 0 ? this.max : null,
      invalid: this.invalid,
      hist,
      le: this.le === null ? null : Array.from(this.le),
    };
  }
}

/** A key value as plain data. */
export function keyValue(v: unknown): KeyValue {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }
  return String(v);
}

type Level = Map<unknown, Level | Group>;

/** Integer keys below this get an array slot (at most 8 KiB of pointers per table). */
const SMALL_KEYS = 1024;

export class GroupTable {
  readonly #hist: boolean;
  readonly #linear: LinearLayout | null;
  readonly #bounds: readonly number[] | null;
  readonly #maxGroups: number;
  readonly #depth: number;
  readonly #root: Level = new Map();
  /** The group of a table without `by`. */
  readonly single: Group;
  readonly groups: Group[] = [];
  other: Group | null = null;

  constructor(
    depth: number,
    hist: boolean,
    linear: LinearLayout | null,
    maxGroups: number,
    bounds: readonly number[] | null = null,
  ) {
    this.#depth = depth;
    this.#hist = hist;
    this.#linear = linear;
    this.#bounds = bounds;
    this.#maxGroups = maxGroups;
    this.single = new Group([], hist, linear, bounds);
    if (depth === 0) this.groups.push(this.single);
  }

  /**
   * Groups of small non-negative integer keys (status codes, shard numbers,
   * enum values), by index: an array load instead of a Map lookup. The Map
   * still holds them too, so the group cap and the key order are the same.
   */
  readonly small: (Group | undefined)[] = [];

  /** The group of a one-field key. */
  find1(k: unknown): Group {
    if (typeof k === 'number' && (k | 0) === k && k >= 0 && k < SMALL_KEYS) {
      const hit = this.small[k];
      if (hit !== undefined) return hit;
    }
    const found = this.#root.get(k);
    if (found !== undefined) return found as Group;
    const group = this.#create(this.#root, k, [k]);
    if (
      group !== this.other &&
      typeof k === 'number' &&
      (k | 0) === k &&
      k >= 0 &&
      k < SMALL_KEYS
    ) {
      // Filled in order up to k, so the array stays packed (holes are undefined, not missing).
      while (this.small.length < k) this.small.push(undefined);
      this.small[k] = group;
    }
    return group;
  }

  /** The group of a key of several fields, read from `s` by `read`. */
  findN(s: readonly unknown[], read: readonly ((s: readonly unknown[]) => unknown)[]): Group {
    let level = this.#root;
    const last = this.#depth - 1;
    for (let i = 0; i < last; i++) {
      const k = (read[i] as (s: readonly unknown[]) => unknown)(s);
      let next = level.get(k) as Level | undefined;
      if (next === undefined) {
        if (this.groups.length >= this.#maxGroups) return this.#otherGroup();
        next = new Map();
        level.set(k, next);
      }
      level = next;
    }
    const k = (read[last] as (s: readonly unknown[]) => unknown)(s);
    const found = level.get(k);
    if (found !== undefined) return found as Group;
    return this.#create(
      level,
      k,
      read.map((r) => r(s)),
    );
  }

  /**
   * The group of the key whose field values are in `keys` (reused by the
   * caller: it is copied only when a group is created).
   */
  findKeys(keys: readonly unknown[]): Group {
    let level = this.#root;
    const last = keys.length - 1;
    for (let i = 0; i < last; i++) {
      const k = keys[i];
      let next = level.get(k) as Level | undefined;
      if (next === undefined) {
        if (this.groups.length >= this.#maxGroups) return this.#otherGroup();
        next = new Map();
        level.set(k, next);
      }
      level = next;
    }
    const k = keys[last];
    const found = level.get(k);
    if (found !== undefined) return found as Group;
    return this.#create(level, k, keys.slice());
  }

  #create(level: Level, k: unknown, key: unknown[]): Group {
    if (this.groups.length >= this.#maxGroups) return this.#otherGroup();
    const group = new Group(key, this.#hist, this.#linear, this.#bounds);
    level.set(k, group);
    this.groups.push(group);
    return group;
  }

  /** Every group's kept values accumulated (Group.addLater): before reading counts. */
  flush(): void {
    for (const g of this.groups) g.flush();
    this.other?.flush();
  }

  #otherGroup(): Group {
    this.other ??= new Group([], this.#hist, this.#linear, this.#bounds);
    return this.other;
  }
}
