import {
  AGGREGATE_HELP,
  AGGREGATE_OPTIONS,
  commonOptions,
  runAggregation,
} from '../aggregate/run.js';
import { type Command, UsageError } from '../command.js';

export const count: Command = {
  name: 'count',
  untilInterrupted: true,
  summary: 'count events in the target, grouped by fields, live',
  usage:
    'markers count [-p PID] PATTERN... [--by FIELD]... [--where EXPR] [--interval 1s] [--duration T] [--per-thread] [--json]',
  details: `Counts the events of the markers PATTERNs match, inside the target, in every
thread (threads started later included): no clock is read, and only the
counts cross the socket. Without --by, events are counted per marker.
${AGGREGATE_HELP}`,
  examples: [
    "markers count -p 4242 'http:request_done' --by status     # requests per status",
    "markers count 'db:*' --where 'ms > 100' --duration 30s     # slow queries per marker",
    "markers count 'http:*' --json --interval 5s | jq .groups   # for scripts",
  ],
  options: AGGREGATE_OPTIONS,
  run(values, positionals, context) {
    if (positionals.length === 0) throw new UsageError('which markers? give one or more PATTERNs');
    const common = commonOptions(values);
    return runAggregation(
      values,
      context,
      { markers: positionals, ...common, by: common.by ?? ['marker'] },
      { title: `count ${positionals.join(' ')}`, unit: '' },
    );
  },
};
