/**
 * How the aggregation commands show a result: a table of groups (count,
 * rate, and for histograms min, quantiles and max), and histograms drawn as
 * bars. On a TTY the whole view is redrawn in place every interval, like
 * top; otherwise it is printed once, at the end.
 */
import type {
  AggregateReadingGroup as AggregateGroup,
  AggregateReading as AggregateResult,
} from '../../abi/control-commands.js';

type Bucket = NonNullable<AggregateGroup['buckets']>[number];

import type { CommandContext } from '../command.js';
import { formatDuration, paint, table } from '../format.js';

/** Histograms drawn for at most this many groups, with at most this many rows each. */
const DRAWN_GROUPS = 4;
const MAX_ROWS = 24;
const BAR_WIDTH = 40;

export interface ViewState {
  /** Counts at the previous interval, per group, for the rates. */
  readonly previous: Map<string, number>;
  previousTime: number;
}

/** `begin`: when the aggregation started; the first rates are over the time since. */
export function newViewState(begin: number): ViewState {
  return { previous: new Map(), previousTime: begin };
}

function keyText(group: AggregateGroup): string {
  const parts = Object.entries(group.key).map(([k, v]) => `${k}=${String(v)}`);
  if (group.thread !== undefined) parts.push(`thread=${group.thread.name}`);
  return parts.join(' ') || '(all)';
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (Number.isInteger(n) && abs < 1e15) return String(n);
  if (abs >= 1e6 || abs < 1e-3) return n.toExponential(3);
  const text = n.toPrecision(4);
  // Trailing zeros of a fraction only: 2950 stays 2950.
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Buckets merged into at most MAX_ROWS rows: powers of two for log-linear ones. */
function displayRows(buckets: readonly Bucket[]): Bucket[] {
  if (buckets.length <= MAX_ROWS) return [...buckets];
  const rows: Bucket[] = [];
  const per = Math.ceil(buckets.length / MAX_ROWS);
  for (let i = 0; i < buckets.length; i += per) {
    const slice = buckets.slice(i, i + per);
    rows.push({
      lo: (slice[0] as Bucket).lo,
      hi: (slice[slice.length - 1] as Bucket).hi,
      count: slice.reduce((sum, b) => sum + b.count, 0),
    });
  }
  return rows;
}

/**
 * Log-linear buckets (128 per power of two) gathered into one row per power
 * of two, empty ones between included, so the bars show the shape; zero and
 * negative values keep rows of their own.
 */
function octaveRows(buckets: readonly Bucket[]): Bucket[] {
  const rows: Bucket[] = [];
  let last: { sign: number; e: number } | undefined;
  for (const b of buckets) {
    if (b.lo === 0 && b.hi === 0) {
      rows.push(b);
      last = undefined;
      continue;
    }
    const sign = (b.lo ?? 0) < 0 ? -1 : 1;
    // Over JSON an infinite bound arrives as null: take the finite one.
    const lo = typeof b.lo === 'number' && Number.isFinite(b.lo) ? Math.abs(b.lo) : Number.NaN;
    const hi = typeof b.hi === 'number' && Number.isFinite(b.hi) ? Math.abs(b.hi) : Number.NaN;
    const e = Math.floor(
      Math.log2(Number.isNaN(lo) ? hi : Number.isNaN(hi) ? lo : Math.min(lo, hi)),
    );
    if (!Number.isFinite(e)) {
      rows.push(b);
      last = undefined;
      continue;
    }
    const row = (k: number): Bucket =>
      sign > 0
        ? { lo: 2 ** k, hi: 2 ** (k + 1), count: 0 }
        : { lo: -(2 ** (k + 1)), hi: -(2 ** k), count: 0 };
    if (last !== undefined && last.sign === sign && last.e === e) {
      const top = rows[rows.length - 1] as Bucket;
      rows[rows.length - 1] = { ...top, count: top.count + b.count };
      continue;
    }
    if (last !== undefined && last.sign === sign) {
      // Empty powers of two between two rows of the same sign.
      for (let k = last.e + sign; sign > 0 ? k < e : k > e; k += sign) rows.push(row(k));
    }
    rows.push({ ...row(e), count: b.count });
    last = { sign, e };
  }
  return rows;
}

function bars(
  context: CommandContext,
  group: AggregateGroup,
  unit: string,
  logLinear: boolean,
): string {
  const buckets = group.buckets ?? [];
  const rows = displayRows(logLinear ? octaveRows(buckets) : buckets);
  if (rows.length === 0) return '';
  const peak = Math.max(...rows.map((r) => r.count));
  const ranges = rows.map((r) =>
    r.lo === 0 && r.hi === 0 ? '0' : `[${formatNumber(r.lo)}, ${formatNumber(r.hi)})`,
  );
  const width = Math.max(...ranges.map((r) => r.length));
  const lines = rows.map((r, i) => {
    const n = Math.max(r.count > 0 ? 1 : 0, Math.round((r.count / peak) * BAR_WIDTH));
    return `  ${(ranges[i] as string).padStart(width)} ${unit} |${paint(context, '36', '█'.repeat(n))}${' '.repeat(BAR_WIDTH - n)}| ${r.count}`;
  });
  return `${keyText(group)}\n${lines.join('\n')}\n`;
}

/** The view of one result. `elapsedMs` since the aggregation started. */
export function renderResult(
  context: CommandContext,
  result: AggregateResult,
  state: ViewState,
  options: { readonly title: string; readonly elapsedMs: number; readonly unit: string },
): string {
  const seconds = state.previousTime === 0 ? 0 : (result.time - state.previousTime) / 1000;
  const hist = result.kind !== 'count';
  const groups = result.other === null ? result.groups : [...result.groups, result.other];
  let total = 0;
  let totalRate = 0;
  const rows = groups.map((g) => {
    const name = g === result.other ? 'other' : keyText(g);
    const before = state.previous.get(name);
    const rate = seconds > 0 ? (g.count - (before ?? 0)) / seconds : null;
    state.previous.set(name, g.count);
    total += g.count;
    totalRate += rate ?? 0;
    const base = [
      name,
      String(g.count),
      rate === null ? '-' : formatNumber(Math.round(rate * 10) / 10),
    ];
    if (!hist) return base;
    return [
      ...base,
      formatNumber(g.min),
      formatNumber(g.p50),
      formatNumber(g.p90),
      formatNumber(g.p99),
      formatNumber(g.max),
      formatNumber(g.mean),
      g.invalid > 0 ? String(g.invalid) : '',
    ];
  });
  state.previousTime = result.time;
  const headers = hist
    ? ['GROUP', 'COUNT', 'RATE/S', 'MIN', 'P50', 'P90', 'P99', 'MAX', 'MEAN', 'INVALID']
    : ['GROUP', 'COUNT', 'RATE/S'];
  const head = `${paint(context, '1', options.title)}  ${formatDuration(options.elapsedMs)}  total ${total}${seconds > 0 ? `  ${formatNumber(Math.round(totalRate * 10) / 10)}/s` : ''}${hist ? `  (${options.unit})` : ''}`;
  const notes: string[] = [];
  if (result.otherCount > 0)
    notes.push(`${result.otherCount} events of keys past the group cap are in "other"`);
  if (result.latency !== null) {
    notes.push(
      `pending starts ${result.latency.pending}, evicted ${result.latency.evicted}, ends without a start ${result.latency.unmatchedEnds}`,
    );
  }
  if (result.errors > 0) notes.push(`${result.errors} aggregation errors`);
  let out = `${head}\n${rows.length === 0 ? 'no events yet\n' : table(context, headers, rows)}`;
  if (notes.length > 0) out += `${notes.join('\n')}\n`;
  if (hist) {
    for (const g of result.groups.slice(0, DRAWN_GROUPS)) {
      const drawn = bars(context, g, options.unit, result.layout === 'log-linear');
      if (drawn !== '') out += `\n${drawn}`;
    }
  }
  return out;
}

/** Clears the terminal and moves home: the redraw of a TTY view. */
export const REDRAW = '\x1b[H\x1b[2J';
