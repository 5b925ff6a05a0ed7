/**
 * User channel markers: any diagnostics channel, or tracing channel, fed into
 * a marker of your own.
 *
 *   const query = channelMarker('db:query', 'db:query', 'sql %s rows %d', (m: Q) => [m.sql, m.rows]);
 *   const { start, end } = tracingChannelMarker('mylib:op', 'mylib:op', 'key %s', (c: C) => [c.key]);
 *
 * `pick` runs inside the publisher's `publish()` call, so whatever it throws
 * or returns (anything but an array) is caught, counted and reported once
 * (ERR_CHANNEL_PICK), and the event is dropped: the publisher never sees it.
 * While the marker is off, markers holds no subscription on the channel.
 */
import * as dc from 'node:diagnostics_channel';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import type { CheckFormat, CheckName, FormatArgs } from '../marker/format.js';
import type { Marker } from '../marker/marker.js';
import { getRegistry } from '../registry/global.js';
import { bindSource, threadChannels } from './bind.js';
import { END_FIELDS, Pair } from './pair.js';
import { type ChannelLike, ChannelSource, type TracingChannelLike } from './source.js';
import { feedTracing } from './tracing.js';

/** The format of a tracing pair's x_end: the start's fields, then `ms %f error %s`. */
export type EndFormat<F extends string> = F extends ''
  ? typeof END_FIELDS
  : `${F} ${typeof END_FIELDS}`;

export interface TracingChannelMarkers<F extends string> {
  readonly start: Marker<F>;
  readonly end: Marker<EndFormat<F>>;
}

function channelName(channel: string | symbol): string {
  return typeof channel === 'string' ? channel : String(channel);
}

function checkFree(names: readonly string[]): void {
  const taken = names.find((name) => threadChannels().byName.has(name));
  if (taken !== undefined) {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `marker "${taken}" is already fed by a diagnostics channel in this thread; declare it once`,
      { marker: taken },
    );
  }
}

function checkPick(pick: unknown, name: string): void {
  if (typeof pick !== 'function') {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `channel marker "${name}": pick must be a function returning the marker's arguments`,
      { marker: name },
    );
  }
}

function picked(args: unknown): readonly unknown[] {
  if (!Array.isArray(args)) {
    throw new TypeError(`pick returned ${typeof args}, not an array of arguments`);
  }
  return args;
}

/**
 * Declares marker `name` fed by diagnostics channel `channel` (a name or a
 * `Channel`): each message published there while the marker is enabled
 * fires it with `pick(message)`.
 *
 * @throws MarkersError ERR_INVALID_NAME, ERR_INVALID_FORMAT, ERR_FORMAT_MISMATCH as marker()
 *   does; ERR_INVALID_ARGUMENT when `pick` is not a function or the name is already fed by a channel.
 */
export function channelMarker<const N extends string, const F extends string, M = never>(
  channel: string | ChannelLike,
  name: N extends CheckName<N> ? N : CheckName<N>,
  format: F extends CheckFormat<F> ? F : CheckFormat<F>,
  pick: (message: M) => FormatArgs<F>,
): Marker<F> {
  const ch: ChannelLike = typeof channel === 'string' ? dc.channel(channel) : channel;
  checkPick(pick, name);
  checkFree([name]);
  const marker = getRegistry().declare(
    name,
    format,
    `diagnostics_channel:${channelName(ch.name)}`,
  ) as Marker<F>;
  const source = new ChannelSource([marker.name]);
  const fn = pick as unknown as (message: unknown) => unknown;
  source.feed(ch, (message) => {
    const fire = marker.fire as ((...args: unknown[]) => void) | undefined;
    if (fire !== undefined) fire(...picked(fn(message)));
  });
  bindSource([marker as Marker], source);
  return marker;
}

/**
 * Declares `NAME_start` and `NAME_end` fed by tracing channel `channel` (its
 * name, as given to `tracingChannel()`, or the TracingChannel). `start`
 * fires with `pick(context)`; `end` fires once per operation, when it
 * returns (traceSync, or a synchronous throw) or settles (tracePromise,
 * traceCallback), with the same arguments, then `ms` from its own start and
 * `error` (empty when none). Overlapping operations are told apart by their
 * context object.
 */
export function tracingChannelMarker<const N extends string, const F extends string, M = never>(
  channel: string | TracingChannelLike,
  name: N extends CheckName<N> ? N : CheckName<N>,
  format: F extends CheckFormat<F> ? F : CheckFormat<F>,
  pick: (context: M) => FormatArgs<F>,
): TracingChannelMarkers<F> {
  checkPick(pick, name);
  const startName = `${name}_start`;
  const endName = `${name}_end`;
  checkFree([startName, endName]);
  const label =
    typeof channel === 'string' ? `tracing:${channel}` : channelName(channel.start.name);
  const registry = getRegistry();
  const start = registry.declare(startName, format, `diagnostics_channel:${label}`) as Marker<F>;
  const end = registry.declare(
    endName,
    format === '' ? END_FIELDS : `${format} ${END_FIELDS}`,
    `diagnostics_channel:${label}`,
  ) as Marker<EndFormat<F>>;
  const source = new ChannelSource([start.name, end.name]);
  const fn = pick as unknown as (context: unknown) => unknown;
  feedTracing(source, new Pair(start as Marker, end as Marker), channel, {
    pick: (context: unknown) => picked(fn(context)),
  });
  bindSource([start as Marker, end as Marker], source);
  return { start, end };
}
