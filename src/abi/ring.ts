/**
 * The shared memory of one thread's ring buffer for one recording: the
 * producer (the recording thread: src/record/producer/, encoder.ts and
 * ring-writer.ts) and the consumer (src/record/consumer/: the consumer worker,
 * the control server's worker, the crash dump) see the
 * same SharedArrayBuffers, possibly from two copies of markers. Each
 * sub-buffer is laid out as a CTF packet (abi/trace-layout.ts).
 *
 * Append-only: never move or reuse a word or a slot; new control words take
 * the next free index (W.RELEASED is the last one, counted from the end),
 * new counters the next Float64 slot. A change an older consumer would
 * misread bumps RING_LAYOUT_VERSION, which every ring carries in W.VERSION
 * and RingReader.attach() checks (ERR_REGISTRY_VERSION naming both versions).
 *
 * Memory (byte offsets in the SharedArrayBuffer):
 *   [0, 128)            Int32 control words (W below)
 *   [128, 256)          Float64 counters and clock state (F below)
 *   [256, 256 + 4K)     events in each slot's last packet (overwrite accounting)
 *   [.., + 8K)          Float64 per slot: events recorded before that packet opened
 *   [UUID, UUID + 16)   the trace uuid, copied into every packet header
 *   [DATA, DATA + K*S)  the sub-buffers; packet n lives in slot n % K
 * Event descriptions (JSON lines, each an EventDescription of
 * abi/trace-description.ts, append-only) live in a second, growable
 * SharedArrayBuffer (metaSab), so the number of markers a recording can
 * describe is bounded only by the u16 event id, never by a fixed area: the
 * producer grows it when a description does not fit. The hot-path views
 * stay on the fixed buffer.
 *
 * Reader protocol (who writes what, and when it is published):
 *   - The producer (the recording thread) is the only writer of every word
 *     and byte below, except CONSUMED. It writes events and the open packet's
 *     W.POS / W.PKT_EVENTS with plain stores (they are private until the close).
 *   - Closing packet n: the producer writes the packet context (timestamps,
 *     sizes, events_discarded) and the counters, then Atomics.store(PRODUCED,
 *     n + 1). That store publishes packet n: a consumer that Atomics.loads
 *     PRODUCED > n may read the packet's bytes.
 *   - The consumer is the only writer of CONSUMED. After copying packet n it
 *     Atomics.stores CONSUMED = n + 1, which hands slot n % K back (discard).
 *   - Overwrite mode (snapshots): the producer Atomics.stores W.OPENED = n + 1
 *     before it writes anything of packet n. The consumer copies packet n,
 *     then reloads OPENED; if packet n + K was opened (OPENED > n + K) the slot
 *     may have been reused during the copy, so the copy is dropped (a seqlock;
 *     the producer counts those events as overwritten).
 *   - Wake-ups: after publishing a packet, and after storing STATE, the
 *     producer adds 1 to W.WAKE and notifies it. A consumer reads WAKE, then
 *     looks at PRODUCED and STATE, and sleeps only while WAKE still holds
 *     what it read (Atomics.waitAsync), so it never misses a packet
 *     and needs no polling timer.
 *   - A thread that exited (W.STATE = EXITED) writes nothing more; the
 *     consumer may then close its open packet itself (salvage), from W.POS.
 *   - Event descriptions: the producer appends a JSON line to the meta area
 *     (growing it first if needed) before the first event with that id is
 *     written, then Atomics.stores META_LEN, so a consumer that saw a packet
 *     also sees every id in it.
 *   - Exit (record/thread-handlers.ts): a consumer that must deliver the last
 *     packets when the process exits stores EXIT_DRAIN = 1 when it attaches.
 *     The main thread's exit handler closes its packets, stores STATE =
 *     EXITED and waits (bounded) until every such ring's consumer stored
 *     EXIT_DONE = 1, i.e. everything was drained, written and flushed.
 */
import { versionMismatch } from './globals.js';

export const RING_MAGIC = 0x6d6b7262; // "mkrb"
export const RING_LAYOUT_VERSION = 1;
/** Bytes of the control words and the counters, before the per-slot arrays. */
export const CONTROL_BYTES = 256;
/** Int32 control words at the start of the buffer. */
export const CONTROL_WORDS = 32;

