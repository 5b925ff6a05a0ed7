/**
 * Draws a probe module's report in the terminal. Reports are plain data of
 * the module's choosing; two shapes are drawn as bar charts:
 *   - { buckets: [{ le | label | range | low+high, count }], ...summary }  a histogram
 *   - { [key]: count, ... } with only counts (integers >= 0)               a count table
 * A flat object that also holds measurements (an average, a p99, a float)
 * is printed as `key: value` lines: bars on one scale would mix counts with
 * milliseconds.
 * A report holding either under a top-level key, or a list of histograms
 * under one (`{ histograms: [{ marker, buckets }, ...] }`), is drawn per key
 * and per item. Anything else is printed as indented JSON.
 */

interface Bucket {
  readonly label: string;
  readonly count: number;
}

function bucketsOf(value: unknown): Bucket[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: Bucket[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { count, le, label, range, low, high } = item as Record<string, unknown>;
    if (typeof count !== 'number') return undefined;
    const name =
      label ??
      range ??
      (le !== undefined
        ? `<= ${String(le)}`
        : low !== undefined && high !== undefined
          ? `[${String(low)}, ${String(high)})`
          : undefined);
    if (name === undefined) return undefined;
    out.push({ label: String(name), count });
  }
  return out;
}

/** A list whose every item is a histogram object: drawn one after the other. */
function histogramList(value: unknown): Record<string, unknown>[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every((item) => bucketsOf((item as { buckets?: unknown })?.buckets) !== undefined)
    ? (value as Record<string, unknown>[])
    : undefined;
}

function titleOf(item: Record<string, unknown>, index: number): string {
  const name = item.marker ?? item.name ?? item.label;
  return typeof name === 'string' ? name : `#${index}`;
}

/** Keys that name a measurement or a statistic, never a count. */
const MEASUREMENT =
  /^(avg|average|mean|median|min|max|p\d+(\.\d+)?|stddev|std|rate|ratio|sum)$|ms$|_ms|seconds|bytes/i;

function countsOf(value: unknown): Bucket[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  const isCount = ([key, v]: [string, unknown]): boolean =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && !MEASUREMENT.test(key);
  if (entries.length === 0 || !entries.every(isCount)) return undefined;
  return entries.map(([label, count]) => ({ label, count: count as number }));
}

/** A flat object of numbers that are not all counts: one aligned line each. */
function measurementsOf(value: unknown): [string, number][] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === 'number')) return undefined;
  return entries as [string, number][];
}

function bars(buckets: readonly Bucket[], columns: number, indent: string): string {
  const labelWidth = Math.max(...buckets.map((b) => b.label.length));
  const countWidth = Math.max(...buckets.map((b) => String(b.count).length));
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const room = Math.max(10, columns - indent.length - labelWidth - countWidth - 6);
  return buckets
    .map((b) => {
      // Clamped: a report is the target's data, and a negative count must not throw here.
      const width = Math.min(room, Math.max(0, Math.round((b.count / max) * room)));
      const bar = '█'.repeat(width) || (b.count > 0 ? '▏' : '');
      return `${indent}${b.label.padStart(labelWidth)} │ ${String(b.count).padStart(countWidth)} ${bar}\n`;
    })
    .join('');
}

// Measurements come as raw doubles (0.011878000000251632); a terminal wants 0.012.
function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)) {
    return String(Number(value.toFixed(Math.abs(value) >= 1 ? 3 : 6)));
  }
  return JSON.stringify(value);
}

function scalarLines(report: Record<string, unknown>, skip: string, indent: string): string {
  return Object.entries(report)
    .filter(([key]) => key !== skip)
    .map(([key, value]) => `${indent}${key}: ${scalar(value)}\n`)
    .join('');
}

export function renderReport(report: unknown, columns: number, indent = '  '): string {
  if (report === null || report === undefined) return `${indent}(no report)\n`;
  const direct = bucketsOf(report) ?? countsOf(report);
  if (direct !== undefined) return bars(direct, columns, indent);
  const measurements = measurementsOf(report);
  if (measurements !== undefined) {
    const width = Math.max(...measurements.map(([key]) => key.length));
    return measurements
      .map(([key, value]) => `${indent}${`${key}:`.padEnd(width + 1)} ${scalar(value)}\n`)
      .join('');
  }
  if (typeof report === 'object' && !Array.isArray(report)) {
    const record = report as Record<string, unknown>;
    const buckets = bucketsOf(record.buckets);
    if (buckets !== undefined) {
      return scalarLines(record, 'buckets', indent) + bars(buckets, columns, indent);
    }
    const drawable = Object.entries(record).filter(
      ([, v]) =>
        bucketsOf(v) !== undefined ||
        bucketsOf((v as { buckets?: unknown })?.buckets) !== undefined ||
        histogramList(v) !== undefined,
    );
    if (drawable.length > 0) {
      return Object.entries(record)
        .map(([key, value]) => {
          const list = histogramList(value);
          if (list !== undefined) {
            return list
              .map(
                (item, i) =>
                  `${indent}${key}: ${titleOf(item, i)}\n${renderReport(item, columns, `${indent}  `)}`,
              )
              .join('');
          }
          const nested = bucketsOf(value) ?? bucketsOf((value as { buckets?: unknown })?.buckets);
          if (nested === undefined) return `${indent}${key}: ${JSON.stringify(value)}\n`;
          return `${indent}${key}:\n${renderReport(value, columns, `${indent}  `)}`;
        })
        .join('');
    }
  }
  return `${JSON.stringify(report, null, 2)
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n')}\n`;
}
