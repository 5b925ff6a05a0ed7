/**
 * One thread's stream as the consumer tracks it: its ring, the event classes
 * its producer has published so far (read incrementally from the ring's meta
 * area), and what was delivered of its losses, so that a trailer packet
 * reports the rest (assemble.ts).
 */

import { F, W } from '../../abi/ring.js';
import type { EventDescription, StreamDescription } from '../../abi/trace-description.js';
import type { RingReader } from './ring-reader.js';

export class StreamState {
  readonly ring: RingReader;
  readonly threadName: string;
  #description: StreamDescription;
  #eventCount = 0;
  /** Where the next read of the ring's meta area starts. */
  #metaEnd = 0;
  /** events_discarded of the last packet delivered: losses after it need a trailer. */
  deliveredDiscarded = 0;
  /**
   * Overwrite mode: events recorded before the oldest packet delivered, which
   * were overwritten. Added to every delivered events_discarded, so readers
   * report them (see copyStream).
   */
  lostOffset = 0;

  constructor(ring: RingReader, threadName: string) {
    this.ring = ring;
    this.threadName = threadName;
    this.#description = { id: ring.streamId, threadId: ring.streamId, threadName, events: [] };
  }

  /** The description, with every event class the thread has published so far. */
  get description(): StreamDescription {
    const count = Atomics.load(this.ring.ctl, W.EVENT_IDS);
    if (count !== this.#eventCount) {
      const { entries, end } = this.ring.readMeta(this.#metaEnd);
      // Rebuilt field by field: a line may come from a newer copy of markers,
      // whose descriptions carry fields this one does not know.
      const added = (entries as EventDescription[]).map(
        (e): EventDescription => ({
          id: e.id,
          name: e.name,
          format: e.format,
          fields: e.fields,
          ...(e.key === undefined ? {} : { key: e.key }),
        }),
      );
      this.#metaEnd = end;
      const events = [...this.#description.events, ...added];
      this.#eventCount = events.length;
      this.#description = { ...this.#description, events };
    }
    return this.#description;
  }

  /** Events dropped so far (the packets' events_discarded; overwritten ones are not in it). */
  get lost(): number {
    return this.ring.f64[F.DISCARDED] as number;
  }
}
