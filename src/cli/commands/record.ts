import { resolve } from 'node:path';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { createTraceDirectory } from '../../trace/writer.js';
import type { CommandContext } from '../command.js';
import { type Command, ExitCode, UsageError, type Values } from '../command.js';
import { formatBytes, parseDuration, printable } from '../format.js';
import { LATER_HELP, LATER_OPTION, parsePatterns, requireMatches } from '../patterns.js';
import { Progress } from '../progress.js';
import { diskPackets, type StreamResult, streamRecording } from '../stream-recording.js';
import { printJson, TARGET_HELP, TARGET_OPTIONS, timeoutArgs, withTarget } from '../target.js';

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

/**
 * What was lost, from the target's counters and this side's writer:
 * events dropped in the target's buffers (full, too large, markers without
 * an event id), overwritten (overwrite mode), not sent (the target's socket
 * failed), and not written here (storage errors). Exact when the target's
 * final counters arrived; when the target died, a lower bound from its last
 * report: whatever it had recorded and did not arrive is lost, and what it
 * did after that report is unknown.
 */
export interface LossReport {
  readonly lost: number;
  readonly exact: boolean;
  readonly discarded: number;
  readonly overwritten: number;
  /** Not sent by the target, or (when it died) recorded there and never arrived. */
  readonly unsent: number;
  /** Arrived here but could not be written. */
  readonly unwritten: number;
  readonly skippedMarkers: number;
}

export function lossReport(result: StreamResult, writerLost: number): LossReport {
  const { stats, receiver } = result;
  const discarded = stats?.discarded ?? 0;
  const overwritten = stats?.overwritten ?? 0;
  let unsent = stats?.lost ?? 0;
  if (!result.final && stats !== undefined) {
    // Recorded there before its last report, and not here: lost with the process.
    // Overwritten events are among the recorded ones; count them once.
    unsent = Math.max(unsent, stats.recorded - receiver.events - overwritten, 0);
  }
  return {
    lost: discarded + overwritten + unsent + writerLost,
    exact: result.final,
    discarded,
    overwritten,
    unsent,
    unwritten: writerLost,
    skippedMarkers: stats?.skippedMarkers ?? 0,
  };
}

