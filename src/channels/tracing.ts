/**
 * A tracing channel (`tracing:NAME:{start,end,asyncStart,asyncEnd,error}`) as
 * a marker pair. Node publishes one context object through all five, in these
 * orders (checked on Node 20 to 26):
 *
 *   traceSync          start -> [error] -> end
 *   tracePromise       start -> end -> [error] -> asyncStart -> asyncEnd
 *                      (a synchronous throw: start -> error -> end)
 *   traceCallback      start -> end -> ... [error] -> asyncStart -> callback -> asyncEnd
 *
 * So an operation is over at `end` when the context already holds its
 * `result` (traceSync sets it before end) or an error was published before
 * end; otherwise it is over at `asyncEnd`. A publisher that hand-rolls its
 * events differently passes `endsAt` (fastify marks async handlers with
 * `context.async`).
 */
import { errorText, type Pair } from './pair.js';
import type { ChannelSource, TracingChannelLike } from './source.js';

export interface TracingOptions {
  /** The start's arguments, from the context object. */
  readonly pick: (context: never) => readonly unknown[];
  /** Fields of x_end between the start's and `ms` (a status), read when the operation ends. */
  readonly pickEnd?: (context: never) => readonly unknown[];
  /** True when the operation is over at `end` (default: see the header). */
  readonly endsAt?: (context: never, errored: boolean) => boolean;
}

function endsAtDefault(context: object, errored: boolean): boolean {
  return errored || Object.hasOwn(context, 'result');
}

/** The five channel names of tracing channel `name`. */
export function tracingNames(name: string): Record<'start' | 'end' | 'asyncEnd' | 'error', string> {
  return {
    start: `tracing:${name}:start`,
    end: `tracing:${name}:end`,
    asyncEnd: `tracing:${name}:asyncEnd`,
    error: `tracing:${name}:error`,
  };
}

/** Feeds `pair` from tracing channel `channel` (a name, or a TracingChannel's own channels). */
export function feedTracing(
  source: ChannelSource,
  pair: Pair,
  channel: string | TracingChannelLike,
  options: TracingOptions,
): void {
  const channels =
    typeof channel === 'string'
      ? tracingNames(channel)
      : {
          start: channel.start,
          end: channel.end,
          asyncEnd: channel.asyncEnd,
          error: channel.error,
        };
  const pick = options.pick as (context: unknown) => readonly unknown[];
  const pickEnd = options.pickEnd as ((context: unknown) => readonly unknown[]) | undefined;
  const endsAt = (options.endsAt ?? endsAtDefault) as (
    context: object,
    errored: boolean,
  ) => boolean;
  const finish = (context: unknown): void => {
    pair.finish(context, pickEnd === undefined ? [] : pickEnd(context));
  };
  source.feed(channels.start, (context) => {
    pair.begin(context, pick(context));
  });
  source.feed(channels.error, (context) => {
    const op = pair.get(context);
    if (op !== undefined) op.error = errorText((context as { error?: unknown }).error);
  });
  source.feed(channels.end, (context) => {
    const op = pair.get(context);
    if (op !== undefined && endsAt(context as object, op.error !== '')) finish(context);
  });
  source.feed(channels.asyncEnd, finish);
}
