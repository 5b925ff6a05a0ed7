import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { type Command, ExitCode } from '../command.js';
import { paint, table } from '../format.js';
import { listAll, parsePatterns, suggestPatterns } from '../patterns.js';
import { didYouMean } from '../suggest.js';
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
A PATTERN that matches no marker exits 1 (ERR_NO_MATCH) with the closest names.
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
    if (pattern !== undefined) parsePatterns([pattern]);
    const result = await withTarget(values, context, async (client) => {
      const found = await client.request('list', {
        ...(pattern === undefined ? {} : { pattern }),
        ...timeoutArgs(values),
      });
      if (pattern !== undefined && found.markers.length === 0 && found.threads.every((t) => t.ok)) {
        const names = (await listAll(client, values)).markers.map((m) => m.name);
        const suggestions = suggestPatterns(pattern, names);
        throw new MarkersError(
          ErrorCode.NO_MATCH,
          `"${pattern}" matches no marker in any thread of process ${client.pid ?? '?'}${didYouMean(suggestions)}`,
          { pattern, suggestions },
        );
      }
      return found;
    });
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
          // A declared pairing key shows with the format it names a field of.
          m.key === undefined
            ? JSON.stringify(m.format)
            : `${JSON.stringify(m.format)} key ${m.key}`,
          m.locations.join(', '),
        ]),
      ),
    );
    return ExitCode.OK;
  },
};
