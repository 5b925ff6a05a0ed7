/**
 * The producer side of one recording in one thread: its ring buffer, the
 * subscription that puts a generated encoder on every matching marker (a
 * RECORD link, composing with probes), and the per-thread event ids.
 *
 * Event ids are allocated here, per thread (each thread is its own CTF
 * stream class), in the order markers are bound. An id's description is
 * published in the ring's meta area before the encoder that writes it
 * exists (abi/ring.ts, reader protocol).
 */

import { threadId } from 'node:worker_threads';
import { F, W } from '../../abi/ring.js';
import type { ThreadStartArgs } from '../../abi/thread-ops.js';
import type { EventDescription } from '../../abi/trace-description.js';
import { MAX_EVENT_ID, uuidBytes } from '../../abi/trace-layout.js';
import { emitMarkersWarning } from '../../errors/warn.js';
import {
  type Link,
  LinkKind,
  type MarkerEntryView,
  type Subscription,
} from '../../registry/link.js';
import type { Pattern } from '../../registry/pattern.js';
import { unionPattern } from '../options.js';
import { threadBaseNs } from './clock.js';
import { buildEncoder } from './encoder.js';
import { createRing } from './ring-pool.js';
import type { RingWriter } from './ring-writer.js';

export class ThreadRecorder implements Subscription {
  readonly kind = LinkKind.RING_WRITER;
  seq = 0;
  readonly matcher: Pattern;
  readonly ring: RingWriter;
  readonly args: ThreadStartArgs;
  readonly #baseNs: number;
  #nextId = 0;
  /** Markers that matched but could not get an event id (ids or meta area exhausted). */
  skipped = 0;
  /** Exceptions out of an encoder: a bug, but never the host's problem. */
  errors = 0;

  constructor(args: ThreadStartArgs) {
    this.args = args;
    this.matcher = unionPattern(args.patterns);
    this.#baseNs = threadBaseNs(args.originMs);
    this.ring = createRing({
      mode: args.mode,
      subBufferSize: args.subBufferSize,
      subBuffers: args.subBuffers,
      streamId: threadId,
      uuid: uuidBytes(args.uuid),
      metaBytes: args.metaBytes,
      baseNs: this.#baseNs,
      flushNs: args.flushMs * 1e6,
    });
    if (args.exitDrain === true) Atomics.store(this.ring.ctl, W.EXIT_DRAIN, 1);
  }

  bind(entry: MarkerEntryView): Link | undefined {
    const id = this.#nextId;
    const meta: EventDescription = {
      id,
      name: entry.name,
      format: entry.format,
      fields: entry.fields,
      ...(entry.key === undefined ? {} : { key: entry.key }),
    };
    if (id > MAX_EVENT_ID || !this.ring.appendMeta(JSON.stringify(meta))) {
      this.skipped++;
      this.ring.f64[F.SKIPPED_MARKERS] = this.skipped;
      // Once per recording and thread: thousands of markers must not mean thousands of warnings.
      if (this.skipped === 1) {
        emitMarkersWarning(
          `marker "${entry.name}" and any further ones are not recorded in thread ${threadId}: the recording has ${id} event classes, the most an event id (u16) or the description area allows; their events are counted as discarded`,
          'ERR_RECORD_SKIPPED',
        );
      }
      return { kind: LinkKind.RING_WRITER, fn: this.#countSkipped, subscription: this };
    }
    this.#nextId++;
    const fn = buildEncoder(
      entry.fields,
      this.ring,
      id,
      this.args.maxStringBytes,
      this.#baseNs,
    ) as Link['fn'];
    return { kind: LinkKind.RING_WRITER, fn, subscription: this };
  }

  // A marker without an event id still records its losses: each of its
  // events is counted in DISCARDED, so the trace's events_discarded, stats
  // and the CLI's summary all show it. Shared by every skipped marker.
  readonly #countSkipped = (): void => {
    const f64 = this.ring.f64;
    f64[F.DISCARDED] = (f64[F.DISCARDED] as number) + 1;
    f64[F.SKIPPED_EVENTS] = (f64[F.SKIPPED_EVENTS] as number) + 1;
  };

  settle(): void {
    // Encoders return undefined; nothing to track.
  }

  fail(): void {
    this.errors++;
  }
}
