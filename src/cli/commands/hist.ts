import {
  AGGREGATE_HELP,
  AGGREGATE_OPTIONS,
  commonOptions,
  linearOption,
  runAggregation,
} from '../aggregate/run.js';
import { type Command, UsageError } from '../command.js';
import { rejectExtraArguments } from '../target.js';

export const hist: Command = {
  name: 'hist',
  untilInterrupted: true,
  summary: 'a histogram of a numeric field in the target: quantiles and bars, live',
  usage:
    'markers hist [-p PID] MARKER FIELD [--by FIELD]... [--where EXPR] [--linear MIN:MAX:STEP] [--interval 1s] [--duration T] [--json]',
  details: `Builds a histogram of FIELD (a %d %i %u %x or %f field) of the markers MARKER
(a name or glob) matches, inside the target, in every thread. Buckets are
log-linear (HDR style): every quantile shown is within 1 % of the true value;
count, sum, min and max are exact. NaN and non-numeric values are counted as
invalid.
  --linear MIN:MAX:STEP  linear buckets instead, plus one below MIN and one at or above MAX
${AGGREGATE_HELP}`,
  examples: [
    'markers hist -p 4242 http:request_done ms                 # latency field, p50..p99.9',
    'markers hist http:request_done ms --by status --linear 0:100:10',
    "markers hist 'db:query_end' ms --where 'sql ~ \"select*\"' --duration 10s",
  ],
  options: { ...AGGREGATE_OPTIONS, linear: { type: 'string' } },
  run(values, positionals, context) {
    rejectExtraArguments(positionals, 2);
    const [pattern, field] = positionals;
    if (pattern === undefined || field === undefined) {
      throw new UsageError('give a MARKER and the FIELD to build a histogram of');
    }
    const linear = linearOption(values);
    return runAggregation(
      values,
      context,
      { markers: pattern, hist: field, ...commonOptions(values), ...(linear ? { linear } : {}) },
      { title: `hist ${pattern} ${field}`, unit: field },
    );
  },
};
