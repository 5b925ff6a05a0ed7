/**
 * What `markers count`, `hist` and `latency` share: the options, starting
 * the aggregation in the target over one control connection, polling it
 * every interval, and ending it (Ctrl-C, --duration, or the target going
 * away). The aggregation is owned by the connection, so however this
 * process ends, killed included, the target stops it when the socket closes.
 */

import type { AggregateOptions } from '../../abi/aggregate.js';
import type {
  AggregateReading as AggregateView,
  ControlResult,
} from '../../abi/control-commands.js';
import { parseWhere } from '../../aggregate/where/parse.js';
import type { ControlClient } from '../../control/client.js';
import { ErrorCode, isMarkersError, MarkersError } from '../../errors/markers-error.js';
import {
  type CommandContext,
  ExitCode,
  type Options,
  UsageError,
  type Values,
} from '../command.js';
import { parseDuration } from '../format.js';
import { listAll, suggestPatterns } from '../patterns.js';
import { didYouMean } from '../suggest.js';
import { pidOf, TARGET_HELP, TARGET_OPTIONS, timeoutArgs, withTarget } from '../target.js';
import { newViewState, REDRAW, renderResult } from './view.js';

export const AGGREGATE_OPTIONS: Options = {
  ...TARGET_OPTIONS,
  by: { type: 'string', multiple: true },
  where: { type: 'string', short: 'w' },
  interval: { type: 'string', short: 'i' },
  duration: { type: 'string', short: 'd' },
  'per-thread': { type: 'boolean' },
  'max-groups': { type: 'string' },
  later: { type: 'boolean' },
};

export const AGGREGATE_HELP = `  --by FIELD          group by this field (repeat for several); "marker" is the marker's name
  -w, --where EXPR    only events where EXPR holds, e.g. 'status >= 500 && path ~ "/api/*"'
                      (== != < <= > >= on numbers and strings, ~ glob, && || ! and parentheses)
  -i, --interval T    redraw (TTY) or print (--json) every T (default 1s)
  -d, --duration T    stop after T, e.g. 30s (default: until Ctrl-C)
  --per-thread        one row per thread instead of merged
  --max-groups N      distinct groups kept (default 1000); the rest are counted as "other"
  --later             a PATTERN that matches no marker yet is not an error: wait for
                      markers declared later (ERR_UNKNOWN_MARKER otherwise)
  --json              one JSON object per interval, in the read() shape, with its time
${TARGET_HELP}
On a TTY the view redraws every interval, like top; otherwise a table is
printed at the end. The aggregation runs inside the target, in every thread,
and ends when this command ends, however it ends.`;

