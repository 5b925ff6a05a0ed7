/**
 * Log-linear (HDR-style) buckets over every finite double.
 *
 * Algorithm: a bucket is named by the sign, the binary exponent and the top
 * SUB_BITS bits of the mantissa of a value. Within one power of two the
 * buckets are linear, 2^SUB_BITS of them, so each is at most 1/128 of its
 * lower bound wide; a quantile reported as the middle of its bucket is within
 * 1/256 (0.4 %) of any value in it. The bucket index is read straight from the
 * IEEE 754 bits (one store into a Float64Array, one load of the high word):
 * no logarithm, no loop.
 *
 * Subnormal values (below 2^-1022) have no implicit leading bit, so they are
 * scaled by 2^64 first and get "virtual" exponents below the normal range;
 * they keep the same relative precision. Zero (and -0) has a bucket of its
 * own, negative values a table of their own, keyed by magnitude.
 *
 * Storage is sparse and two-level: a directory per sign, one slot per
 * exponent, pointing at a 128-count chunk in a pool that grows by doubling.
 * A value in an octave already seen allocates nothing.
 */

export const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Virtual exponents of subnormals go down to -63; normal ones are 1..2046. */
const EXP_OFFSET = 64;
const DIR_SIZE = 2047 + EXP_OFFSET;
const SCALE_UP = 2 ** 64;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// The high word holds sign, exponent and the top of the mantissa; which
// element it is depends on the platform's byte order.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Bucket number (exponent + EXP_OFFSET) * SUB + sub-bucket of |v|, v finite and non-zero. */
export function bucketOf(v: number): number {
  F64[0] = v;
  return bucketOfF64();
}

/**
 * bucketOf(values[i]). Taking the array and an index, not the double, keeps
 * the value unboxed across the call when V8 does not inline it.
 */
export function bucketAt(values: Float64Array, i: number): number {
  F64[0] = values[i] as number;
  return bucketOfF64();
}

/**
 * The bucket of the value in F64[0]. It takes no double argument: where V8
 * does not inline it (Node 20's budget runs out on the aggregation path), a
 * double argument is boxed, one allocation per event.
 */
function bucketOfF64(): number {
  let hi = U32[HI] as number;
  let exp = (hi >>> 20) & 0x7ff;
  if (exp === 0) {
    F64[0] = (F64[0] as number) * SCALE_UP;
    hi = U32[HI] as number;
    exp = ((hi >>> 20) & 0x7ff) - 64;
  }
  return (exp + EXP_OFFSET) * SUB + ((hi >>> (20 - SUB_BITS)) & (SUB - 1));
}

/** Magnitude of bucket `b` at `at` sub-bucket steps from its lower bound (0 = lo, 1 = hi). */
function bucketPoint(b: number, at: number): number {
  const exp = Math.floor(b / SUB) - EXP_OFFSET;
  const sub = b % SUB;
  // 2^(exp-1023-7) underflows for subnormals: scale in two steps.
  if (exp > 0) return (SUB + sub + at) * 2 ** (exp - 1023 - SUB_BITS);
  return (SUB + sub + at) * 2 ** (exp - 1023 - SUB_BITS + 64) * 2 ** -64;
}

/**
 * The magnitude range [lo, hi) of bucket `b`; hi of the top bucket is
 * Infinity (2^1024). Below the normal range a bucket's exact bounds fall
 * between doubles: both are rounded up to the next subnormal, so [lo, hi)
 * still holds every double of the bucket (rounded to nearest, the bucket of
 * 5e-324 was [5e-324, 5e-324), which holds nothing).
 */
export function bucketBounds(b: number): { lo: number; hi: number } {
  const exp = Math.floor(b / SUB) - EXP_OFFSET;
  if (exp > 0) return { lo: bucketPoint(b, 0), hi: bucketPoint(b, 1) };
  // In units of the smallest subnormal, 2^-1074: exact, and integers scale back exactly.
  const units = (at: number): number =>
    Math.ceil((SUB + (b % SUB) + at) * 2 ** (exp - 1023 - SUB_BITS + 1074)) * 2 ** -1074;
  return { lo: units(0), hi: units(1) };
}

/** The middle of bucket `b`, the estimate reported for a rank that falls in it. */
export function bucketMiddle(b: number): number {
  return bucketPoint(b, 0.5);
}

