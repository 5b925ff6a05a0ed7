/**
 * The metrics agent's configuration: which aggregations it keeps running in
 * every instrumented process, and how each becomes Prometheus series.
 *
 *   { "aggregations": [
 *       { "name": "ticks",  "markers": "app:*", "by": ["status"] },
 *       { "name": "req_ms", "markers": "node:http.server_end", "hist": "ms",
 *         "by": ["status"], "buckets": [1, 5, 10, 50, 100, 500] } ] }
 *
 * Everything is checked before the agent starts, and the first problem is an
 * ERR_CONFIG_INVALID naming the entry (by index and name) and the key, so a
 * typo never turns into a silently empty series.
 */
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { compilePattern } from '../registry/pattern.js';

export interface MetricsAggregation {
  /** The series name part: `markers_<name>_total` or `markers_<name>_bucket`. */
  readonly name: string;
  readonly markers: readonly string[];
  readonly by: readonly string[];
  /** A numeric field: the aggregation is a histogram of it. */
  readonly hist: string | undefined;
  /** Upper bounds (inclusive, `le`) of the histogram's buckets, ascending; `+Inf` is implied. */
  readonly buckets: readonly number[];
  readonly where: string | undefined;
  readonly maxGroups: number;
}

export interface MetricsConfig {
  readonly aggregations: readonly MetricsAggregation[];
}

/**
 * Prometheus' own default buckets (client_golang's DefBuckets) are for
 * seconds; our fields are in whatever unit the marker declares, most often
 * milliseconds, so the default spans 0.1 to 10,000 in 1-2.5-5 steps.
 */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
];
export const DEFAULT_MAX_GROUPS = 1000;
/** Labels the agent sets itself; a `by` field may not take these names. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set(['pid', 'command', 'le', 'quantile']);

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ENTRY_KEYS = new Set(['name', 'markers', 'by', 'hist', 'buckets', 'where', 'maxGroups']);

function invalid(where: string, message: string, details: Record<string, unknown> = {}): never {
  throw new MarkersError(ErrorCode.CONFIG_INVALID, `metrics config: ${where}: ${message}`, details);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entryLabel(index: number, raw: Record<string, unknown>): string {
  return typeof raw.name === 'string'
    ? `aggregations[${index}] ("${raw.name}")`
    : `aggregations[${index}]`;
}

function parseEntry(raw: unknown, index: number): MetricsAggregation {
  if (!isRecord(raw)) invalid(`aggregations[${index}]`, 'must be an object', { index });
  const at = entryLabel(index, raw);
  const details = { index, name: raw.name };
  for (const key of Object.keys(raw)) {
    if (!ENTRY_KEYS.has(key)) {
      invalid(at, `unknown key "${key}" (known: ${[...ENTRY_KEYS].join(', ')})`, {
        ...details,
        key,
      });
    }
  }
  const { name } = raw;
  if (typeof name !== 'string' || !NAME.test(name)) {
    invalid(
      at,
      '"name" must match [a-zA-Z_][a-zA-Z0-9_]* (it becomes markers_<name>_...)',
      details,
    );
  }
  const markers = typeof raw.markers === 'string' ? [raw.markers] : raw.markers;
  if (!Array.isArray(markers) || markers.length === 0) {
    invalid(at, '"markers" must be a pattern or a non-empty list of patterns', details);
  }
  for (const pattern of markers) {
    try {
      compilePattern(pattern);
    } catch (error) {
      invalid(at, `"markers": ${(error as Error).message}`, { ...details, pattern });
    }
  }
  const by = raw.by ?? [];
  if (!Array.isArray(by) || !by.every((f): f is string => typeof f === 'string' && NAME.test(f))) {
    invalid(at, '"by" must be a list of field names', details);
  }
  if (new Set(by).size !== by.length) invalid(at, '"by" names a field twice', details);
  for (const field of by) {
    if (RESERVED_LABELS.has(field)) {
      invalid(at, `"by" field "${field}" clashes with the label the agent sets itself`, details);
    }
  }
  const hist = raw.hist;
  if (hist !== undefined && (typeof hist !== 'string' || !NAME.test(hist))) {
    invalid(at, '"hist" must be the name of a numeric field', details);
  }
  let buckets: readonly number[] = DEFAULT_BUCKETS;
  if (raw.buckets !== undefined) {
    if (hist === undefined) invalid(at, '"buckets" needs "hist" (the field to bucket)', details);
    const b = raw.buckets;
    if (
      !Array.isArray(b) ||
      b.length === 0 ||
      !b.every((x): x is number => typeof x === 'number' && Number.isFinite(x))
    ) {
      invalid(at, '"buckets" must be a non-empty list of finite numbers', details);
    }
    for (let i = 1; i < b.length; i++) {
      if ((b[i] as number) <= (b[i - 1] as number)) {
        invalid(at, '"buckets" must be strictly ascending', details);
      }
    }
    buckets = b;
  }
  const where = raw.where;
  if (where !== undefined && (typeof where !== 'string' || where.trim() === '')) {
    invalid(at, '"where" must be a non-empty expression string', details);
  }
  const maxGroups = raw.maxGroups ?? DEFAULT_MAX_GROUPS;
  if (
    typeof maxGroups !== 'number' ||
    !Number.isSafeInteger(maxGroups) ||
    maxGroups < 1 ||
    maxGroups > 100_000
  ) {
    invalid(at, '"maxGroups" must be an integer from 1 to 100000', details);
  }
  return {
    name,
    markers: markers as string[],
    by,
    hist,
    buckets: hist === undefined ? [] : buckets,
    where,
    maxGroups,
  };
}

/** Checks a parsed config document; throws ERR_CONFIG_INVALID naming the first bad entry. */
export function parseMetricsConfig(document: unknown): MetricsConfig {
  if (!isRecord(document)) invalid('top level', 'must be an object { "aggregations": [...] }');
  for (const key of Object.keys(document)) {
    if (key !== 'aggregations') invalid('top level', `unknown key "${key}"`, { key });
  }
  const list = document.aggregations;
  if (!Array.isArray(list) || list.length === 0) {
    invalid('top level', '"aggregations" must be a non-empty list');
  }
  const aggregations = list.map(parseEntry);
  const seen = new Set<string>();
  aggregations.forEach((a, index) => {
    if (seen.has(a.name)) {
      invalid(`aggregations[${index}] ("${a.name}")`, 'the name is used twice', {
        index,
        name: a.name,
      });
    }
    seen.add(a.name);
  });
  return { aggregations };
}

/** Parses the JSON text of a config file; a syntax error names the file. */
export function parseMetricsConfigText(text: string, file: string): MetricsConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new MarkersError(
      ErrorCode.CONFIG_INVALID,
      `metrics config ${file}: not valid JSON: ${(error as Error).message}`,
      { file },
    );
  }
  try {
    return parseMetricsConfig(document);
  } catch (error) {
    if (error instanceof MarkersError) {
      throw new MarkersError(error.code, `${file}: ${error.message}`, { ...error.details, file });
    }
    throw error;
  }
}
