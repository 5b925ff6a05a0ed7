import { type Command, ExitCode, UsageError } from '../command.js';
import { printable } from '../format.js';
import { LATER_HELP, LATER_OPTION, parsePatterns, requireMatches } from '../patterns.js';
import { printJson, TARGET_HELP, TARGET_OPTIONS, timeoutArgs, withTarget } from '../target.js';

export const enable: Command = {
  name: 'enable',
  summary: "turn on flight recording of markers into the process's own buffers",
  usage: 'markers enable [-p PID] PATTERN... [--buffer-size BYTES] [--later]',
  details: `Records PATTERNs in overwrite mode (a flight recorder: the buffers keep the
newest events) in every thread, workers started later included. Nothing leaves the
process until 'markers snapshot -o DIR'. Enabling more patterns restarts the
flight recorder over all of them, which drops what the buffers held: snapshot
first if you need it. A thread whose event loop is blocked is reported; it starts
recording as soon as its event loop turns.
  --buffer-size BYTES  ring buffer per thread (default 4 MiB)
${LATER_HELP}
${TARGET_HELP}`,
  examples: [
    "markers enable -p 4242 'http:*' 'db:*'   # keep the newest http and db events",
    'markers snapshot -p 4242 -o ./incident    # later: write them out',
  ],
  options: { ...TARGET_OPTIONS, ...LATER_OPTION, 'buffer-size': { type: 'string' } },
  async run(values, positionals, context) {
    if (positionals.length === 0) throw new UsageError('which markers? give one or more PATTERNs');
    parsePatterns(positionals);
    const bufferSize =
      values['buffer-size'] === undefined ? undefined : Number(values['buffer-size']);
    if (bufferSize !== undefined && (!Number.isSafeInteger(bufferSize) || bufferSize <= 0)) {
      throw new UsageError(`--buffer-size expects bytes, got "${String(values['buffer-size'])}"`);
    }
    const result = await withTarget(values, context, async (client) => {
      await requireMatches(client, positionals, values, context);
      return client.request('enable', {
        patterns: positionals,
        ...(bufferSize === undefined ? {} : { bufferSize }),
        ...timeoutArgs(values),
      });
    });
    if (context.json) printJson(context, result);
    else {
      context.stdout.write(
        `${printable(`flight recorder on for ${result.patterns.join(' ')} in ${result.threads.length} thread(s): ${result.threads.map((t) => t.name).join(', ')}`)}\n`,
      );
    }
    for (const e of result.errors) {
      context.stderr.write(
        `${printable(`markers: ${e.code}: ${e.message}`)} (it joins once its event loop turns)\n`,
      );
    }
    return ExitCode.OK;
  },
};

export const disable: Command = {
  name: 'disable',
  summary: 'turn flight recording off for some patterns, or all',
  usage: 'markers disable [-p PID] [PATTERN...]',
  details: `Removes PATTERNs from the flight recorder (all of them when none is given).
What the buffers held is dropped: snapshot first if you need it.
${TARGET_HELP}`,
  examples: [
    "markers disable -p 4242 'db:*'   # keep recording the rest",
    'markers disable -p 4242          # all off',
  ],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    parsePatterns(positionals);
    const result = await withTarget(values, context, (client) =>
      client.request('disable', {
        patterns: positionals,
        ...timeoutArgs(values),
      }),
    );
    if (context.json) printJson(context, result);
    else if (result.patterns.length === 0) context.stdout.write('flight recorder off\n');
    else context.stdout.write(`flight recorder on for ${result.patterns.join(' ')}\n`);
    return ExitCode.OK;
  },
};
