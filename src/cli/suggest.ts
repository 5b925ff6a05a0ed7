/**
 * "Did you mean": the closest words to a typo, as git and cargo offer them.
 *
 * Distance is the optimal-string-alignment edit distance (insert, delete,
 * substitute, or swap two neighbours, each costing 1), case-insensitive, so
 * "recrod" is one edit from "record". A candidate is offered only when it is
 * within a third of the word's length (at least 2 edits), and only the
 * candidates at the smallest distance are offered.
 */

export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rolling rows: the swap rule looks two rows back.
  let before: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[t.length] as number;
}

/** The closest candidates to `word` (at most `max`), or none when nothing is close. */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === word) continue;
    const d = editDistance(word, candidate);
    if (d > limit || d > best) continue;
    if (d < best) {
      best = d;
      found = [];
    }
    found.push(candidate);
  }
  return found.sort().slice(0, max);
}

/** ` (did you mean "a" or "b"?)`, or '' when there is nothing to offer. */
export function didYouMean(suggestions: readonly string[], quote = '"'): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => `${quote}${s}${quote}`);
  const last = quoted.pop() as string;
  return `; did you mean ${quoted.length === 0 ? last : `${quoted.join(', ')} or ${last}`}?`;
}
