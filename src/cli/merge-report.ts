/**
 * One report for a whole process, from the per-thread reports of a probe
 * module: `markers report NAME --merged`.
 *
 * Merging is exact or it is not done:
 *   - histogram buckets are added by label, count tables and counters
 *     (anything not named as a statistic) are summed;
 *   - `min` takes the smallest, `max` the largest; identifiers (thread, id,
 *     pid) stay when equal;
 *   - objects merge key by key, lists of histograms item by item (matched by
 *     their marker, name or label), equal strings stay;
 *   - a statistic that cannot be recombined from the threads' values (avg,
 *     mean, median, pNN, stddev, rate, ...) or values that disagree are left
 *     out, and their paths listed in `unmerged`, so nothing shown is wrong.
 */

export interface MergedReport {
  readonly merged: unknown;
  /** Paths (`latency.p99`) that could not be merged exactly, and were left out. */
  readonly unmerged: readonly string[];
}

const STATISTIC = /^(avg|average|mean|median|p\d+(\.\d+)?|stddev|std|variance|rate|ratio)$/i;
/** Numbers that name something (a thread, a process): equal or not merged, never added. */
const IDENTIFIER = /^(thread|thread_?id|tid|pid|id)$/i;

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bucketLabel(item: unknown): string | undefined {
  if (!isPlain(item) || typeof item.count !== 'number') return undefined;
  const { le, label, range, low, high } = item;
  const key =
    label ?? range ?? le ?? (low !== undefined ? `${String(low)}-${String(high)}` : undefined);
  return key === undefined ? undefined : String(key);
}

function itemTitle(item: unknown): string | undefined {
  if (!isPlain(item)) return undefined;
  const title = item.marker ?? item.name ?? item.label;
  return typeof title === 'string' ? title : undefined;
}

/** Sentinel for a value that has no exact merge. */
const UNMERGEABLE = Symbol('unmergeable');

function mergeNumbers(key: string, a: number, b: number): number | typeof UNMERGEABLE {
  if (key === 'min') return Math.min(a, b);
  if (key === 'max') return Math.max(a, b);
  if (IDENTIFIER.test(key)) return a === b ? a : UNMERGEABLE;
  if (STATISTIC.test(key)) return UNMERGEABLE;
  return a + b;
}

function mergeBuckets(a: unknown[], b: unknown[]): unknown[] {
  const out = a.map((item) => ({ ...(item as Plain) }));
  for (const item of b) {
    const label = bucketLabel(item);
    const same = out.find((o) => bucketLabel(o) === label);
    if (same === undefined) out.push({ ...(item as Plain) });
    else same.count = (same.count as number) + ((item as Plain).count as number);
  }
  return out;
}

function mergeValue(
  key: string,
  a: unknown,
  b: unknown,
  path: string,
  unmerged: Set<string>,
): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const merged = mergeNumbers(key, a, b);
    if (merged !== UNMERGEABLE) return merged;
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if ([...a, ...b].every((item) => bucketLabel(item) !== undefined)) return mergeBuckets(a, b);
    if ([...a, ...b].every((item) => itemTitle(item) !== undefined)) {
      const out: unknown[] = [];
      for (const title of new Set([...a, ...b].map(itemTitle))) {
        const left = a.find((item) => itemTitle(item) === title);
        const right = b.find((item) => itemTitle(item) === title);
        out.push(
          left === undefined || right === undefined
            ? (left ?? right)
            : mergeValue(title as string, left, right, `${path}[${title}]`, unmerged),
        );
      }
      return out;
    }
  } else if (isPlain(a) && isPlain(b)) {
    const out: Plain = {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      // Left out between earlier threads: a later thread's value alone is not the merge.
      if (unmerged.has(`${path}.${k}`.replace(/^\./, ''))) continue;
      const value = !(k in a)
        ? b[k]
        : !(k in b)
          ? a[k]
          : mergeValue(k, a[k], b[k], `${path}.${k}`, unmerged);
      if (value !== UNMERGEABLE) out[k] = value;
    }
    return out;
  } else if (a === b) {
    return a;
  }
  unmerged.add(path.replace(/^\./, ''));
  return UNMERGEABLE;
}

/** Merges the reports of every thread that gave one; threads with none (null) are skipped. */
export function mergeReports(reports: readonly unknown[]): MergedReport {
  const unmerged = new Set<string>();
  const present = reports.filter((r) => r !== null && r !== undefined);
  let merged: unknown = present[0] ?? null;
  for (const report of present.slice(1)) {
    merged = mergeValue('', merged, report, '', unmerged);
    if (merged === UNMERGEABLE) {
      merged = null;
      break;
    }
  }
  // A statistic of a single thread is exact; of several it was dropped above.
  return { merged, unmerged: [...unmerged].sort() };
}
