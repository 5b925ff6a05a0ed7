import { fromWireTrace } from '../../abi/trace-wire.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { JsonLinesFormatter } from '../../trace/convert/jsonl.js';
import { TextFormatter } from '../../trace/convert/text.js';
import { type Command, ExitCode, UsageError } from '../command.js';
import { parseDuration, printable } from '../format.js';
import { LiveDecoder } from '../live-decoder.js';
import { LATER_HELP, LATER_OPTION, parsePatterns, requireMatches } from '../patterns.js';
import { streamRecording } from '../stream-recording.js';
import { TARGET_HELP, TARGET_OPTIONS, timeoutArgs, withTarget } from '../target.js';
import { TimeOrderedQueue } from '../time-order.js';

export const tail: Command = {
  name: 'tail',
  untilInterrupted: true,
  summary: 'print live events of a running process until Ctrl-C',
  usage: 'markers tail [-p PID] PATTERN... [--duration TIME] [--later]',
  details: `Records PATTERNs in every thread and prints each event as it arrives, one
line per event in the style of babeltrace2 (JSON lines with --json). Events of
all threads are printed in time order, within about 250 ms of firing (each is
held briefly so that a later packet of another thread can fall into place). Lost
events are printed in place as WARNING lines.
  -d, --duration TIME  stop after e.g. 10s (default: until Ctrl-C)
${LATER_HELP}
${TARGET_HELP}`,
  examples: ["markers tail -p 4242 'http:*'", "markers tail 'db:query' --json | jq .fields.ms"],
  options: { ...TARGET_OPTIONS, ...LATER_OPTION, duration: { type: 'string', short: 'd' } },
  async run(values, positionals, context) {
    if (positionals.length === 0) throw new UsageError('which markers? give one or more PATTERNs');
    parsePatterns(positionals);
    let durationMs: number | undefined;
    if (values.duration !== undefined) {
      durationMs = parseDuration(String(values.duration));
      if (durationMs === undefined || durationMs <= 0) {
        throw new UsageError(`--duration expects e.g. 10s, got "${String(values.duration)}"`);
      }
    }
    const formatter = context.json ? new JsonLinesFormatter() : new TextFormatter();
    const ordered = new TimeOrderedQueue((record) => {
      const out = formatter.entry(record);
      if (out !== undefined) context.stdout.write(out);
    });
    const decoder = new LiveDecoder((record) => ordered.push(record));
    try {
      const result = await withTarget(values, context, async (client) => {
        await requireMatches(client, positionals, values, context);
        return streamRecording(client, decoder, {
          patterns: positionals,
          mode: 'discard',
          ...timeoutArgs(values),
          ...(durationMs === undefined ? {} : { durationMs }),
          signal: context.signal,
          onStarted: (started) => {
            decoder.start(fromWireTrace(started.trace));
            for (const e of started.errors)
              context.stderr.write(`${printable(`markers: ${e.code}: ${e.message}`)}\n`);
          },
        });
      });
      if (result.exited) {
        throw new MarkersError(ErrorCode.TARGET_EXITED, 'the target exited; tail stops');
      }
    } finally {
      ordered.flush();
    }
    return ExitCode.OK;
  },
};
