/**
 * The commands every application thread answers for aggregations, through
 * the thread coordinator (the same fan-out as recordings and probe modules):
 *
 *   aggregate:start {spec}  check the spec against this thread's markers, then
 *                           attach; sticky, so threads started later run it too.
 *                           -> { markers, skipped } | { started: false } (stopped id)
 *   aggregate:read  {id}    -> PartSnapshot of this thread, or null
 *   aggregate:stop  {id}    detach; -> the last PartSnapshot, or null
 *
 * Registering the handlers is cheap: the aggregation code itself is imported
 * on the first start, so a process that never aggregates never loads it.
 * A stopped id is remembered (boundedly), so a sticky start that reaches a
 * thread after the stop attaches nothing.
 */

import type { AggregateSpec, PartSnapshot } from '../../abi/aggregate.js';
import { Globals, hasGlobal, sharedGlobal } from '../../abi/globals.js';
import { AggregateOp, type AggregateStartReply as StartReply } from '../../abi/thread-ops.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { getRegistry } from '../../registry/global.js';
import { getCoordinator } from '../../threads/coordinator.js';
import { installOnce } from '../../threads/install-once.js';
import type { ThreadAggregation } from './thread-aggregation.js';

/** Stopped ids remembered per thread; older ones are forgotten first. */
const MAX_DEAD = 1024;

interface ThreadState {
  readonly version: number;
  readonly running: Map<string, ThreadAggregation>;
  readonly dead: Set<string>;
}

function state(): ThreadState {
  return sharedGlobal(Globals.AGGREGATE_THREAD, () => ({
    version: Globals.AGGREGATE_THREAD.version,
    running: new Map(),
    dead: new Set<string>(),
  }));
}

function idOf(args: unknown): string {
  const id = (args as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new MarkersError(ErrorCode.INVALID_ARGUMENT, 'aggregate command without an id');
  }
  return id;
}

const starting = new Map<string, Promise<StartReply>>();

function start(args: unknown): Promise<StartReply> {
  const id = idOf((args as { spec?: unknown } | null)?.spec);
  let pending = starting.get(id);
  if (pending === undefined) {
    pending = startOnce(args).finally(() => starting.delete(id));
    starting.set(id, pending);
  }
  return pending;
}

async function startOnce(args: unknown): Promise<StartReply> {
  const spec = (args as { spec?: AggregateSpec } | null)?.spec;
  if (typeof spec !== 'object' || spec === null) {
    throw new MarkersError(ErrorCode.INVALID_ARGUMENT, 'aggregate:start without a spec');
  }
  const id = idOf(spec);
  const { running, dead } = state();
  if (dead.has(id)) return { started: false };
  const existing = running.get(id);
  if (existing === undefined) {
    const { ThreadAggregation } = await import('./thread-aggregation.js');
    // The import yielded: a stop may have come in meanwhile.
    if (dead.has(id)) return { started: false };
    const coordinator = getCoordinator();
    const aggregation = new ThreadAggregation(spec, {
      id: coordinator.self.id,
      name: coordinator.self.name,
    });
    const registry = getRegistry();
    aggregation.check(registry.entries());
    registry.subscribe(aggregation);
    running.set(id, aggregation);
    const snapshot = aggregation.snapshot();
    return { started: true, markers: snapshot.markers, skipped: snapshot.skipped };
  }
  const snapshot = existing.snapshot();
  return { started: true, markers: snapshot.markers, skipped: snapshot.skipped };
}

function read(args: unknown): PartSnapshot | null {
  return state().running.get(idOf(args))?.snapshot() ?? null;
}

function stop(args: unknown): PartSnapshot | null {
  const id = idOf(args);
  const { running, dead } = state();
  dead.add(id);
  if (dead.size > MAX_DEAD) {
    for (const oldest of dead) {
      dead.delete(oldest);
      break;
    }
  }
  const aggregation = running.get(id);
  if (aggregation === undefined) return null;
  running.delete(id);
  getRegistry().unsubscribe(aggregation);
  return aggregation.snapshot();
}

/** Makes this thread answer aggregation commands, now. Idempotent per thread. */
export function installAggregateHandlers(): void {
  installOnce(Globals.AGGREGATE_HANDLERS, (coordinator) => {
    coordinator.handle(AggregateOp.START, start);
    coordinator.handle(AggregateOp.READ, read);
    coordinator.handle(AggregateOp.STOP, stop);
  });
}

/**
 * What importing markers does, as for probe modules: install now when the
 * thread's coordinator exists, else at the end of this turn, so that an
 * internal thread that imports markers before declaring itself internal is
 * not made an application thread by the import.
 */
export function scheduleAggregateHandlers(): void {
  if (hasGlobal(Globals.THREADS)) {
    installAggregateHandlers();
    return;
  }
  setImmediate(installAggregateHandlers).unref();
}