/** One sign's sparse table of counts. */
export class BucketTable {
  // Int16 is enough: a sign has at most DIR_SIZE (2111) chunks.
  #dir: Int16Array | undefined;
  #pool = new Float64Array(0);
  #chunks = 0;

  add(b: number, n: number): void {
    const exp = b >>> SUB_BITS;
    let dir = this.#dir;
    if (dir === undefined) {
      dir = new Int16Array(DIR_SIZE).fill(-1);
      this.#dir = dir;
    }
    let chunk = dir[exp] as number;
    if (chunk < 0) chunk = this.#newChunk(exp, dir);
    const at = chunk * SUB + (b & (SUB - 1));
    this.#pool[at] = (this.#pool[at] as number) + n;
  }

  /**
   * One count in sub-bucket `sub` of directory slot `e`: the per-event path,
   * kept small so V8 inlines it whole; a slot seen for the first time goes
   * through add().
   */
  count(e: number, sub: number): void {
    const dir = this.#dir;
    if (dir !== undefined) {
      const chunk = dir[e] as number;
      if (chunk >= 0) {
        const at = (chunk << SUB_BITS) + sub;
        const pool = this.#pool;
        pool[at] = (pool[at] as number) + 1;
        return;
      }
    }
    this.add((e << SUB_BITS) + sub, 1);
  }

  #newChunk(exp: number, dir: Int16Array): number {
    const chunk = this.#chunks++;
    if (this.#chunks * SUB > this.#pool.length) {
      const grown = new Float64Array(Math.max(SUB, this.#pool.length * 2));
      grown.set(this.#pool);
      this.#pool = grown;
    }
    dir[exp] = chunk;
    return chunk;
  }

  /** Non-empty buckets as a flat [bucket, count, bucket, count, ...] list, ascending. */
  entries(): number[] {
    const out: number[] = [];
    const dir = this.#dir;
    if (dir === undefined) return out;
    for (let exp = 0; exp < DIR_SIZE; exp++) {
      const chunk = dir[exp] as number;
      if (chunk < 0) continue;
      for (let sub = 0; sub < SUB; sub++) {
        const n = this.#pool[chunk * SUB + sub] as number;
        if (n > 0) out.push(exp * SUB + sub, n);
      }
    }
    return out;
  }

  /** Approximate memory held, in bytes. */
  get bytes(): number {
    return (this.#dir === undefined ? 0 : DIR_SIZE * 2) + this.#pool.length * 8;
  }
}

/** Log-linear counts of one group: zero, positive and negative values. */
export class LogLinearCounts {
  zero = 0;
  readonly pos = new BucketTable();
  readonly neg = new BucketTable();

  /**
   * `values[i]` is finite; the caller counted it. The bucket is read from the
   * bits here, not through bucketAt(): this is the per-event path, and V8
   * inlines a chain only while its bytecode stays under a budget (Node 20
   * stopped short of it, and boxed the value at the call it left).
   */
  addAt(values: Float64Array, i: number): void {
    F64[0] = values[i] as number;
    const hi = U32[HI] as number;
    const exp = (hi >>> 20) & 0x7ff;
    // Zero and subnormals (exponent bits 0) are rare: out of line.
    if (exp === 0) this.#addTiny();
    else
      (hi >>> 31 === 0 ? this.pos : this.neg).count(
        exp + EXP_OFFSET,
        (hi >>> (20 - SUB_BITS)) & (SUB - 1),
      );
  }

  /**
   * addAt(values, i), with the high word of values[i] read from `words`, a
   * Uint32Array over values' buffer: for values stored well before (a
   * group's kept elapsed times). addAt's store of the double into the
   * scratch and reload of its high half is a store-to-load forward on the
   * path, which this does without (latency pairs: 0.3 to 0.7 ns less).
   */
  addFrom(values: Float64Array, words: Uint32Array, i: number): void {
    const hi = words[2 * i + HI] as number;
    const exp = (hi >>> 20) & 0x7ff;
    if (exp === 0) {
      F64[0] = values[i] as number;
      this.#addTiny();
    } else
      (hi >>> 31 === 0 ? this.pos : this.neg).count(
        exp + EXP_OFFSET,
        (hi >>> (20 - SUB_BITS)) & (SUB - 1),
      );
  }

  /** ±0 or a subnormal, in F64[0]. */
  #addTiny(): void {
    const v = F64[0] as number;
    if (v === 0) this.zero++;
    else (v > 0 ? this.pos : this.neg).add(bucketOf(v), 1);
  }
}
