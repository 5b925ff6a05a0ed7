/**
 * Control commands for aggregations (src/aggregate):
 *
 *   aggregate       {options}    start one; -> { id, spec, markers, skipped, threads }
 *   aggregate-read  {id, raw?, counts?}  -> the read() result, with raw the mergeable snapshot,
 *                                 with counts only counts, sums and le (for pollers)
 *   aggregate-stop  {id}         detach everywhere; -> the final result
 *   aggregates      {}           this connection's aggregations
 *
 * Ownership: an aggregation belongs to the connection that started it. When
 * the connection closes, for whatever reason (the CLI ended, was killed, the
 * socket broke), every aggregation it owns is stopped: nothing keeps running
 * in the target for a client that is gone. One connection may hold several
 * (a metrics agent polling many), up to MAX_PER_CONNECTION.
 *
 * `aggregate` also fails with ERR_UNKNOWN_MARKER when no thread has a marker
 * the patterns match (for latency: no start, or no end), since a CLI user
 * asking for a marker that does not exist has mistyped it, unless `later` is
 * true: the metrics agent attaches to every process, before its markers are
 * declared or whether they ever are.
 */

import type { AggregateOptions } from '../abi/aggregate.js';
import type { ControlResult } from '../abi/control-commands.js';
import type { AggregateSnapshot, Aggregation } from '../aggregate/aggregate.js';
import { countsOf } from '../aggregate/snapshot/summarize.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { timeoutOf } from './commands.js';
import { type Connection, defineCommand, type ServerCommand } from './server.js';

export const MAX_PER_CONNECTION = 64;

interface Owned {
  readonly aggregation: Aggregation;
  readonly connection: Connection;
}

function idArg(args: Record<string, unknown>, cmd: string): string {
  const id = args.id;
  if (typeof id !== 'string' || id === '') {
    throw new MarkersError(ErrorCode.INVALID_ARGUMENT, `${cmd}: "id" must be an aggregation id`, {
      cmd,
    });
  }
  return id;
}

/** Is some start, and (for latency) some end, among the markers aggregated? */
function matchedEnough(aggregation: Aggregation): boolean {
  const { spec, markers } = aggregation;
  if (markers.length === 0) return false;
  if (spec.kind !== 'latency') return true;
  const isEnd = (name: string): boolean =>
    spec.end === null ? name.endsWith('_end') : !spec.markers.includes(name);
  return markers.some(isEnd) && markers.some((m) => !isEnd(m));
}

export function aggregateCommands(): Map<string, ServerCommand> {
  const owned = new Map<string, Owned>();
  const commands = new Map<string, ServerCommand>();

  const find = (args: Record<string, unknown>, cmd: string, connection: Connection): Owned => {
    const id = idArg(args, cmd);
    const entry = owned.get(id);
    if (entry === undefined || entry.connection !== connection) {
      throw new MarkersError(
        ErrorCode.AGGREGATE_NOT_FOUND,
        `${cmd}: no aggregation ${id} on this connection (stopped, or started by another client)`,
        { id },
      );
    }
    return entry;
  };

  defineCommand(commands, 'aggregate', async (args, { connection }) => {
    const mine = [...owned.values()].filter((o) => o.connection === connection).length;
    if (mine >= MAX_PER_CONNECTION) {
      throw new MarkersError(
        ErrorCode.INVALID_ARGUMENT,
        `aggregate: this connection already holds ${MAX_PER_CONNECTION} aggregations; stop one first`,
      );
    }
    const options = args.options;
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new MarkersError(ErrorCode.INVALID_ARGUMENT, 'aggregate: "options" must be an object');
    }
    // Loaded on first use: a target that never aggregates never loads it.
    const { aggregate } = await import('../aggregate/aggregate.js');
    const pending = aggregate(options as unknown as AggregateOptions, {
      timeoutMs: timeoutOf(args),
    });
    const aggregation = await pending;
    if (connection.closed) {
      await aggregation.stop();
      // The client left while the aggregation started: nothing reads this answer.
      return null as unknown as ControlResult<'aggregate'>;
    }
    if (args.later !== true && !matchedEnough(aggregation)) {
      await aggregation.stop();
      const { spec } = aggregation;
      const what =
        spec.kind === 'latency'
          ? `both a start (${spec.markers.join(', ')}) and an end (${spec.end ?? spec.markers.map((p) => `${p.slice(0, -'_start'.length)}_end`).join(', ')})`
          : spec.markers.join(', ');
      throw new MarkersError(
        ErrorCode.UNKNOWN_MARKER,
        `no thread has a marker matching ${what}; see markers list`,
        { patterns: spec.markers },
      );
    }
    const entry: Owned = { aggregation, connection };
    owned.set(aggregation.id, entry);
    connection.onClose(() => {
      if (owned.delete(aggregation.id)) void aggregation.stop().catch(() => {});
    });
    return {
      id: aggregation.id,
      spec: aggregation.spec,
      markers: aggregation.markers,
      problems: aggregation.problems,
    };
  });

  defineCommand(commands, 'aggregate-read', async (args, { connection }) => {
    const { aggregation } = find(args, 'aggregate-read', connection);
    if (args.counts === true) {
      const snapshot = await aggregation.snapshot();
      return { counts: countsOf(aggregation.spec, snapshot.parts, snapshot.time) };
    }
    if (args.raw === true) {
      const snapshot: AggregateSnapshot = await aggregation.snapshot();
      return { snapshot, problems: aggregation.problems };
    }
    return { result: await aggregation.read(), problems: aggregation.problems };
  });

  defineCommand(commands, 'aggregate-stop', async (args, { connection }) => {
    const { aggregation } = find(args, 'aggregate-stop', connection);
    owned.delete(aggregation.id);
    return { result: await aggregation.stop(), problems: aggregation.problems };
  });

  commands.set('aggregates', (_args, { connection }) => ({
    aggregations: [...owned.values()]
      .filter((o) => o.connection === connection)
      .map((o) => ({ id: o.aggregation.id, spec: o.aggregation.spec })),
  }));

  return commands;
}
