/**
 * The agent's link to one process: one control connection that owns every
 * configured aggregation in that process. The target stops them all when the
 * connection closes, so an agent that dies (killed included) leaves nothing
 * running anywhere.
 */

import { openTarget, withTimeout } from '../control/discovery.js';
import { currentUid } from '../control/socket-dir.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import type { DiscoveredTarget, TargetLink } from './agent.js';
import type { MetricsAggregation } from './config.js';
import type { Reading, ReadingGroup } from './families.js';

/** What `aggregate-read {counts: true}` answers. */
interface WireGroup {
  readonly key: Readonly<Record<string, unknown>>;
  readonly count: number;
  readonly sum: number | null;
  readonly le?: readonly number[];
}

interface WireResult {
  readonly groups: readonly WireGroup[];
  readonly other: WireGroup | null;
  readonly otherCount: number;
  readonly dropped: number;
  readonly invalid: number;
}

const ATTACH_TIMEOUT_MS = 10_000;

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Checks what came over the socket before it becomes a series: the target
 * is someone's process, and a broken or hostile one must not make the agent
 * serve garbage or throw.
 */
function toGroup(raw: unknown, a: MetricsAggregation, other: boolean): ReadingGroup | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const g = raw as Partial<WireGroup>;
  const key =
    other || typeof g.key !== 'object' || g.key === null ? undefined : (g.key as WireGroup['key']);
  if (!other && key === undefined) return undefined;
  const le = Array.isArray(g.le) && g.le.length === a.buckets.length ? g.le.map(finite) : undefined;
  return {
    key,
    count: finite(g.count),
    sum: typeof g.sum === 'number' && Number.isFinite(g.sum) ? g.sum : 0,
    ...(a.hist === undefined ? {} : { cumulative: le ?? a.buckets.map(() => 0) }),
  };
}

function toReading(raw: unknown, a: MetricsAggregation): Reading {
  const r = (raw as { counts?: Partial<WireResult> } | null)?.counts;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.groups)) {
    throw new MarkersError(ErrorCode.PROTOCOL, 'aggregate-read: the reply has no counts.groups');
  }
  const groups: ReadingGroup[] = [];
  for (const g of r.groups) {
    const group = toGroup(g, a, false);
    if (group !== undefined) groups.push(group);
  }
  const other = r.other === null || r.other === undefined ? undefined : toGroup(r.other, a, true);
  if (other !== undefined) groups.push(other);
  return {
    groups,
    dropped: finite(r.dropped) + finite(r.invalid),
    otherCount: finite(r.otherCount),
  };
}

/** Connects, asks who the process is, and starts every aggregation on the one connection. */
export async function attachTarget(
  target: DiscoveredTarget,
  aggregations: readonly MetricsAggregation[],
): Promise<TargetLink> {
  // The same checked way in as every command (discovery.ts): owner, listener, then connect.
  const client = await openTarget({ ...target, owner: target.owner ?? currentUid() });
  try {
    const info = await withTimeout(
      client.request('info'),
      ATTACH_TIMEOUT_MS,
      `process ${target.pid}`,
    );
    const command = typeof info?.command === 'string' ? info.command.slice(0, 200) : '';
    const ids = new Map<string, string>();
    for (const a of aggregations) {
      const reply = await withTimeout(
        client.request('aggregate', {
          options: {
            markers: a.markers,
            by: a.by,
            ...(a.hist === undefined ? {} : { hist: a.hist, bounds: a.buckets }),
            ...(a.where === undefined ? {} : { where: a.where }),
            maxGroups: a.maxGroups,
          },
          // A process whose markers are declared later (or never) is attached all the same.
          later: true,
        }),
        ATTACH_TIMEOUT_MS,
        `process ${target.pid}`,
      );
      if (typeof reply?.id !== 'string') {
        throw new MarkersError(ErrorCode.PROTOCOL, 'aggregate: the reply has no id');
      }
      ids.set(a.name, reply.id);
    }
    const byName = new Map(aggregations.map((a) => [a.name, a]));
    return {
      pid: target.pid,
      command,
      closed: client.closed,
      async read(name, timeoutMs) {
        const id = ids.get(name);
        const a = byName.get(name);
        if (id === undefined || a === undefined) {
          throw new MarkersError(ErrorCode.INVALID_ARGUMENT, `no aggregation ${name}`);
        }
        const raw = await withTimeout(
          client.request('aggregate-read', { id, counts: true }),
          timeoutMs,
          `process ${target.pid}`,
        );
        return toReading(raw, a);
      },
      close: () => client.close(),
    };
  } catch (error) {
    client.close();
    throw error;
  }
}
