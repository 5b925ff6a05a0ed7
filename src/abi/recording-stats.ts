/**
 * A recording's counters: what `Recording.stats()`, `stop()` and
 * `snapshot()` resolve to, what the consumer worker answers on its port
 * (abi/ports.ts), and what the control server sends with `stop`, `snapshot`,
 * `stats` and the `progress` and `end` events of `record`
 * (abi/control-commands.ts). The client checks every one of them against
 * abi/control-shapes.ts's `recordingStats` before the CLI reads it.
 *
 * Append-only: a counter is added at the end (optional on the wire, so that
 * an older target's stats still pass the check), never renamed, removed or
 * given another meaning. Versioned with the control protocol
 * (PROTOCOL_VERSION). Most counters are read from the ring's F words
 * (abi/ring.ts) by record/consumer/stats.ts.
 */

/** One thread's stream of a recording. */
export interface ThreadRecordingStats {
  readonly threadId: number;
  readonly threadName: string;
  /** Events written into the buffer (those in closed packets plus the open one). */
  readonly recorded: number;
  /** Events dropped: buffer full (discard mode) or larger than a sub-buffer. */
  readonly discarded: number;
  /** Of those, events larger than a sub-buffer. */
  readonly tooLarge: number;
  /** Events overwritten by newer ones (overwrite mode). */
  readonly overwritten: number;
  /** Markers that matched but got no event id; their events are in `discarded`. */
  readonly skippedMarkers: number;
  /** Events of those markers (included in `discarded`). */
  readonly skippedEvents: number;
  /** String fields cut to maxStringBytes. */
  readonly truncated: number;
  /** Field values of the wrong run-time type, recorded with the documented coercion. */
  readonly coerced: number;
  /** Bytes of closed packets. */
  readonly bytes: number;
  /** Packets closed. */
  readonly packets: number;
  /** Fraction of the buffer holding packets not yet consumed (discard) or filled (overwrite). */
  readonly bufferUse: number;
  readonly state: 'active' | 'detached' | 'exited';
}

export interface RecordingStats {
  readonly mode: 'discard' | 'overwrite';
  readonly elapsedMs: number;
  readonly threads: readonly ThreadRecordingStats[];
  readonly recorded: number;
  readonly discarded: number;
  readonly overwritten: number;
  /**
   * Events the sink could not store (write errors), plus, at process exit,
   * events in the open packet of a worker still running (it was not closed).
   */
  readonly lost: number;
  /** Markers that matched but got no event id (their events are in `discarded`). */
  readonly skippedMarkers: number;
  readonly bytes: number;
  readonly packets: number;
  /** Threads that could not join, and storage errors. */
  readonly errors: readonly { readonly code: string; readonly message: string }[];
}
