/** `markers convert DIR --to perfetto|jsonl|text -o FILE`. */
import {
  convertTrace,
  isOutputFormat,
  OUTPUT_FORMATS,
  StreamSink,
} from '../../trace/convert/convert.js';
import { openTrace } from '../../trace/reader/reader.js';
import { type Command, UsageError } from '../command.js';
import { openOutput, toStdout } from './trace-output.js';
import { reportDiscarded } from './trace-summary.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert a trace directory to Perfetto, JSON lines or text',
  usage: 'markers convert DIR --to perfetto|jsonl|text -o FILE [--force]',
  details: `Reads a CTF trace directory written by markers and writes it in another format,
streaming (the trace is never loaded whole):

  --to perfetto   Perfetto protobuf (TrackEvent): open it at ui.perfetto.dev. One
                  track per thread, instant events, slices for x_start/x_end and
                  x_begin/x_end pairs.
  --to jsonl      one JSON object per line, for jq (see 'markers view --json')
  --to text       the text of 'markers view'
  -o, --output    the output file, or - for stdout
  -f, --force     overwrite FILE if it exists (refused otherwise)

A truncated or corrupt trace writes every readable event, then prints one error
line (ERR_TRACE_CORRUPT, naming the file and byte offset) and exits 1.`,
  examples: [
    'markers convert ./trace --to perfetto -o trace.pftrace   # then open it at ui.perfetto.dev',
    "markers convert ./trace --to jsonl -o - | jq -r '.marker' | sort | uniq -c",
    'markers convert ./trace --to text -o trace.txt --force',
  ],
  options: {
    to: { type: 'string' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean', short: 'f' },
  },
  async run(values, positionals, context) {
    if (positionals.length !== 1) throw new UsageError('expected one trace directory');
    const to = values.to;
    if (typeof to !== 'string' || !isOutputFormat(to)) {
      throw new UsageError(`--to must be one of ${OUTPUT_FORMATS.join(', ')}`);
    }
    const path = values.output;
    if (typeof path !== 'string' || path === '')
      throw new UsageError('-o FILE is required (- for stdout)');
    const trace = await openTrace(positionals[0] as string);
    const output = await openOutput(path, values.force === true, context.stdout);
    const write = async (): Promise<void> => {
      const summary = await convertTrace(trace, to, new StreamSink(output.stream));
      reportDiscarded('convert', summary, context.stderr);
      if (path !== '-') {
        context.stderr.write(`markers convert: wrote ${summary.events} events to ${path}\n`);
      }
    };
    try {
      await (path === '-' ? toStdout(context.stdout, write) : write());
    } finally {
      await output.close();
    }
    return 0;
  },
};
