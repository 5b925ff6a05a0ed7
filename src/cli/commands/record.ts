import { resolve } from 'node:path';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { createTraceDirectory } from '../../trace/writer.js';
import type { CommandContext } from '../command.js';
import { type Command, ExitCode, UsageError, type Values } from '../command.js';
import { formatBytes, parseDuration, printable } from '../format.js';
import { Progress } from '../progress.js';
import { type StreamResult, streamRecording } from '../stream-recording.js';
import {
  pidOf,
  printJson,
  TARGET_HELP,
  TARGET_OPTIONS,
  timeoutArgs,
  withTarget,
} from '../target.js';

export const RECORD_OPTIONS = {
  output: { type: 'string', short: 'o' },
  duration: { type: 'string', short: 'd' },
  mode: { type: 'string' },
  'buffer-size': { type: 'string' },
} as const;

export interface RecordSettings {
  readonly dir: string;
  readonly durationMs: number | undefined;
  readonly mode: 'discard' | 'overwrite';
  readonly bufferSize: number | undefined;
}

/** Parses -o, --duration, --mode and --buffer-size (shared with `run`). */
export function recordSettings(values: Values): RecordSettings {
  const output = values.output;
  if (typeof output !== 'string' || output === '') {
    throw new UsageError('where should the trace go? give -o DIR');
  }
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    durationMs = parseDuration(String(values.duration));
    if (durationMs === undefined || durationMs <= 0) {
      throw new UsageError(
        `--duration expects e.g. 30s, 500ms or 2m, got "${String(values.duration)}"`,
      );
    }
  }
  const mode = values.mode ?? 'discard';
  if (mode !== 'discard' && mode !== 'overwrite') {
    throw new UsageError(`--mode must be discard or overwrite, got "${String(mode)}"`);
  }
  let bufferSize: number | undefined;
  if (values['buffer-size'] !== undefined) {
    bufferSize = Number(values['buffer-size']);
    if (!Number.isSafeInteger(bufferSize) || bufferSize <= 0) {
      throw new UsageError(`--buffer-size expects bytes, got "${String(values['buffer-size'])}"`);
    }
  }
  return { dir: resolve(output), durationMs, mode, bufferSize };
}

/** The closing lines of a recording, human or JSON. */
export function reportRecording(
  context: CommandContext,
  settings: RecordSettings,
  result: StreamResult,
  pid: number | undefined,
): void {
  const { receiver, stats } = result;
  const lost = stats === undefined ? undefined : stats.discarded + stats.lost;
  if (context.json) {
    printJson(context, {
      dir: settings.dir,
      events: receiver.events,
      bytes: receiver.bytes,
      packets: receiver.packets,
      lost: lost ?? null,
      targetExited: result.exited,
      threads: result.started.threads,
      errors: result.started.errors,
      stats: stats ?? null,
    });
    return;
  }
  context.stdout.write(
    `recorded ${receiver.events} events (${formatBytes(receiver.bytes)}, ${lost ?? 'unknown'} lost) from ${result.started.threads.length} thread(s) into ${settings.dir}\n`,
  );
  if (result.exited) {
    context.stderr.write(
      `markers: process ${pid ?? ''} exited during the recording; the trace holds what arrived before it did\n`,
    );
  }
}

export const record: Command = {
  name: 'record',
  summary: 'record markers of a running process into a trace directory (CTF)',
  usage:
    'markers record [-p PID] PATTERN... -o DIR [--duration 30s] [--mode discard|overwrite] [--buffer-size BYTES]',
  details: `Starts recording PATTERNs (names or globs) in every thread of the target,
workers started later included, and streams the packets over the control socket;
this command writes the trace directory (CTF 1.8: metadata + one stream per thread).
It stops after --duration, on Ctrl-C, or when the target exits (the trace then holds
what arrived, and the exit code is 1). If this command dies, the target stops the
recording by itself. Several recordings may run at once.
  -o, --output DIR     the trace directory (must not exist, or be empty)
  -d, --duration TIME  e.g. 30s, 500ms, 2m (default: until Ctrl-C)
  --mode MODE          discard (default: a full buffer drops new events, counted)
                       or overwrite (keep the newest; written when stopped)
  --buffer-size BYTES  ring buffer per thread (default 4 MiB)
${TARGET_HELP}`,
  examples: [
    "markers record -p 4242 'http:*' -o ./trace --duration 30s   # then: babeltrace2 ./trace",
    "markers record '*' -o ./all                                 # until Ctrl-C",
  ],
  options: { ...TARGET_OPTIONS, ...RECORD_OPTIONS },
  async run(values, positionals, context) {
    if (positionals.length === 0) throw new UsageError('which markers? give one or more PATTERNs');
    const settings = recordSettings(values);
    const sink = createTraceDirectory(settings.dir);
    const progress = new Progress(context);
    const result = await withTarget(values, context, (client) =>
      streamRecording(client, sink, {
        patterns: positionals,
        mode: settings.mode,
        ...(settings.bufferSize === undefined ? {} : { bufferSize: settings.bufferSize }),
        ...timeoutArgs(values),
        ...(settings.durationMs === undefined ? {} : { durationMs: settings.durationMs }),
        signal: context.signal,
        onStarted: (started) => {
          for (const e of started.errors)
            context.stderr.write(`${printable(`markers: ${e.code}: ${e.message}`)}\n`);
        },
        onProgress: (stats, received) => progress.update(stats, received),
      }).finally(() => progress.clear()),
    );
    reportRecording(context, settings, result, pidOf(values));
    if (result.exited) {
      throw new MarkersError(
        ErrorCode.TARGET_EXITED,
        `the target exited during the recording; ${settings.dir} holds the ${result.receiver.events} events that arrived`,
        { dir: settings.dir },
      );
    }
    return ExitCode.OK;
  },
};
