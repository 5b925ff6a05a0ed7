/**
 * A recording's live counters, read from the rings' shared counters
 * (abi/ring.ts, F and W words) without disturbing the threads: the
 * producers keep them, the consumer only adds what it lost itself.
 */

import type { RecordingStats, ThreadRecordingStats } from '../../abi/recording-stats.js';
import { F, RingState, W } from '../../abi/ring.js';
import type { RecordingError } from './delivery.js';
import type { StreamState } from './stream.js';

export function threadStats(stream: StreamState): ThreadRecordingStats {
  const ring = stream.ring;
  const ctl = ring.ctl;
  const f64 = ring.f64;
  const produced = Atomics.load(ctl, W.PRODUCED);
  const held = ring.overwrite
    ? Math.min(produced, ring.subBuffers)
    : produced - Atomics.load(ctl, W.CONSUMED);
  const state = ring.state;
  return {
    threadId: ring.streamId,
    threadName: stream.threadName,
    recorded: (f64[F.RECORDED] as number) + (ctl[W.PKT_EVENTS] as number),
    discarded: f64[F.DISCARDED] as number,
    tooLarge: f64[F.TOO_LARGE] as number,
    overwritten: f64[F.OVERWRITTEN] as number,
    skippedMarkers: f64[F.SKIPPED_MARKERS] as number,
    skippedEvents: f64[F.SKIPPED_EVENTS] as number,
    truncated: f64[F.TRUNCATED] as number,
    coerced: f64[F.COERCED] as number,
    bytes: f64[F.BYTES] as number,
    packets: produced,
    bufferUse: held / ring.subBuffers,
    state:
      state === RingState.ACTIVE ? 'active' : state === RingState.DETACHED ? 'detached' : 'exited',
  };
}

/** The recording's counters: every stream's, summed, with what the consumer lost and the errors. */
export function recordingStats(
  mode: RecordingStats['mode'],
  startedAt: number,
  streams: Iterable<StreamState>,
  lost: number,
  errors: readonly RecordingError[],
): RecordingStats {
  const threads = [...streams].map((s) => threadStats(s));
  const sum = (key: 'recorded' | 'discarded' | 'overwritten' | 'bytes' | 'packets'): number =>
    threads.reduce((total, t) => total + t[key], 0);
  return {
    mode,
    elapsedMs: performance.now() - startedAt,
    threads,
    recorded: sum('recorded'),
    discarded: sum('discarded'),
    overwritten: sum('overwritten'),
    lost,
    skippedMarkers: threads.reduce((total, t) => total + t.skippedMarkers, 0),
    bytes: sum('bytes'),
    packets: sum('packets'),
    errors: [...errors],
  };
}
