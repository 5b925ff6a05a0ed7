/**
 * The options of aggregate(), checked once where they are given and turned
 * into the plain spec every thread receives. Both shapes cross boundaries
 * and are defined in abi/aggregate.ts.
 */
import {
  AggregateKind,
  type AggregateOptions,
  type AggregateSpec,
  type LinearLayout,
} from '../abi/aggregate.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { compilePattern } from '../registry/pattern.js';
import { linearBucketCount, MAX_LINEAR_BUCKETS } from './histogram/linear.js';
import { parseWhere } from './where/parse.js';

export const DEFAULT_MAX_GROUPS = 1000;
export const DEFAULT_MAX_PENDING = 10_000;
/** A histogram group holds about 5 KiB and more as its values spread: this bounds what a client can ask for. */
const LIMIT_GROUPS = 100_000;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Options cross the control socket: what one aggregation may ask for is bounded. */
const MAX_PATTERNS = 64;
const MAX_BY = 16;

function invalid(message: string, details: Record<string, unknown> = {}): MarkersError {
  return new MarkersError(ErrorCode.INVALID_ARGUMENT, `aggregate(): ${message}`, details);
}

function fieldName(value: unknown, option: string): string {
  if (typeof value !== 'string' || !FIELD.test(value)) {
    throw invalid(`${option} must be a field name, got ${JSON.stringify(value) ?? String(value)}`, {
      option,
    });
  }
  return value;
}

function count(value: unknown, option: string, fallback: number, limit: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > limit) {
    throw invalid(`${option} must be an integer from 1 to ${limit}, got ${String(value)}`, {
      option,
    });
  }
  return value;
}

function linearLayout(value: unknown): LinearLayout {
  const { min, max, step } = (value ?? {}) as Partial<LinearLayout>;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (!finite(min) || !finite(max) || !finite(step) || !(max > min) || !(step > 0)) {
    throw invalid('linear needs finite { min, max, step } with max > min and step > 0', {
      option: 'linear',
    });
  }
  const n = linearBucketCount({ min, max, step });
  if (n > MAX_LINEAR_BUCKETS) {
    throw invalid(`linear makes ${n} buckets; at most ${MAX_LINEAR_BUCKETS}`, {
      option: 'linear',
    });
  }
  return { min, max, step };
}

export const MAX_BOUNDS = 1000;

function boundsList(value: unknown): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_BOUNDS ||
    !value.every((b): b is number => typeof b === 'number' && Number.isFinite(b)) ||
    value.some((b, i) => i > 0 && b <= (value[i - 1] as number))
  ) {
    throw invalid(`bounds must be 1 to ${MAX_BOUNDS} finite numbers, strictly ascending`, {
      option: 'bounds',
    });
  }
  return [...value];
}

/**
 * Checks the options (patterns, field names, limits, the where syntax) and
 * returns the spec. Throws ERR_INVALID_ARGUMENT, ERR_INVALID_PATTERN or
 * ERR_WHERE_SYNTAX; field names are checked against markers by each thread.
 */
export function resolveSpec(options: AggregateOptions, id: string): AggregateSpec {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const raw = options.markers;
  const markers = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? [...raw] : [];
  if (markers.length === 0) throw invalid('markers must be a pattern or a non-empty list of them');
  if (markers.length > MAX_PATTERNS)
    throw invalid(`markers lists more than ${MAX_PATTERNS} patterns`);
  for (const pattern of markers) compilePattern(pattern);
  const byRaw = options.by ?? [];
  if (!Array.isArray(byRaw)) throw invalid('by must be a list of field names', { option: 'by' });
  if (byRaw.length > MAX_BY) throw invalid(`by names more than ${MAX_BY} fields`, { option: 'by' });
  const by = byRaw.map((f) => fieldName(f, 'by'));
  if (new Set(by).size !== by.length) throw invalid('by names a field twice', { option: 'by' });
  const latency = options.latency;
  const hist = options.hist === undefined ? null : fieldName(options.hist, 'hist');
  if (latency !== undefined && hist !== null) {
    throw invalid('hist and latency exclude each other: latency is a histogram of milliseconds');
  }
  if (latency !== undefined && (typeof latency !== 'object' || latency === null)) {
    throw invalid('latency must be an object', { option: 'latency' });
  }
  const end = latency?.end === undefined ? null : latency.end;
  if (end !== null) compilePattern(end);
  if (latency !== undefined && end === null) {
    for (const pattern of markers) {
      if (!pattern.endsWith('_start')) {
        throw invalid(
          `latency without an end marker pairs x_start with x_end, and "${pattern}" does not end in _start`,
          { pattern },
        );
      }
    }
  }
  const linear = options.linear === undefined ? null : linearLayout(options.linear);
  if (linear !== null && hist === null && latency === undefined) {
    throw invalid('linear needs hist (or latency): it lays out histogram buckets');
  }
  const bounds = options.bounds === undefined ? null : boundsList(options.bounds);
  if (bounds !== null && hist === null && latency === undefined) {
    throw invalid('bounds needs hist (or latency): it counts values of that field');
  }
  const where = options.where === undefined ? null : options.where;
  if (where !== null) {
    if (typeof where !== 'string') throw invalid('where must be a string', { option: 'where' });
    parseWhere(where);
  }
  if (options.perThread !== undefined && typeof options.perThread !== 'boolean') {
    throw invalid('perThread must be a boolean', { option: 'perThread' });
  }
  return {
    id,
    kind:
      latency !== undefined
        ? AggregateKind.LATENCY
        : hist !== null
          ? AggregateKind.HIST
          : AggregateKind.COUNT,
    markers,
    by,
    hist,
    linear,
    bounds,
    where,
    maxGroups: count(options.maxGroups, 'maxGroups', DEFAULT_MAX_GROUPS, LIMIT_GROUPS),
    perThread: options.perThread === true,
    end,
    key: latency?.key === undefined ? null : fieldName(latency.key, 'latency.key'),
    maxPending: count(latency?.maxPending, 'latency.maxPending', DEFAULT_MAX_PENDING, LIMIT_GROUPS),
  };
}
