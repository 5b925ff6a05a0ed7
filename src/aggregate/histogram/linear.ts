/**
 * Linear buckets, for `linear: { min, max, step }`: [min, min+step), ...,
 * up to max, plus one bucket below min and one at or above max. Dense (the
 * bucket count is bounded when the options are checked).
 */
import type { LinearLayout } from '../../abi/aggregate.js';

/** At most this many buckets between min and max. */
export const MAX_LINEAR_BUCKETS = 10_000;

export function linearBucketCount(layout: LinearLayout): number {
  return Math.ceil((layout.max - layout.min) / layout.step);
}

export class LinearCounts {
  readonly #min: number;
  readonly #max: number;
  readonly #step: number;
  readonly #n: number;
  /** [0] below min, [1..n] the buckets, [n+1] at or above max. */
  readonly counts: Float64Array;

  constructor(layout: LinearLayout) {
    this.#min = layout.min;
    this.#max = layout.max;
    this.#step = layout.step;
    this.#n = linearBucketCount(layout);
    this.counts = new Float64Array(this.#n + 2);
  }

  /** `values[i]` is finite; the caller counted it. */
  addAt(values: Float64Array, i: number): void {
    const v = values[i] as number;
    let k: number;
    if (v < this.#min) k = 0;
    else if (v >= this.#max) k = this.#n + 1;
    else k = Math.min(this.#n, Math.floor((v - this.#min) / this.#step) + 1);
    this.counts[k] = (this.counts[k] as number) + 1;
  }

  /** addAt(values, i): a linear bucket reads no bits of the value. */
  addFrom(values: Float64Array, _words: Uint32Array, i: number): void {
    this.addAt(values, i);
  }

  /** Non-empty buckets as a flat [index, count, ...] list, ascending (index 0 = below min). */
  entries(): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.counts.length; k++) {
      const n = this.counts[k] as number;
      if (n > 0) out.push(k, n);
    }
    return out;
  }
}

/** The range of linear bucket `k`; the outer two are open-ended. */
export function linearBounds(layout: LinearLayout, k: number): { lo: number; hi: number } {
  const n = linearBucketCount(layout);
  if (k === 0) return { lo: Number.NEGATIVE_INFINITY, hi: layout.min };
  if (k === n + 1) return { lo: layout.max, hi: Number.POSITIVE_INFINITY };
  return {
    lo: layout.min + (k - 1) * layout.step,
    hi: Math.min(layout.max, layout.min + k * layout.step),
  };
}
