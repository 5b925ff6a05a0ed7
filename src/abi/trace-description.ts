/**
 * What a trace is made of, as every side describes it: an event class (one
 * marker in one thread), a stream (one thread) and the trace (uuid, clock,
 * env, streams). One record, three crossings:
 *   - the ring's meta area (abi/ring.ts): the producer appends one
 *     EventDescription per event class, as a JSON line, before its first event;
 *   - the control socket (abi/trace-wire.ts): every packet frame carries its
 *     StreamDescription, the begin and trace frames a TraceDescription;
 *   - the trace directory: trace/metadata.ts renders a TraceDescription as
 *     TSDL, and the CLI's trace receiver rebuilds one from the frames.
 *
 * Append-only: a field is added (optional, at the end), never renamed,
 * removed or given another meaning. A newer copy's extra fields are dropped
 * by readers that rebuild descriptions field by field (record's stream state,
 * abi/control-shapes.ts). Versioned with the layouts that carry it: the ring
 * (RING_LAYOUT_VERSION), the socket (PROTOCOL_VERSION), the metadata
 * (TRACE_LAYOUT_VERSION).
 */
import type { Field } from '../marker/format.js';

/** One event class: a marker as recorded in one thread's stream. */
export interface EventDescription {
  /** The event id, per stream (u16 in the event header, abi/trace-layout.ts). */
  readonly id: number;
  readonly name: string;
  readonly format: string;
  readonly fields: readonly Field[];
  /** The pairing key field the marker declared (`marker(name, format, { key })`); absent when none. */
  readonly key?: string;
}

/** One thread's stream. */
export interface StreamDescription {
  readonly id: number;
  readonly threadId: number;
  readonly threadName: string;
  readonly events: readonly EventDescription[];
}

export interface TraceDescription {
  /** 36-char uuid, also in every packet header. */
  readonly uuid: string;
  /** Unix-epoch ns at clock value 0 (the clock counts ns, monotonic). */
  readonly clockOffsetNs: bigint;
  /** Documented precision of the clock, in ns. */
  readonly clockPrecisionNs?: number;
  /** hostname, pid, argv0, node version, tracer name/version...; keys are sanitised by the renderer. */
  readonly env: Readonly<Record<string, string | number>>;
  readonly streams: readonly StreamDescription[];
}
