/**
 * Runs one streamed recording from the CLI side: start it in the target,
 * feed its frames to a sink, stop it after a duration, on Ctrl-C, or when
 * the target goes away, and always finish the sink (see TraceReceiver).
 * Shared by `record`, `tail` and `run --record`.
 */
import type { ControlClient } from '../control/client.js';
import type { WireTrace } from '../control/trace-wire.js';
import { isMarkersError } from '../errors/markers-error.js';
import type { RecordingStats } from '../record/session.js';
import type { PacketSink } from '../trace/writer.js';
import { TraceReceiver } from './trace-receiver.js';

export interface StartedRecording {
  readonly patterns: readonly string[];
  readonly mode: 'discard' | 'overwrite';
  readonly threads: readonly { id: number; name: string }[];
  readonly errors: readonly { code: string; message: string }[];
  readonly uuid: string;
  readonly trace: WireTrace;
}

export interface StreamOptions {
  readonly patterns: readonly string[];
  readonly mode: 'discard' | 'overwrite';
  readonly bufferSize?: number;
  readonly timeoutMs?: number;
  /** Stop after this long; otherwise at abort or when the target exits. */
  readonly durationMs?: number;
  readonly signal: AbortSignal;
  readonly onStarted?: (started: StartedRecording) => void | Promise<void>;
  /** Every half second while recording: the target's counters, and what arrived here. */
  readonly onProgress?: (stats: RecordingStats, received: TraceReceiver) => void;
}

export interface StreamResult {
  readonly started: StartedRecording;
  /** The target's final counters; when it exited first, its last progress report (if any). */
  readonly stats: RecordingStats | undefined;
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
  const started = await client.request<StartedRecording>(
    'record',
    {
      patterns: options.patterns,
      mode: options.mode,
      // Only new event classes with each packet (trace-wire.ts).
      incremental: true,
      ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
    {
      onFrame: (frame) => receiver.frame(frame),
      onEvent: (event, data) => {
        if (event !== 'progress') return;
        lastProgress = data as RecordingStats;
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
  if (!client.isClosed) {
    try {
      const stopped = await client.request<{ stats: RecordingStats[] }>('stop');
      stats = stopped.stats[0];
    } catch (error) {
      // The target exited while stopping: what arrived is still written below.
      if (!isMarkersError(error, 'ERR_TARGET_EXITED')) throw error;
    }
  }
  await client.drained();
  const exited = !receiver.finished;
  if (exited) await receiver.finishCutShort();
  return { started, stats: stats ?? lastProgress, exited, receiver };
}
