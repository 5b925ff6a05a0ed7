/**
 * Draining: moving the packets a producer published to the sink, and handing
 * their slots back (abi/ring.ts, reader protocol: CONSUMED). In discard mode
 * while recording, after each wake-up (wake.ts); in both modes at the end,
 * for what the rings still hold (stop, process exit).
 */

import { RingState, W } from '../../abi/ring.js';
import { SerialQueue } from '../../serial/serial-queue.js';
import { copyStream, packetDiscarded, trailerPacket } from './assemble.js';
import type { Delivery } from './delivery.js';
import type { RingReader } from './ring-reader.js';
import type { StreamState } from './stream.js';

/**
 * Drains until the ring is empty, re-reading PRODUCED after each batch: a
 * producer filling packets faster than the consumer wakes keeps it going
 * (throughput is the sink's, not bufferSize per wake-up).
 */
export async function drainStream(stream: StreamState, delivery: Delivery): Promise<void> {
  const ring = stream.ring;
  let consumed = Atomics.load(ring.ctl, W.CONSUMED);
  for (;;) {
    const produced = Atomics.load(ring.ctl, W.PRODUCED);
    if (consumed === produced) return;
    const description = stream.description;
    for (; consumed < produced; consumed++) {
      const bytes = ring.packetBytes(consumed);
      const events = ring.packetEvents(consumed);
      stream.deliveredDiscarded = packetDiscarded(bytes);
      await delivery.packet(description, bytes, events);
      Atomics.store(ring.ctl, W.CONSUMED, consumed + 1);
      // A main thread exiting waits on CONSUMED for its last packets (record/thread-handlers.ts).
      Atomics.notify(ring.ctl, W.CONSUMED);
    }
  }
}

/**
 * One drain of every stream at a time, in order: two would read one ring's
 * packets twice. Wake-ups that come while one runs queue behind it.
 */
export class DrainQueue {
  readonly #streams: ReadonlyMap<number, StreamState>;
  readonly #delivery: Delivery;
  readonly #queue = new SerialQueue();

  constructor(streams: ReadonlyMap<number, StreamState>, delivery: Delivery) {
    this.#streams = streams;
    this.#delivery = delivery;
  }

  /** Queues a drain of every stream known when it runs. */
  schedule(): Promise<void> {
    return this.#queue.run(async () => {
      for (const stream of this.#streams.values()) await drainStream(stream, this.#delivery);
    });
  }

  /** Resolves once every drain queued so far has settled. */
  settled(): Promise<void> {
    return this.#queue.settled();
  }
}

/**
 * Delivers what every ring still holds, and each stream's trailer (losses
 * after its last packet). `mayClose` says which rings' open packets to close
 * on their producer's behalf: a thread that exited, or did not answer,
 * cannot close its last packet.
 */
export async function drainRest(
  streams: readonly StreamState[],
  uuid: Uint8Array,
  delivery: Delivery,
  mayClose: (ring: RingReader) => boolean,
): Promise<void> {
  for (const stream of streams) {
    if (mayClose(stream.ring)) stream.ring.close();
    const description = stream.description;
    if (description.events.length === 0) continue;
    if (!stream.ring.overwrite) {
      await drainStream(stream, delivery);
    } else {
      const copy = copyStream(stream, uuid);
      stream.lostOffset = copy.lostOffset;
      for (const packet of copy.packets) {
        stream.deliveredDiscarded = packet.discarded;
        await delivery.packet(description, packet.bytes, packet.events);
      }
    }
    const trailer = trailerPacket(stream, uuid);
    if (trailer !== undefined) await delivery.packet(description, trailer, 0);
  }
}

/** Rings whose producer is gone or stopped answering (stop: every ring not DETACHED). */
export const notDetached = (ring: RingReader): boolean => ring.state !== RingState.DETACHED;
/** Rings of exited threads (process exit: threads still running keep their open packet). */
export const exited = (ring: RingReader): boolean => ring.state === RingState.EXITED;