/** The closing lines of a recording, human or JSON. */
export function reportRecording(
  context: CommandContext,
  settings: RecordSettings,
  result: StreamResult,
  pid: number | undefined,
  writerLost = 0,
): void {
  const { receiver, stats } = result;
  const loss = lossReport(result, writerLost);
  if (context.json) {
    printJson(context, {
      dir: settings.dir,
      events: receiver.events - writerLost,
      bytes: receiver.bytes,
      packets: receiver.packets,
      lost: loss.lost,
      lostExact: loss.exact,
      loss,
      targetExited: result.exited,
      threads: result.started.threads,
      errors: result.started.errors,
      stats: stats ?? null,
    });
    return;
  }
  const parts = [
    loss.discarded > 0 ? `${loss.discarded} discarded` : '',
    loss.overwritten > 0 ? `${loss.overwritten} overwritten` : '',
    loss.unsent > 0 ? `${loss.unsent} not delivered` : '',
    loss.unwritten > 0 ? `${loss.unwritten} not written` : '',
  ].filter((p) => p !== '');
  const lost = `${loss.exact ? '' : 'at least '}${loss.lost} lost${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
  context.stdout.write(
    `recorded ${receiver.events - writerLost} events (${formatBytes(receiver.bytes)}, ${lost}) from ${result.started.threads.length} thread(s) into ${settings.dir}\n`,
  );
  if (loss.skippedMarkers > 0) {
    context.stderr.write(
      `markers: ${loss.skippedMarkers} matching marker(s) could not be recorded (no event id left); their events are counted as discarded\n`,
    );
  }
  if (result.exited && !result.final) {
    const age =
      result.statsAgeMs === undefined
        ? 'it never reported its counters'
        : `its last report was ${Math.round(result.statsAgeMs)} ms before it died`;
    context.stderr.write(
      `markers: process ${pid ?? '(unknown PID)'} died during the recording; the trace holds what arrived, and the loss is a lower bound (${age}; what it did after that is unknown)\n`,
    );
  } else if (result.exited) {
    context.stderr.write(
      `markers: process ${pid ?? '(unknown PID)'} exited during the recording; it delivered everything it recorded, and the counts are exact\n`,
    );
  }
}

export const record: Command = {
  name: 'record',
  untilInterrupted: true,
  summary: 'record markers of a running process into a trace directory (CTF)',
  usage:
    'markers record [-p PID] PATTERN... -o DIR [--duration 30s] [--mode discard|overwrite] [--buffer-size BYTES] [--later]',
  details: `Starts recording PATTERNs (names or globs) in every thread of the target,
workers started later included, and streams the packets over the control socket;
this command writes the trace directory (CTF 1.8: metadata + one stream per thread).
It stops after --duration, on Ctrl-C or SIGHUP, or when the target exits (the trace
then holds what arrived, and the exit code is 1). The summary counts every lost event:
discarded, overwritten, not delivered, not written; if the target died, it is a lower
bound ("at least"). A storage error (full disk, trace directory removed) is reported
with its code and exit code 1. The metadata is on disk from the first packet on, so
a recording cut short (this command killed) stays readable. If this command dies,
the target stops the recording by itself. Several recordings may run at once.
  -o, --output DIR     the trace directory (must not exist, or be empty)
  -d, --duration TIME  e.g. 30s, 500ms, 2m (default: until Ctrl-C)
  --mode MODE          discard (default: a full buffer drops new events, counted)
                       or overwrite (keep the newest; written when stopped)
  --buffer-size BYTES  ring buffer per thread (default 4 MiB)
${LATER_HELP}
${TARGET_HELP}`,
  examples: [
    "markers record -p 4242 'http:*' -o ./trace --duration 30s   # then: babeltrace2 ./trace",
    "markers record '*' -o ./all                                 # until Ctrl-C",
  ],
  options: { ...TARGET_OPTIONS, ...LATER_OPTION, ...RECORD_OPTIONS },
  async run(values, positionals, context) {
    if (positionals.length === 0) throw new UsageError('which markers? give one or more PATTERNs');
    parsePatterns(positionals);
    const settings = recordSettings(values);
    const progress = new Progress(context);
    // SIGHUP (the terminal or ssh session went away) ends the recording as Ctrl-C does.
    // (One controller for both rather than AbortSignal.any, which Node 20.0-20.2 lack.)
    const stopping = new AbortController();
    const onHangup = (): void => stopping.abort();
    process.on('SIGHUP', onHangup);
    if (context.signal.aborted) stopping.abort();
    else context.signal.addEventListener('abort', onHangup, { once: true });
    const signal = stopping.signal;
    let pid: number | undefined;
    let sink: ReturnType<typeof createTraceDirectory> | undefined;
    const result = await withTarget(values, context, async (client) => {
      pid = client.pid;
      await requireMatches(client, positionals, values, context);
      // Only now, with a target that has these markers, is the directory made.
      const trace = createTraceDirectory(settings.dir);
      sink = trace;
      return streamRecording(client, trace, {
        patterns: positionals,
        ...diskPackets(settings),
        ...timeoutArgs(values),
        ...(settings.durationMs === undefined ? {} : { durationMs: settings.durationMs }),
        signal,
        onStarted: (started) => {
          for (const e of started.errors)
            context.stderr.write(`${printable(`markers: ${e.code}: ${e.message}`)}\n`);
        },
        onProgress: (stats, received) => progress.update(stats, received),
      }).finally(() => progress.clear());
    }).finally(() => {
      process.off('SIGHUP', onHangup);
      context.signal.removeEventListener('abort', onHangup);
    });
    reportRecording(context, settings, result, pid, sink?.lostEvents ?? 0);
    // The trace on disk is not what was recorded: say why, with its code, and fail.
    if (sink?.error !== undefined) throw sink.error;
    if (result.exited) {
      throw new MarkersError(
        ErrorCode.TARGET_EXITED,
        `process ${pid ?? '(unknown PID)'} exited during the recording; ${settings.dir} holds the ${result.receiver.events} events that arrived`,
        { dir: settings.dir },
      );
    }
    return ExitCode.OK;
  },
};
