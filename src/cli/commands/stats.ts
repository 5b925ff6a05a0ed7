import type { ThreadOutcome } from '../../control/commands.js';
import type { ThreadStats } from '../../control/thread-handlers.js';
import { type Command, ExitCode } from '../command.js';
import { table } from '../format.js';
import {
  printJson,
  rejectExtraArguments,
  reportThreadProblems,
  TARGET_HELP,
  TARGET_OPTIONS,
  timeoutArgs,
  withTarget,
} from '../target.js';

interface StatsResult {
  threads: (ThreadOutcome & { stats?: ThreadStats })[];
  recordings?: unknown;
}

export const stats: Command = {
  name: 'stats',
  summary: 'hits, lost events, probe errors and buffer use of a process',
  usage: 'markers stats [-p PID]',
  details: `Per thread: markers declared and enabled, hits, heap. A thread that does not
answer in time shows as timed out. Recordings in progress are listed with their
events, bytes and lost events.
${TARGET_HELP}`,
  examples: [
    'markers stats -p 4242          # per-thread counters',
    'markers stats --json | jq .    # for scripts',
  ],
  options: TARGET_OPTIONS,
  async run(values, positionals, context) {
    rejectExtraArguments(positionals, 0);
    const result = await withTarget(values, context, (client) =>
      client.request<StatsResult>('stats', timeoutArgs(values)),
    );
    if (context.json) {
      printJson(context, result);
      return ExitCode.OK;
    }
    context.stdout.write(
      table(
        context,
        ['THREAD', 'ID', 'MARKERS', 'ENABLED', 'HITS', 'HEAP'],
        result.threads.map((t) =>
          t.stats === undefined
            ? [t.thread.name, String(t.thread.id), '-', '-', '-', t.error?.code ?? '-']
            : [
                t.thread.name,
                String(t.thread.id),
                String(t.stats.markers),
                String(t.stats.enabled),
                String(t.stats.hits),
                `${Math.round(t.stats.heapUsed / 1024 / 1024)} MiB`,
              ],
        ),
      ),
    );
    reportThreadProblems(result.threads, context);
    return ExitCode.OK;
  },
};