function duration(values: Values, key: string, fallback: number | undefined): number | undefined {
  const raw = values[key];
  if (raw === undefined) return fallback;
  const ms = parseDuration(String(raw));
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--${key} expects e.g. 1s, 500ms or 2m, got "${String(raw)}"`);
  }
  return ms;
}

/** --by values, --where (syntax checked here: a bad one is a usage error), --max-groups, --per-thread. */
export function commonOptions(
  values: Values,
): Pick<AggregateOptions, 'by' | 'where' | 'maxGroups' | 'perThread'> {
  const by = ((values.by ?? []) as string[]).filter((b) => typeof b === 'string');
  const where = values.where === undefined ? undefined : String(values.where);
  if (where !== undefined) {
    try {
      parseWhere(where);
    } catch (error) {
      if (isMarkersError(error, ErrorCode.WHERE_SYNTAX)) {
        throw new UsageError(`${error.code}: ${error.message}`);
      }
      throw error;
    }
  }
  let maxGroups: number | undefined;
  if (values['max-groups'] !== undefined) {
    maxGroups = Number(values['max-groups']);
    if (!Number.isSafeInteger(maxGroups) || maxGroups < 1) {
      throw new UsageError(
        `--max-groups expects a positive integer, got "${String(values['max-groups'])}"`,
      );
    }
  }
  return {
    ...(by.length > 0 ? { by } : {}),
    ...(where === undefined ? {} : { where }),
    ...(maxGroups === undefined ? {} : { maxGroups }),
    ...(values['per-thread'] === true ? { perThread: true } : {}),
  };
}

/** --linear MIN:MAX:STEP */
export function linearOption(values: Values): AggregateOptions['linear'] | undefined {
  const raw = values.linear;
  if (raw === undefined) return undefined;
  const parts = String(raw).split(':').map(Number);
  const [min, max, step] = parts;
  if (
    parts.length !== 3 ||
    !parts.every(Number.isFinite) ||
    min === undefined ||
    max === undefined ||
    step === undefined ||
    !(max > min) ||
    !(step > 0)
  ) {
    throw new UsageError(
      `--linear expects MIN:MAX:STEP with MAX > MIN and STEP > 0, got "${String(raw)}"`,
    );
  }
  return { min, max, step };
}

/** What a target sends is checked before it is drawn: a broken reply is an error, not a crash. */
/** The views' result; the client checked its shape (abi/control-shapes.ts), which makes it optional. */
function checked(reply: ControlResult<'aggregate-read'>): AggregateView {
  if (reply.result === undefined) {
    throw new MarkersError(
      ErrorCode.PROTOCOL,
      'the target sent an aggregation reading without a result',
    );
  }
  return reply.result;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** ERR_UNKNOWN_MARKER from the target, with the closest marker names the target has. */
async function withSuggestions(
  error: unknown,
  client: ControlClient,
  values: Values,
): Promise<never> {
  const patterns = isMarkersError(error, ErrorCode.UNKNOWN_MARKER)
    ? error.details.patterns
    : undefined;
  if (!Array.isArray(patterns)) throw error;
  const names = (await listAll(client, values)).markers.map((m) => m.name);
  const hints = patterns.flatMap((p) => (typeof p === 'string' ? suggestPatterns(p, names) : []));
  throw new MarkersError(
    ErrorCode.UNKNOWN_MARKER,
    `${(error as Error).message}${didYouMean([...new Set(hints)])}`,
    { ...(error as { details: Record<string, unknown> }).details, suggestions: hints },
  );
}

export async function runAggregation(
  values: Values,
  context: CommandContext,
  options: AggregateOptions,
  view: { readonly title: string; readonly unit: string },
): Promise<number> {
  pidOf(values);
  const intervalMs = duration(values, 'interval', 1000) as number;
  const durationMs = duration(values, 'duration', undefined);
  const tty = context.stdout.isTTY === true && !context.json;
  let state = newViewState(Date.now());
  const show = (result: AggregateView, elapsedMs: number, final: boolean): void => {
    if (context.json) {
      context.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    if (!tty && !final) return;
    const text = renderResult(context, result, state, { ...view, elapsedMs });
    context.stdout.write(tty ? `${REDRAW}${text}` : text);
  };
  return withTarget(values, context, async (client) => {
    const started = await client
      .request('aggregate', {
        options,
        ...timeoutArgs(values),
        ...(values.later === true ? { later: true } : {}),
      })
      .catch((error: unknown) => withSuggestions(error, client, values));
    if (typeof started?.id !== 'string' || !Array.isArray(started.problems)) {
      throw new MarkersError(ErrorCode.PROTOCOL, 'the target sent no aggregation id');
    }
    for (const p of started.problems) {
      context.stderr.write(
        `markers: thread ${p.thread.name} (id ${p.thread.id}): ${p.code}: ${p.message}\n`,
      );
    }
    const begin = Date.now();
    state = newViewState(begin);
    const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : begin + durationMs;
    // The loop ends on Ctrl-C (the signal), at the deadline, or when the target goes away.
    const gone = new AbortController();
    void client.closed.then(() => gone.abort());
    const stop = AbortSignal.any([context.signal, gone.signal]);
    let last: AggregateView | undefined;
    while (!stop.aborted && Date.now() < deadline) {
      await sleep(Math.min(intervalMs, deadline - Date.now()), stop);
      if (stop.aborted || Date.now() >= deadline) break;
      const result = checked(await client.request('aggregate-read', { id: started.id }));
      last = result;
      show(result, Date.now() - begin, false);
    }
    if (client.isClosed) {
      if (last !== undefined && !context.json) show(last, Date.now() - begin, true);
      throw new MarkersError(
        ErrorCode.TARGET_EXITED,
        'the target exited; the aggregation ends with it',
      );
    }
    const result = checked(await client.request('aggregate-stop', { id: started.id }));
    show(result, Date.now() - begin, true);
    return ExitCode.OK;
  });
}
