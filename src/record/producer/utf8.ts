/**
 * UTF-8 encoding of string fields straight into the ring, with no allocation.
 *
 * Algorithm: a charCodeAt loop copies ASCII bytes as long as they come (the
 * fast path: measured ~11 ns for a short string, against ~80 ns for a call
 * into Node's native encoder). At the first non-ASCII unit:
 *   - if at least NATIVE_FROM units remain and the string has no NUL, the
 *     whole string is written again by Buffer#write, which costs ~80 ns plus
 *     well under 1 ns a unit, against ~4.4 ns a unit for the loop below
 *     (a 100-character non-ASCII string: 450 ns -> see docs/record.md);
 *   - otherwise a JS encoder continues from there.
 * Both write surrogate pairs as 4 bytes and a lone surrogate as U+FFFD (as
 * TextEncoder does). Buffer#write writes whole characters only, so a cut
 * never splits one.
 *
 * Truncation: a string whose UTF-8 form is longer than `max` bytes is cut at
 * a character boundary and ends with "…" (U+2026), the whole within `max`
 * bytes; each truncation is counted (F.TRUNCATED), so it shows in the stats.
 * A NUL terminates every string; a NUL inside the string would end it early
 * for readers, so U+0000 is written as U+FFFD.
 */
import { F, type NativeUtf8Target } from '../../abi/ring.js';

/** Smallest string limit: room for the ellipsis and a character. */
export const MIN_STRING_BYTES = 16;

/** Non-ASCII remainders at least this long go to the native encoder (measured break-even ~20). */
const NATIVE_FROM = 24;

/**
 * Writes `s` and its NUL at `p`; returns the position after the NUL. The
 * caller reserved max + 1 bytes, or 3 * s.length + 1 when that is smaller.
 *
 * Only the ASCII copy is here; everything else is in writeNonAscii. The
 * encoders call this on every string field, and V8 inlines it into them
 * only while the whole call chain (dispatcher, encoder, clock, this) stays
 * within its cumulative inlining budget (920 bytes of bytecode): the cold
 * paths inside this function used to take 269 bytes of it, so the encoder,
 * which calls it, could not be inlined at the call site.
 */
export function writeString(
  u8: Uint8Array,
  p: number,
  s: string,
  max: number,
  f64: Float64Array,
  buf: NativeUtf8Target,
): number {
  const n = s.length;
  let i = 0;
  if (n <= max) {
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      // c outside 1..0x7f (NUL or not ASCII), in one unsigned compare per unit.
      if ((c - 1) >>> 0 > 0x7e) break;
      u8[p + i] = c;
    }
    if (i === n) {
      u8[p + n] = 0;
      return p + n + 1;
    }
  }
  return writeNonAscii(u8, p, s, i, max, f64, buf);
}

/**
 * The rest of writeString: `s` from unit `i` on, its first `i` units ASCII
 * and already at `p`; `i` is 0 for a string longer than `max` units.
 */
function writeNonAscii(
  u8: Uint8Array,
  p: number,
  s: string,
  i: number,
  max: number,
  f64: Float64Array,
  buf: NativeUtf8Target,
): number {
  const n = s.length;
  if (n <= max) {
    if (n - i >= NATIVE_FROM && s.indexOf('\0', i) < 0) return writeNative(buf, p, s, max, f64);
    return writeRest(u8, p + i, p, s, i, p + max, f64);
  }
  if (s.indexOf('\0') < 0) return writeNative(buf, p, s, max, f64);
  return writeRest(u8, p, p, s, 0, p + max, f64);
}

// The whole string through Node's encoder, cut with "…" past `max` bytes.
function writeNative(
  buf: NativeUtf8Target,
  p: number,
  s: string,
  max: number,
  f64: Float64Array,
): number {
  let written = buf.write(s, p, max, 'utf8');
  // Fewer than 4 bytes of room left means the next character may not have fitted.
  if (written > max - 4 && Buffer.byteLength(s, 'utf8') > written) {
    written = buf.write(s, p, max - 3, 'utf8');
    buf[p + written++] = 0xe2;
    buf[p + written++] = 0x80;
    buf[p + written++] = 0xa6;
    f64[F.TRUNCATED] = (f64[F.TRUNCATED] as number) + 1;
  }
  buf[p + written] = 0;
  return p + written + 1;
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
