/**
 * Puts live records back in time order across threads, for `markers tail`.
 *
 * Packets arrive per thread, each in order, but threads publish their
 * packets at different moments (a packet closes when it fills or when its
 * flush deadline passes), so an event of one thread can arrive after a later
 * event of another. Each record is held for HOLD_MS of wall time after it
 * arrived; records leave in timestamp order, and the earliest one leaves only
 * once it has been held long enough, so a packet that arrives up to HOLD_MS
 * late still falls into place. Every record is printed within about
 * HOLD_MS + TICK_MS of its arrival; one later than that is printed at once,
 * out of order, rather than held back or dropped.
 */
import type { TraceEntry } from '../trace/reader/reader.js';

export const HOLD_MS = 150;
const TICK_MS = 25;

interface Held {
  readonly record: TraceEntry;
  readonly arrived: number;
}

export class TimeOrderedQueue {
  // Sorted by timestamp, oldest first. Live tails hold a few hundred records
  // at most, and they arrive mostly in order, so an insertion from the end is
  // cheaper than a heap.
  readonly #held: Held[] = [];
  readonly #emit: (record: TraceEntry) => void;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(emit: (record: TraceEntry) => void, now: () => number = Date.now) {
    this.#emit = emit;
    this.#now = now;
  }

  push(record: TraceEntry): void {
    const held = this.#held;
    let at = held.length;
    while (at > 0 && (held[at - 1] as Held).record.timestamp > record.timestamp) at--;
    held.splice(at, 0, { record, arrived: this.#now() });
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.release(), TICK_MS);
      this.#timer.unref();
    }
  }

  /** Emits the records held long enough, in timestamp order. */
  release(): void {
    const cutoff = this.#now() - HOLD_MS;
    let n = 0;
    while (n < this.#held.length && (this.#held[n] as Held).arrived <= cutoff) n++;
    for (const { record } of this.#held.splice(0, n)) this.#emit(record);
    if (this.#held.length === 0) this.close();
  }

  /** Emits everything still held, in order (the tail is ending). */
  flush(): void {
    for (const { record } of this.#held.splice(0)) this.#emit(record);
    this.close();
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
