/**
 * From aggregation readings to metric families: a count aggregation named N
 * is the counter `markers_N_total`, a histogram is `markers_N_bucket{le}`,
 * `markers_N_sum` and `markers_N_count`. Each series carries the `by` fields,
 * `pid` and `command` as labels, so every process is its own series and a
 * restarted process (a new PID) starts new ones.
 */
import type { MetricsAggregation } from './config.js';
import type { HistogramSample, Labels, MetricFamily } from './exposition.js';

/** One group of an aggregation as the agent needs it. */
export interface ReadingGroup {
  /** The `by` field values; undefined for the `other` group. */
  readonly key: Readonly<Record<string, unknown>> | undefined;
  readonly count: number;
  readonly sum: number;
  /** With a histogram: cumulative counts at the aggregation's buckets (same length). */
  readonly cumulative?: readonly number[];
}

/** What one target's aggregation holds, totals since it was attached. */
export interface Reading {
  readonly groups: readonly ReadingGroup[];
  /** Events not aggregated: full buffers, invalid values (NaN, wrong type). */
  readonly dropped: number;
  /** Events folded into the `other` group because `maxGroups` was reached. */
  readonly otherCount: number;
}

export interface TargetReadings {
  readonly pid: number;
  readonly command: string;
  /** By aggregation name; missing while the aggregation could not be read yet. */
  readonly readings: ReadonlyMap<string, Reading>;
}

/** The label value of every `by` field in the group that holds what `maxGroups` left over. */
export const OTHER_LABEL_VALUE = '__other__';

function labelValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return String(value);
}

function groupLabels(a: MetricsAggregation, target: TargetReadings, group: ReadingGroup): Labels {
  const labels: [string, string][] = a.by.map((field) => [
    field,
    group.key === undefined ? OTHER_LABEL_VALUE : labelValue(group.key[field]),
  ]);
  labels.push(['pid', String(target.pid)], ['command', target.command]);
  return labels;
}

export function aggregationFamilies(
  config: readonly MetricsAggregation[],
  targets: readonly TargetReadings[],
): MetricFamily[] {
  return config.map((a): MetricFamily => {
    const name = `markers_${a.name}`;
    const markers = a.markers.join(' ');
    if (a.hist === undefined) {
      return {
        type: 'counter',
        name,
        help: `events of ${markers}${a.by.length > 0 ? ` by ${a.by.join(', ')}` : ''}${a.where === undefined ? '' : ` where ${a.where}`}`,
        samples: targets.flatMap((t) => {
          const reading = t.readings.get(a.name);
          if (reading === undefined) return [];
          return reading.groups.map((g) => ({ labels: groupLabels(a, t, g), value: g.count }));
        }),
      };
    }
    return {
      type: 'histogram',
      name,
      help: `${a.hist} of ${markers}${a.by.length > 0 ? ` by ${a.by.join(', ')}` : ''}${a.where === undefined ? '' : ` where ${a.where}`}`,
      samples: targets.flatMap((t) => {
        const reading = t.readings.get(a.name);
        if (reading === undefined) return [];
        return reading.groups.map(
          (g): HistogramSample => ({
            labels: groupLabels(a, t, g),
            bounds: a.buckets,
            cumulative: g.cumulative ?? a.buckets.map(() => 0),
            count: g.count,
            sum: g.sum,
          }),
        );
      }),
    };
  });
}
