import type { ProcessMarker, ThreadOutcome } from '../../control/commands.js';
import { type Command, ExitCode } from '../command.js';
import { paint, table } from '../format.js';
import {
  printJson,
  rejectExtraArguments,
  reportThreadProblems,
  TARGET_HELP,
  TARGET_OPTIONS,
  timeoutArgs,
  withTarget,
} from '../target.js';

export const list: Command = {
  name: 'list',
  summary: 'list the markers of a process: format, state, hits, declared where',
  usage: 'markers list [-p PID] [PATTERN]',
  details: `Asks every application thread of the target for its markers and merges them
by name. PATTERN is a marker name or a glob ("http:*"). A thread that does not
answer in time (a blocked event loop) is reported on stderr; the others are listed.
Node's own diagnostics channels appear as markers too (node:*, undici:*, and those
of installed libraries such as fastify:* or ioredis:*), declared at their channel.
${TARGET_HELP}`,
  examples: [
    'markers list                  # every marker of the only instrumented process',
    "markers list -p 4242 'http:*'  # the http markers of process 4242",
    "markers list 'node:http.*'     # Node's HTTP server and client, as markers",
  ],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    rejectExtraArguments(positionals, 1);
    const pattern = positionals[0];
    const result = await withTarget(values, context, (client) =>
      client.request<{ markers: ProcessMarker[]; threads: ThreadOutcome[] }>('list', {
        ...(pattern === undefined ? {} : { pattern }),
        ...timeoutArgs(values),
      }),
    );
    if (context.json) {
      printJson(context, result);
      reportThreadProblems(result.threads, context);
      return ExitCode.OK;
    }
    reportThreadProblems(result.threads, context);
    if (result.markers.length === 0) {
      context.stdout.write(
        pattern === undefined ? 'no markers\n' : `no markers match ${pattern}\n`,
      );
      return ExitCode.OK;
    }
    context.stdout.write(
      table(
        context,
        ['MARKER', 'MODE', 'HITS', 'PROBES', 'THREADS', 'FORMAT', 'DECLARED'],
        result.markers.map((m) => [
          m.name,
          m.mode === 'off' ? m.mode : paint(context, '32', m.mode),
          String(m.hits),
          String(m.probes),
          String(m.threads.length),
          JSON.stringify(m.format),
          m.locations.join(', '),
        ]),
      ),
    );
    return ExitCode.OK;
  },
};
