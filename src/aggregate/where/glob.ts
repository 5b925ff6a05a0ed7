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

/**
 * A matcher for `pattern`. The common shapes (an exact string, `abc*`,
 * `*abc`, `*abc*`) become one string method call; any other pattern runs
 * globMatch.
 */
export function globMatcher(pattern: string): (text: string) => boolean {
  const glob = compileGlob(pattern);
  const literal = (from: number, to: number): string | undefined => {
    let out = '';
    for (let i = from; i < to; i++) {
      const u = glob[i] as number;
      if (u < 0) return undefined;
      out += String.fromCharCode(u);
    }
    return out;
  };
  const n = glob.length;
  const starAt0 = n > 0 && glob[0] === STAR;
  const starAtEnd = n > 0 && glob[n - 1] === STAR;
  const inner = literal(starAt0 ? 1 : 0, starAtEnd ? n - 1 : n);
  if (inner !== undefined && !(n === 1 && starAt0)) {
    if (starAt0 && starAtEnd) return (text) => text.includes(inner);
    // Prefixes and suffixes compare code units in a loop V8 inlines, where
    // startsWith/endsWith stay builtin calls (about 10 ns each).
    const units = new Uint16Array(inner.length);
    for (let k = 0; k < inner.length; k++) units[k] = inner.charCodeAt(k);
    const len = units.length;
    if (starAt0) {
      return (text) => {
        const at = text.length - len;
        if (at < 0) return false;
        for (let k = 0; k < len; k++) if (text.charCodeAt(at + k) !== units[k]) return false;
        return true;
      };
    }
    if (starAtEnd) {
      return (text) => {
        if (text.length < len) return false;
        for (let k = 0; k < len; k++) if (text.charCodeAt(k) !== units[k]) return false;
        return true;
      };
    }
    return (text) => text === inner;
  }
  return (text) => globMatch(glob, text);
}
