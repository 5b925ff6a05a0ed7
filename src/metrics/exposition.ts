/**
 * The Prometheus exposition formats: text 0.0.4 (what every Prometheus
 * scrapes by default) and OpenMetrics 1.0 (when the scraper's Accept asks for
 * it). Both are written from one list of metric families, so the two never
 * disagree on names, labels or values.
 *
 * Differences that matter between the two:
 * - a counter's family is `x` in OpenMetrics (`# TYPE x counter`, sample
 *   `x_total`) and `x_total` in 0.0.4;
 * - OpenMetrics ends with `# EOF` and wants `le` written as a float ("1.0").
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Labels = readonly (readonly [string, string])[];

export interface CounterSample {
  readonly labels: Labels;
  readonly value: number;
}

export interface HistogramSample {
  readonly labels: Labels;
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Cumulative count of values <= each bound (same length as bounds). */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

export type MetricFamily =
  | {
      readonly type: 'counter' | 'gauge';
      /** Without `_total`; counters get it appended. */
      readonly name: string;
      readonly help: string;
      readonly samples: readonly CounterSample[];
    }
  | {
      readonly type: 'histogram';
      readonly name: string;
      readonly help: string;
      readonly samples: readonly HistogramSample[];
    };

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** True when an Accept header prefers OpenMetrics, as Prometheus' does when it may. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

/** Label values escape backslash, double quote and line feed; nothing else. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export function formatBound(value: number, openMetrics: boolean): string {
  const text = formatValue(value);
  return openMetrics && Number.isInteger(value) && !text.includes('e') ? `${text}.0` : text;
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const all = extra === undefined ? labels : [...labels, extra];
  if (all.length === 0) return '';
  return `{${all.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** Renders families in the text format (0.0.4) or OpenMetrics. */
export function renderExposition(families: readonly MetricFamily[], openMetrics: boolean): string {
  const out: string[] = [];
  for (const family of families) {
    const isCounter = family.type === 'counter';
    const familyName = isCounter && !openMetrics ? `${family.name}_total` : family.name;
    out.push(`# HELP ${familyName} ${escapeHelp(family.help)}`);
    out.push(`# TYPE ${familyName} ${family.type}`);
    if (family.type === 'histogram') {
      for (const s of family.samples) {
        s.bounds.forEach((bound, i) => {
          out.push(
            `${family.name}_bucket${labelText(s.labels, ['le', formatBound(bound, openMetrics)])} ${formatValue(s.cumulative[i] ?? 0)}`,
          );
        });
        out.push(
          `${family.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${formatValue(s.count)}`,
        );
        out.push(`${family.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
        out.push(`${family.name}_count${labelText(s.labels)} ${formatValue(s.count)}`);
      }
      continue;
    }
    const sampleName = isCounter ? `${family.name}_total` : family.name;
    for (const s of family.samples) {
      out.push(`${sampleName}${labelText(s.labels)} ${formatValue(s.value)}`);
    }
  }
  if (openMetrics) out.push('# EOF');
  return `${out.join('\n')}\n`;
}