/** Int32 control words. */
export const W = {
  MAGIC: 0,
  SUB_COUNT: 1,
  SUB_SIZE: 2,
  MODE: 3,
  PRODUCED: 4,
  CONSUMED: 5,
  POS: 6,
  /** End of the open packet; 0 when no packet is open. */
  END: 7,
  PKT_EVENTS: 8,
  STREAM_ID: 9,
  META_LEN: 10,
  META_CAP: 11,
  META_OFFSET: 12,
  DATA_OFFSET: 13,
  STATE: 14,
  EVENT_IDS: 15,
  /** Packets opened so far (the open packet included): the overwrite seqlock. */
  OPENED: 16,
  /** Set by a consumer that delivers the last packets at process exit (see the reader protocol). */
  EXIT_DRAIN: 17,
  /** Set by that consumer once the exited thread's last packets were delivered and flushed. */
  EXIT_DONE: 18,
  /** RING_LAYOUT_VERSION, written at creation: a consumer refuses a ring of another layout. */
  VERSION: 19,
  /**
   * An event count the consumer sleeps on (Atomics.waitAsync) instead of
   * polling: the producer adds 1 and notifies after each packet it closes
   * and each change of STATE (see the reader protocol). A producer from
   * before this word never bumps it: while WAKE is still 0 the consumer's
   * sleep is bounded (10 s), so such a ring is still drained, later; no
   * layout version change.
   */
  WAKE: 20,
  /**
   * Set to 1 by the consumer once its recording is finished and it will never
   * read this ring again: the producer thread may then reuse the memory for
   * its next recording (ring-pool.ts). Taken from the end of the control
   * words so that words added in order above never collide with it.
   */
  RELEASED: 31,
} as const;

/** Float64 slots (index into a Float64Array over [0, 256)). */
export const F = {
  LAST_TS: 16,
  DISCARDED: 17,
  OVERWRITTEN: 18,
  RECORDED: 19,
  BYTES: 20,
  TRUNCATED: 21,
  FLUSH_AT: 22,
  TOO_LARGE: 23,
  COERCED: 24,
  /** This thread's clock offset from the recording's origin (clock.ts). */
  BASE_NS: 25,
  /** Events of markers that matched but could not be given an event id (counted in DISCARDED too). */
  SKIPPED_EVENTS: 26,
  /** Markers that matched but could not be given an event id. */
  SKIPPED_MARKERS: 27,
} as const;

export const RingState = { ACTIVE: 0, DETACHED: 1, EXITED: 2 } as const;
export const RingMode = { discard: 0, overwrite: 1 } as const;
export type BufferMode = keyof typeof RingMode;

/**
 * Largest meta area. Only address space is reserved up front; pages are
 * committed as it grows. 64 MiB describes far more than the 65,536 event ids.
 */
export const META_MAX_BYTES = 64 * 1024 * 1024;

/** Where each area of a ring of `subBuffers` sub-buffers starts (see the memory layout). */
export function ringOffsets(subBuffers: number): {
  readonly recordedBefore: number;
  readonly uuid: number;
  readonly data: number;
} {
  // After the Int32 slot counts, rounded up to 8 bytes for the Float64Array.
  const recordedBefore = CONTROL_BYTES + Math.ceil((4 * subBuffers) / 8) * 8;
  const data = recordedBefore + 8 * subBuffers + 16;
  return { recordedBefore, uuid: data - 16, data };
}

/** Throws unless `ctl` is the control words of a ring of this layout. */
export function checkRingHeader(ctl: Int32Array): void {
  if (ctl[W.MAGIC] !== RING_MAGIC) throw new TypeError('not a markers ring buffer');
  const found = ctl[W.VERSION];
  // 0: a ring made before W.VERSION existed, which had layout 1.
  if (found !== RING_LAYOUT_VERSION && !(found === 0 && RING_LAYOUT_VERSION === 1)) {
    throw versionMismatch('the ring buffer layout', RING_LAYOUT_VERSION, found, undefined);
  }
}

/**
 * What the native UTF-8 path needs of a Buffer over the ring (src/record/producer/utf8.ts).
 * Declared structurally so that the package's public types do not require
 * Node's type definitions.
 */
export interface NativeUtf8Target extends Uint8Array {
  write(string: string, offset: number, length: number, encoding: 'utf8'): number;
}
