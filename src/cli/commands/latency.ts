import {
  AGGREGATE_HELP,
  AGGREGATE_OPTIONS,
  commonOptions,
  linearOption,
  runAggregation,
} from '../aggregate/run.js';
import { type Command, UsageError } from '../command.js';
import { rejectExtraArguments } from '../target.js';

export const latency: Command = {
  name: 'latency',
  summary: 'latency between a start and an end marker in the target, as a histogram, live',
  usage:
    'markers latency [-p PID] START_MARKER [END_MARKER] [--key FIELD] [--by FIELD]... [--where EXPR] [--interval 1s] [--duration T] [--json]',
  details: `Pairs each start with its end inside the target and builds a histogram of the
milliseconds between them. Without END_MARKER, x_start pairs with x_end
(START_MARKER may then be a glob such as 'db:*_start'). Pairs are matched in
each thread as the Perfetto conversion matches slices: by the key field the
markers declared (marker(name, format, { key })); for an end that ends with
'ms %f error %s' (channel markers), by its own ms; by an 'id' or 'key'
field; else by nesting order (the innermost start takes the next end).
Two clock reads per pair (none when the end carries its ms).
  --key FIELD        the field that pairs a start with its end, on both markers
  --max-pending N    unmatched starts kept per thread (default 10000); past it
                     the oldest is evicted and counted
  --linear MIN:MAX:STEP  linear buckets (in ms)
--by and --where apply to the end marker's fields.
${AGGREGATE_HELP}`,
  examples: [
    'markers latency -p 4242 db:query_start                  # db:query_start -> db:query_end',
    'markers latency http:request_received http:request_done --key id --by status',
  ],
  options: {
    ...AGGREGATE_OPTIONS,
    key: { type: 'string', short: 'k' },
    'max-pending': { type: 'string' },
    linear: { type: 'string' },
  },
  run(values, positionals, context) {
    rejectExtraArguments(positionals, 2);
    const [start, end] = positionals;
    if (start === undefined)
      throw new UsageError('give a START_MARKER (and an END_MARKER unless it is x_start)');
    if (end === undefined && !start.endsWith('_start')) {
      throw new UsageError(
        `without END_MARKER the start must be an x_start marker; "${start}" is not`,
      );
    }
    let maxPending: number | undefined;
    if (values['max-pending'] !== undefined) {
      maxPending = Number(values['max-pending']);
      if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
        throw new UsageError(
          `--max-pending expects a positive integer, got "${String(values['max-pending'])}"`,
        );
      }
    }
    const linear = linearOption(values);
    return runAggregation(
      values,
      context,
      {
        markers: start,
        ...commonOptions(values),
        ...(linear ? { linear } : {}),
        latency: {
          ...(end === undefined ? {} : { end }),
          ...(values.key === undefined ? {} : { key: String(values.key) }),
          ...(maxPending === undefined ? {} : { maxPending }),
        },
      },
      {
        title: `latency ${start} -> ${end ?? `${start.slice(0, -'_start'.length)}_end`}`,
        unit: 'ms',
      },
    );
  },
};
