/**
 * Trace data on the control socket. A recording streams binary frames whose
 * JSON header says what the payload is (append-only):
 *   {"type":"packet","stream":StreamDescription,"events":N}   payload: one CTF packet
 *   {"type":"trace","trace":WireTrace}                        payload: empty; the trace is
 *                                                             complete, write its metadata
 *   {"type":"begin","trace":WireTrace}                        payload: empty; before any packet:
 *                                                             the trace as it starts (uuid, clock),
 *                                                             so a client can write metadata first
 * Every packet carries its stream's description as of that packet (the
 * event classes seen so far), so a client can always finish a valid trace,
 * even when the target dies before sending "trace". A client that asks for
 * it (`record` argument `incremental: true`) gets only the event classes
 * added since the stream's previous packet, with `eventsFrom` saying how
 * many came before: a process with thousands of markers must not resend
 * all their descriptions with every 64 KiB packet.
 *
 * JSON has no bigint: the clock offset travels as a decimal string.
 */
import type { StreamDescription, TraceDescription } from './trace-description.js';

export type WireTrace = Omit<TraceDescription, 'clockOffsetNs'> & {
  readonly clockOffsetNs: string;
};

export type TraceFrameHeader =
  | {
      readonly type: 'packet';
      readonly stream: StreamDescription;
      readonly events: number;
      /** Incremental descriptions: `stream.events` are the classes from this index on. */
      readonly eventsFrom?: number;
    }
  | { readonly type: 'trace'; readonly trace: WireTrace }
  | { readonly type: 'begin'; readonly trace: WireTrace };

export function toWireTrace(trace: TraceDescription): WireTrace {
  return { ...trace, clockOffsetNs: trace.clockOffsetNs.toString() };
}

export function fromWireTrace(trace: WireTrace): TraceDescription {
  return { ...trace, clockOffsetNs: BigInt(trace.clockOffsetNs) };
}
