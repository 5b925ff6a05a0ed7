import type { Frame } from '../../abi/control-protocol.js';
import { createTraceDirectory } from '../../trace/writer.js';
import { type Command, ExitCode } from '../command.js';
import { formatBytes } from '../format.js';
import {
  printJson,
  rejectExtraArguments,
  TARGET_HELP,
  TARGET_OPTIONS,
  withTarget,
} from '../target.js';
import { TraceReceiver } from '../trace-receiver.js';
import { recordSettings } from './record.js';

export const snapshot: Command = {
  name: 'snapshot',
  summary: "write what the flight recorder's buffers hold as a trace directory",
  usage: 'markers snapshot [-p PID] -o DIR',
  details: `Copies the newest events of every thread's flight-recorder buffer (see
'markers enable') and writes them here as a CTF trace directory. The flight
recorder keeps running.
  -o, --output DIR  the trace directory (must not exist, or be empty)
${TARGET_HELP}`,
  examples: ["markers enable 'http:*' && sleep 10 && markers snapshot -o ./last-10s"],
  options: { ...TARGET_OPTIONS, output: { type: 'string', short: 'o' } },
  async run(values, positionals, context) {
    rejectExtraArguments(positionals, 0);
    const { dir } = recordSettings(values);
    const receiver = new TraceReceiver(createTraceDirectory(dir));
    const result = await withTarget(values, context, async (client) => {
      const reply = await client.request(
        'snapshot',
        {},
        { onFrame: (frame: Frame) => receiver.frame(frame) },
      );
      await client.drained();
      return reply;
    });
    const lost = result.stats.discarded + result.stats.lost;
    if (context.json) {
      printJson(context, { dir, events: receiver.events, bytes: receiver.bytes, lost, ...result });
    } else {
      context.stdout.write(
        `wrote ${receiver.events} events (${formatBytes(receiver.bytes)}; ${result.stats.overwritten} overwritten, ${lost} lost) of ${result.patterns.join(' ')} into ${dir}\n`,
      );
    }
    return ExitCode.OK;
  },
};
