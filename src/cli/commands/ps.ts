import { describeTargets } from '../../control/discovery.js';
import { type Command, ExitCode } from '../command.js';
import { formatDuration, table } from '../format.js';
import { clientOptions, printJson, REPLY_TIMEOUT_HELP, TARGET_OPTIONS } from '../target.js';

export const ps: Command = {
  name: 'ps',
  summary: 'list the instrumented processes of this user (of every user, for root)',
  usage: 'markers ps [--json] [--reply-timeout MS]',
  details: `Lists every process of this user whose control server is on (for root, of
every user): PID, node and markers versions, application threads, uptime and
command line. Sockets left behind by processes that died are removed. A target
that answers with something malformed is a row with its error (ERR_PROTOCOL), one
that sends nothing (stopped, or its main thread blocked before markers' control
worker started) a row with ERR_TARGET_UNRESPONSIVE.
${REPLY_TIMEOUT_HELP}`,
  examples: [
    'markers ps            # a table of instrumented processes',
    'markers ps --json     # the same, for scripts',
  ],
  options: { 'reply-timeout': TARGET_OPTIONS['reply-timeout'] as { type: 'string' } },
  async run(values, _positionals, context) {
    const rows = await describeTargets(context.env, clientOptions(values));
    if (context.json) {
      printJson(context, { processes: rows });
      return ExitCode.OK;
    }
    if (rows.length === 0) {
      context.stdout.write('no instrumented processes\n');
      return ExitCode.OK;
    }
    context.stdout.write(
      table(
        context,
        ['PID', 'NODE', 'MARKERS', 'THREADS', 'UPTIME', 'COMMAND'],
        rows.map((r) =>
          r.info === undefined
            ? [String(r.pid), '-', '-', '-', '-', `(${r.error?.code}: ${r.error?.message})`]
            : [
                String(r.pid),
                r.info.node,
                r.info.markers,
                String(r.info.threads.length),
                formatDuration(r.info.uptimeMs),
                r.info.command,
              ],
        ),
      ),
    );
    return ExitCode.OK;
  },
};
