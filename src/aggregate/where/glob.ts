/**
 * The `~` operator: `*` matches any run of characters, `?` exactly one, and
 * a backslash makes the next character literal. Matching is the classic
 * greedy scan that backtracks only to the last `*`, so its time is bounded
 * by text length x pattern length whatever the pattern (no regular
 * expression is built from user text, so no catastrophic backtracking).
 */

const STAR = -1;
const ONE = -2;

/** Pattern units: a UTF-16 code unit to match literally, STAR or ONE. */
export function compileGlob(pattern: string): Int32Array {
  const units: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 0x5c /* \ */ && i + 1 < pattern.length) {
      units.push(pattern.charCodeAt(++i));
    } else if (c === 0x2a /* * */) {
      if (units[units.length - 1] !== STAR) units.push(STAR);
    } else if (c === 0x3f /* ? */) {
      units.push(ONE);
    } else {
      units.push(c);
    }
  }
  return Int32Array.from(units);
}

export function globMatch(glob: Int32Array, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  const n = glob.length;
  while (t < text.length) {
    const g = p < n ? (glob[p] as number) : 0;
    if (p < n && g === STAR) {
      starP = p++;
      starT = t;
    } else if (p < n && (g === ONE || g === text.charCodeAt(t))) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < n && glob[p] === STAR) p++;
  return p === n;
}
