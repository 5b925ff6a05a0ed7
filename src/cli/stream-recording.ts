/**
 * Runs one streamed recording from the CLI side: start it in the target,
 * feed its frames to a sink, stop it after a duration, on Ctrl-C, or when
 * the target goes away, and always finish the sink (see TraceReceiver).
 * Shared by `record`, `tail` and `run --record`.
 */

import type {
  RecordingStatsReply as RecordingStats,
  StartedRecording,
} from '../abi/control-commands.js';
import type { ControlClient } from '../control/client.js';
import { isMarkersError } from '../errors/markers-error.js';
import { RECORDING_DEFAULTS } from '../record/options.js';
import type { PacketSink } from '../trace/writer.js';
import { TraceReceiver } from './trace-receiver.js';

/** The packet flush interval of a recording written to disk (record, run --record): see StreamOptions.flushMs. */
export const RECORD_FLUSH_MS = 1000;
/**
 * The sub-buffer (packet) size of a recording written to disk, where the
 * ring holds at least RECORD_MIN_SUB_BUFFERS of them. Each packet costs the
 * target's control worker a fixed few hundred microseconds (a wake-up, a
 * write, a progress notice), so fewer, fuller packets cost less per event:
 * at 4,000 events a second, 64 KiB packets filled twice a second, 256 KiB
 * ones go out once a second at RECORD_FLUSH_MS, and the worker's CPU per
 * event halved (docs/bench.md).
 */
export const RECORD_SUB_BUFFER_BYTES = 256 * 1024;
const RECORD_MIN_SUB_BUFFERS = 16;

/**
 * The packet shape of a recording written to disk (record, run --record),
 * for the user's --mode and --buffer-size. Overwrite mode sends nothing
 * until the end, and keeps the target's finer sub-buffers, so that a wrap
 * overwrites less at a time.
 */
export function diskPackets(settings: {
  readonly mode: 'discard' | 'overwrite';
  readonly bufferSize: number | undefined;
}): Pick<StreamOptions, 'mode' | 'flushMs' | 'bufferSize' | 'subBufferSize'> {
  const buffer = settings.bufferSize ?? RECORDING_DEFAULTS.bufferSize;
  return {
    mode: settings.mode,
    flushMs: RECORD_FLUSH_MS,
    ...(settings.bufferSize === undefined ? {} : { bufferSize: settings.bufferSize }),
    ...(settings.mode === 'discard' && buffer >= RECORD_MIN_SUB_BUFFERS * RECORD_SUB_BUFFER_BYTES
      ? { subBufferSize: RECORD_SUB_BUFFER_BYTES }
      : {}),
  };
}

export interface StreamOptions {
  readonly patterns: readonly string[];
  readonly mode: 'discard' | 'overwrite';
  readonly bufferSize?: number;
  /** Bytes per packet (default: the target's, 64 KiB); see RECORD_SUB_BUFFER_BYTES. */
  readonly subBufferSize?: number;
  readonly timeoutMs?: number;
  /**
   * How long the target keeps a packet open before sending it (default: the
   * target's, 50 ms). A recording written to disk asks for RECORD_FLUSH_MS:
   * each packet sent wakes two of the target's threads, and those wake-ups,
   * not the events, were most of what streaming cost it (docs/bench.md).
   */
  readonly flushMs?: number;
  /** Stop after this long; otherwise at abort or when the target exits. */
  readonly durationMs?: number;
  readonly signal: AbortSignal;
  readonly onStarted?: (started: StartedRecording) => void | Promise<void>;
  /** Every second while recording: the target's counters, and what arrived here. */
  readonly onProgress?: (stats: RecordingStats, received: TraceReceiver) => void;
}

export interface StreamResult {
  readonly started: StartedRecording;
  /** The target's final counters; when it died first, its last progress report (if any). */
  readonly stats: RecordingStats | undefined;
  /**
   * `stats` are the final counters: from `stop`, or sent by a target that
   * exited normally after delivering everything. False when the target died
   * (killed, crashed): `stats` are then a lower bound, as of `statsAgeMs` ago.
   */
  readonly final: boolean;
  /** How old `stats` were when the connection closed (when not final). */
  readonly statsAgeMs: number | undefined;
  /** The target went away before the recording was stopped. */
  readonly exited: boolean;
  readonly receiver: TraceReceiver;
}

export async function streamRecording(
  client: ControlClient,
  sink: PacketSink,
  options: StreamOptions,
): Promise<StreamResult> {
  const receiver = new TraceReceiver(sink);
  let lastProgress: RecordingStats | undefined;
  let lastProgressAt = 0;
  let finalStats: RecordingStats | undefined;
  const started = await client.request(
    'record',
    {
      patterns: options.patterns,
      mode: options.mode,
      // Only new event classes with each packet (abi/trace-wire.ts).
      incremental: true,
      ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }),
      ...(options.subBufferSize === undefined ? {} : { subBufferSize: options.subBufferSize }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
    },
    {
      onFrame: (frame) => receiver.frame(frame),
      onEvent: (event, data) => {
        // 'end' without a stop: the target exited and sent its final counters (exit drain).
        if (event === 'end') finalStats = data;
        if (event !== 'progress') return;
        lastProgress = data;
        lastProgressAt = performance.now();
        options.onProgress?.(lastProgress, receiver);
      },
    },
  );
  receiver.started(started.trace);
  await options.onStarted?.(started);

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  await Promise.race([
    client.closed,
    new Promise<void>((resolve) => {
      if (options.durationMs !== undefined) timer = setTimeout(resolve, options.durationMs);
      onAbort = resolve;
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (onAbort !== undefined) options.signal.removeEventListener('abort', onAbort);

  let stats: RecordingStats | undefined;
  let exited = client.isClosed;
  if (!client.isClosed) {
    try {
      const stopped = await client.request('stop');
      stats = stopped.stats[0];
    } catch (error) {
      // The target exited while stopping: what arrived is still written below.
      if (!isMarkersError(error, 'ERR_TARGET_EXITED')) throw error;
      exited = true;
    }
  }
  const closedAt = performance.now();
  try {
    await client.drained();
    if (!receiver.finished) await receiver.finishCutShort(finalStats ?? lastProgress);
  } catch (error) {
    // A storage error of the sink (full disk, directory gone) is the sink's
    // to report, after the summary (record.ts); anything else is not.
    if (sink.error === undefined) throw error;
  }
  stats ??= finalStats;
  const final = stats !== undefined;
  return {
    started,
    stats: stats ?? lastProgress,
    final,
    statsAgeMs: final || lastProgress === undefined ? undefined : closedAt - lastProgressAt,
    exited,
    receiver,
  };
}
