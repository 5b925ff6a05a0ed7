import { type Command, ExitCode } from '../command.js';
import { formatBytes, table } from '../format.js';
import {
  printJson,
  rejectExtraArguments,
  reportThreadProblems,
  TARGET_HELP,
  TARGET_OPTIONS,
  timeoutArgs,
  withTarget,
} from '../target.js';

export const stats: Command = {
  name: 'stats',
  summary: 'per-thread hits, and the recordings of a process: events, lost events, buffer use',
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
      client.request('stats', timeoutArgs(values)),
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
    const recordings = [
      ...(result.recordings.flight === null
        ? []
        : [{ kind: 'flight', ...result.recordings.flight }]),
      ...result.recordings.streaming.map((r) => ({ kind: 'streaming', ...r })),
    ];
    if (recordings.length > 0) {
      context.stdout.write('\n');
      context.stdout.write(
        table(
          context,
          [
            'RECORDING',
            'MODE',
            'EVENTS',
            'LOST',
            'OVERWRITTEN',
            'SKIPPED MARKERS',
            'BYTES',
            'BUFFER USE',
            'PATTERNS',
          ],
          recordings.map((r) => [
            r.kind,
            r.stats.mode,
            String(r.stats.recorded),
            String(r.stats.discarded + r.stats.lost),
            String(r.stats.overwritten),
            // Markers that matched but got no event id; their events are in LOST.
            String(r.stats.skippedMarkers ?? 0),
            formatBytes(r.stats.bytes),
            `${Math.round(Math.max(0, ...r.stats.threads.map((t) => t.bufferUse)) * 100)}%`,
            r.patterns.join(' '),
          ]),
        ),
      );
    }
    reportThreadProblems(result.threads, context);
    return ExitCode.OK;
  },
};
