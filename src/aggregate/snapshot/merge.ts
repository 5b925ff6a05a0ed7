/**
 * Merging snapshots: of threads into a process, of processes into a fleet.
 * Counts and buckets add, minimums and maximums compare, sums add as
 * Neumaier pairs: all exact (sums as exact as doubles allow). Groups are
 * matched by their key values. A merge keeps at most `maxGroups` groups,
 * the busiest; the rest fold into `other`, as in one thread.
 */
import type {
  GroupSnapshot,
  HistSnapshot,
  LatencyCounters,
  PartSnapshot,
  SkippedMarker,
} from '../../abi/aggregate.js';

function addPairs(into: Map<number, number>, flat: readonly number[]): void {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const b = flat[i] as number;
    into.set(b, (into.get(b) ?? 0) + (flat[i + 1] as number));
  }
}

function flatten(map: Map<number, number>): number[] {
  const out: number[] = [];
  for (const b of [...map.keys()].sort((x, y) => x - y)) out.push(b, map.get(b) as number);
  return out;
}

export function mergeHists(hists: readonly (HistSnapshot | null)[]): HistSnapshot | null {
  const present = hists.filter((h): h is HistSnapshot => h !== null);
  const first = present[0];
  if (first === undefined) return null;
  if (first.layout === 'linear') {
    const counts = new Map<number, number>();
    for (const h of present) if (h.layout === 'linear') addPairs(counts, h.counts);
    return { layout: 'linear', counts: flatten(counts) };
  }
  const pos = new Map<number, number>();
  const neg = new Map<number, number>();
  let zero = 0;
  for (const h of present) {
    if (h.layout !== 'log-linear') continue;
    zero += h.zero;
    addPairs(pos, h.pos);
    addPairs(neg, h.neg);
  }
  return { layout: 'log-linear', zero, pos: flatten(pos), neg: flatten(neg) };
}

/** Slot counts at explicit bounds add slot by slot. */
function mergeLe(list: readonly (readonly number[] | null)[]): number[] | null {
  let out: number[] | null = null;
  for (const le of list) {
    if (le === null) continue;
    if (out === null) out = [...le];
    else
      for (let i = 0; i < le.length && i < out.length; i++)
        out[i] = (out[i] as number) + (le[i] as number);
  }
  return out;
}

/** Latency counters of two parts added; null while neither part has any. */
export function addLatency(
  a: LatencyCounters | null,
  b: LatencyCounters | null,
): LatencyCounters | null {
  if (b === null) return a;
  return {
    pending: (a?.pending ?? 0) + b.pending,
    evicted: (a?.evicted ?? 0) + b.evicted,
    unmatchedEnds: (a?.unmatchedEnds ?? 0) + b.unmatchedEnds,
  };
}

/** Neumaier addition of two (sum, comp) pairs. */
function addSums(a: number, ac: number, b: number, bc: number): [number, number] {
  const t = a + b;
  const c = Math.abs(a) >= Math.abs(b) ? a - t + b : b - t + a;
  return [t, ac + bc + c];
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

export function mergeGroups(
  key: GroupSnapshot['key'],
  groups: readonly GroupSnapshot[],
): GroupSnapshot {
  let count = 0;
  let sum = 0;
  let comp = 0;
  let min: number | null = null;
  let max: number | null = null;
  let invalid = 0;
  for (const g of groups) {
    count += g.count;
    [sum, comp] = addSums(sum, comp, g.sum, g.comp);
    min = minOf(min, g.min);
    max = maxOf(max, g.max);
    invalid += g.invalid;
  }
  return {
    key,
    count,
    sum,
    comp,
    min,
    max,
    invalid,
    hist: mergeHists(groups.map((g) => g.hist)),
    le: mergeLe(groups.map((g) => g.le ?? null)),
  };
}

/** Merges parts (threads, processes) into one part with thread null. */
export function mergeParts(parts: readonly PartSnapshot[], maxGroups: number): PartSnapshot {
  const byKey = new Map<string, GroupSnapshot[]>();
  const others: GroupSnapshot[] = [];
  let errors = 0;
  const markers = new Set<string>();
  const skipped = new Map<string, SkippedMarker>();
  let latency = null as LatencyCounters | null;
  for (const part of parts) {
    for (const g of part.groups) {
      const k = JSON.stringify(g.key);
      const list = byKey.get(k);
      if (list === undefined) byKey.set(k, [g]);
      else list.push(g);
    }
    if (part.other !== null) others.push(part.other);
    errors += part.errors;
    for (const m of part.markers) markers.add(m);
    for (const s of part.skipped) skipped.set(`${s.marker}\u0000${s.code}`, s);
    latency = addLatency(latency, part.latency);
  }
  const merged = [...byKey.values()].map((list) =>
    mergeGroups((list[0] as GroupSnapshot).key, list),
  );
  merged.sort((a, b) => b.count + b.invalid - (a.count + a.invalid));
  const kept = merged.slice(0, maxGroups);
  others.push(...merged.slice(maxGroups));
  return {
    thread: null,
    groups: kept,
    other: others.length === 0 ? null : mergeGroups([], others),
    errors,
    markers: [...markers].sort(),
    skipped: [...skipped.values()],
    latency,
  };
}
