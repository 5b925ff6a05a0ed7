/**
 * The encoders' slow paths: values outside the fast paths of the generated
 * encoders (an int64 that is not an int32, a bigint, a value of the wrong
 * run-time type). None of them throws; every value of a wrong type is
 * counted in F.COERCED. The coercions (also in docs/record.md):
 *
 *   %d %i (int64)   number: truncated toward zero, clamped to the int64 range,
 *                   NaN -> 0; bigint: clamped; boolean -> 0/1; string -> Number(s)
 *                   then as a number; anything else -> 0
 *   %u %x (uint64)  the same, clamped to [0, 2^64 - 1] (negative -> 0)
 *   %f (float64)    bigint -> Number(b); boolean -> 0/1; string -> Number(s);
 *                   anything else -> NaN
 *   %s (string)     String(value); if that throws, "[unprintable]"
 *   %b (bool)       truthiness (no coercion counted)
 *   %j (json)       JSON.stringify, bigints as decimal strings; undefined,
 *                   functions and symbols -> null; if it throws (a cycle, a
 *                   throwing toJSON) -> "[unserializable]" as a JSON string
 */
import { F } from '../../abi/ring.js';

const TWO_32 = 4294967296;
// The largest doubles below 2^63 and 2^64: clamping to them keeps the high word in range.
const I64_MAX_DOUBLE = 2 ** 63 - 1024;
const I64_MIN_DOUBLE = -(2 ** 63);
const U64_MAX_DOUBLE = 2 ** 64 - 2048;
const I64_MAX = 0x7fffffffffffffffn;
const I64_MIN = -0x8000000000000000n;
const U64_MAX = 0xffffffffffffffffn;

function counted(f64: Float64Array): void {
  f64[F.COERCED] = (f64[F.COERCED] as number) + 1;
}

function toNumber(v: unknown, f64: Float64Array, nonNumber: number): number {
  counted(f64);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  return nonNumber;
}

export function writeInt64(dv: DataView, p: number, v: unknown, f64: Float64Array): void {
  if (typeof v === 'bigint') {
    dv.setBigInt64(p, v > I64_MAX ? I64_MAX : v < I64_MIN ? I64_MIN : v, true);
    return;
  }
  let n = typeof v === 'number' ? v : toNumber(v, f64, 0);
  if (Number.isNaN(n)) n = 0;
  n = Math.trunc(n);
  if (n > I64_MAX_DOUBLE) n = I64_MAX_DOUBLE;
  else if (n < I64_MIN_DOUBLE) n = I64_MIN_DOUBLE;
  const hi = Math.floor(n / TWO_32);
  dv.setUint32(p, n - hi * TWO_32, true);
  dv.setInt32(p + 4, hi, true);
}

export function writeUint64(dv: DataView, p: number, v: unknown, f64: Float64Array): void {
  if (typeof v === 'bigint') {
    dv.setBigUint64(p, v > U64_MAX ? U64_MAX : v < 0n ? 0n : v, true);
    return;
  }
  let n = typeof v === 'number' ? v : toNumber(v, f64, 0);
  if (!(n > 0)) n = 0;
  n = Math.trunc(n);
  if (n > U64_MAX_DOUBLE) n = U64_MAX_DOUBLE;
  const hi = Math.floor(n / TWO_32);
  dv.setUint32(p, n - hi * TWO_32, true);
  dv.setUint32(p + 4, hi, true);
}

export function toFloat64(v: unknown, f64: Float64Array): number {
  if (typeof v === 'bigint') {
    counted(f64);
    return Number(v);
  }
  return toNumber(v, f64, Number.NaN);
}

export function toStr(v: unknown, f64: Float64Array): string {
  counted(f64);
  try {
    return String(v);
  } catch {
    return '[unprintable]';
  }
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function toJson(v: unknown, f64: Float64Array): string {
  try {
    const text = JSON.stringify(v, bigintAsString) as string | undefined;
    return text === undefined ? 'null' : text;
  } catch {
    counted(f64);
    return '"[unserializable]"';
  }
}
