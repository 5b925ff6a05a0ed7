/** `markers view DIR`: print a trace as text (or JSON lines with --json). */
import { convertTrace, StreamSink } from '../../trace/convert/convert.js';
import { openTrace } from '../../trace/reader/reader.js';
import { type Command, UsageError } from '../command.js';
import { toStdout } from './trace-output.js';
import { reportDiscarded } from './trace-summary.js';

export const viewCommand: Command = {
  name: 'view',
  summary: 'print a trace directory, one line per event',
  usage: 'markers view DIR [--json]',
  details: `Reads a CTF trace directory written by markers (metadata + one stream file per
thread) and prints its events merged across threads in time order, in the style
of babeltrace2: [HH:MM:SS.nnnnnnnnn UTC] (+delta) thread/tid provider:event: { fields }.
Lost events print as a WARNING line where they happened.

  --json   JSON lines instead: {"ts","thread","tid","marker","fields"} per event

A truncated or corrupt trace prints every readable event, then one error line
(ERR_TRACE_CORRUPT, naming the file and byte offset) and exits 1.`,
  examples: [
    'markers view ./trace                 # every event as text',
    'markers view ./trace --json | jq -c \'select(.marker == "http:request_done")\'',
  ],
  options: {},
  async run(_values, positionals, context) {
    if (positionals.length !== 1) throw new UsageError('expected one trace directory');
    const trace = await openTrace(positionals[0] as string);
    await toStdout(context.stdout, async () => {
      const format = context.json ? 'jsonl' : 'text';
      const summary = await convertTrace(trace, format, new StreamSink(context.stdout));
      reportDiscarded('view', summary, context.stderr);
    });
    return 0;
  },
};
