/**
 * Turns the children's results into the human table and the --json document.
 * A loop case meets its target when its median Δ is at most the target plus
 * RESOLUTION_NS, the smallest difference this method tells apart from noise
 * on a 2-core machine: "0.00 ns" means "not measurably above the baseline".
 */
import type { FoundCase } from './discover.js';
import { type ChildResult, OptStatus } from './protocol.js';

export const RESOLUTION_NS = 0.05;

export interface CaseOutcome {
  readonly found: FoundCase;
  readonly result?: ChildResult;
  readonly error?: string;
}

export type Verdict = 'met' | 'missed' | null;

export function verdictOf(outcome: CaseOutcome): Verdict {
  const { bench } = outcome.found;
  const result = outcome.result;
  if (bench.kind === 'loop') {
    if (bench.targetNs === undefined || result?.kind !== 'loop') return null;
    return result.delta.median <= bench.targetNs + RESOLUTION_NS ? 'met' : 'missed';
  }
  if (result?.kind !== 'custom') return null;
  let verdict: Verdict = null;
  for (const metric of result.metrics) {
    if (metric.target === undefined) continue;
    const ok =
      metric.target.better === 'lower'
        ? metric.value <= metric.target.value
        : metric.value >= metric.target.value;
    if (!ok) return 'missed';
    verdict = 'met';
  }
  return verdict;
}

function optLabel(status: number | null): string {
  if (status === null) return '?';
  if (status & OptStatus.TURBOFANNED) return 'opt';
  if (status & OptStatus.INTERPRETED) return 'interp';
  return 'base';
}

function ns(value: number): string {
  return value.toFixed(2);
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatTable(outcomes: readonly CaseOutcome[], header: string): string {
  const out: string[] = [header, ''];
  const suites = [...new Set(outcomes.map((o) => o.found.suite))];
  for (const suite of suites) {
    const loops = outcomes.filter((o) => o.found.suite === suite && o.found.bench.kind === 'loop');
    const customs = outcomes.filter(
      (o) => o.found.suite === suite && o.found.bench.kind === 'custom',
    );
    if (loops.length > 0) {
      const rows: string[][] = [
        ['case', 'Δ ns', 'p25..p75', 'min..max', 'ratio', 'base ns', 'target', 'V8'],
      ];
      for (const outcome of loops) {
        const { bench, id } = outcome.found;
        const r = outcome.result;
        if (r?.kind !== 'loop') {
          rows.push([id, 'FAILED']);
          continue;
        }
        const target = bench.kind === 'loop' && bench.targetNs !== undefined;
        const verdict = verdictOf(outcome);
        rows.push([
          id,
          ns(r.delta.median),
          `${ns(r.delta.p25)}..${ns(r.delta.p75)}`,
          `${ns(r.delta.min)}..${ns(r.delta.max)}`,
          `${r.ratio.toFixed(2)}x`,
          ns(r.baseline.median),
          target ? `<= ${ns(bench.targetNs ?? 0)} ${verdict === 'met' ? 'met' : 'MISSED'}` : '',
          optLabel(r.optStatus),
        ]);
      }
      out.push(table(rows, new Set([1, 2, 3, 4, 5])), '');
    }
    for (const outcome of customs) {
      const r = outcome.result;
      if (r?.kind !== 'custom') {
        out.push(`${outcome.found.id}  FAILED`, '');
        continue;
      }
      const rows: string[][] = [[outcome.found.id, 'value', 'spread', 'unit', 'target']];
      for (const m of r.metrics) {
        const spread = m.low !== undefined && m.high !== undefined ? `${m.low}..${m.high}` : '';
        const target =
          m.target === undefined
            ? ''
            : `${m.target.better === 'lower' ? '<=' : '>='} ${m.target.value}`;
        rows.push([`  ${m.name}`, String(m.value), spread, m.unit, target]);
      }
      out.push(table(rows, new Set([1, 2])), '');
    }
  }
  for (const outcome of outcomes) {
    if (outcome.error !== undefined) out.push(`FAILED ${outcome.found.id}: ${outcome.error}`);
  }
  out.push(
    'Δ: median over rounds of (case − adjacent baseline round), ns per iteration; ratio: median case time / median baseline time.',
    `A target of 0.00 is met when Δ <= ${RESOLUTION_NS} ns (not measurably above the baseline). V8: state of the case loop after the last round.`,
  );
  return out.join('\n');
}

export function toJson(outcomes: readonly CaseOutcome[], meta: Record<string, unknown>): string {
  return JSON.stringify(
    {
      ...meta,
      resolutionNs: RESOLUTION_NS,
      cases: outcomes.map((outcome) => {
        const { bench, id, suite } = outcome.found;
        return {
          id,
          suite,
          name: bench.name,
          title: bench.title,
          kind: bench.kind,
          peer: bench.peer === true,
          targetNs: bench.kind === 'loop' ? (bench.targetNs ?? null) : null,
          verdict: verdictOf(outcome),
          result: outcome.result ?? null,
          error: outcome.error ?? null,
        };
      }),
    },
    null,
    2,
  );
}
