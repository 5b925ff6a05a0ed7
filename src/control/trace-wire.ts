/**
 * Trace data on the control socket. A recording streams binary frames whose
 * JSON header says what the payload is (append-only):
 *   {"type":"packet","stream":StreamDescription,"events":N}   payload: one CTF packet
 *   {"type":"trace","trace":WireTrace}                        payload: empty; the trace is
 *                                                             complete, write its metadata
 * Every packet carries its stream's description as of that packet (the
 * event classes seen so far), so a client can always finish a valid trace,
 * even when the target dies before sending "trace".
 *
 * JSON has no bigint: the clock offset travels as a decimal string.
 */
import type { StreamDescription, TraceDescription } from '../trace/metadata.js';
import type { PacketInfo, PacketSink } from '../trace/writer.js';
import type { Connection } from './server.js';

export type WireTrace = Omit<TraceDescription, 'clockOffsetNs'> & {
  readonly clockOffsetNs: string;
};

export type TraceFrameHeader =
  | {
      readonly type: 'packet';
      readonly stream: StreamDescription;
      readonly events: number;
    }
  | { readonly type: 'trace'; readonly trace: WireTrace };

export function toWireTrace(trace: TraceDescription): WireTrace {
  return { ...trace, clockOffsetNs: trace.clockOffsetNs.toString() };
}

export function fromWireTrace(trace: WireTrace): TraceDescription {
  return { ...trace, clockOffsetNs: BigInt(trace.clockOffsetNs) };
}

const EMPTY = new Uint8Array(0);

/**
 * A PacketSink that sends a recording over one connection, as frames of one
 * request. Backpressure: packet() resolves once the socket took the frame,
 * so a slow client slows draining (and the ring drops, counted) rather than
 * queueing without bound in the target. A closed connection swallows the rest.
 */
export class ConnectionSink implements PacketSink {
  readonly #connection: Connection;
  readonly #id: number;

  constructor(connection: Connection, id: number) {
    this.#connection = connection;
    this.#id = id;
  }

  packet(stream: StreamDescription, bytes: Uint8Array, info?: PacketInfo): Promise<void> {
    const header: TraceFrameHeader = { type: 'packet', stream, events: info?.events ?? 0 };
    return this.#connection.frame(this.#id, header, bytes);
  }

  finish(trace: TraceDescription): Promise<void> {
    const header: TraceFrameHeader = { type: 'trace', trace: toWireTrace(trace) };
    return this.#connection.frame(this.#id, header, EMPTY);
  }
}
