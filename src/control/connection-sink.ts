/**
 * The sink that streams a recording's trace to a CLI connection, as the
 * frames of src/abi/trace-wire.ts.
 */

import type { StreamDescription, TraceDescription } from '../abi/trace-description.js';
import { type TraceFrameHeader, toWireTrace } from '../abi/trace-wire.js';
import type { PacketInfo, PacketSink } from '../trace/writer.js';
import type { Connection } from './server.js';

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
  readonly #incremental: boolean;
  /** Event classes already sent, per stream (incremental mode). */
  readonly #sent = new Map<number, number>();
  readonly #withPacket: () => void;

  /**
   * `withPacket` runs as each packet's frame is handed to the socket, and
   * what it sends leaves in the same write, ahead of the frame (progress
   * notices ride on it).
   */
  constructor(connection: Connection, id: number, incremental = false, withPacket = () => {}) {
    this.#connection = connection;
    this.#id = id;
    this.#incremental = incremental;
    this.#withPacket = withPacket;
  }

  packet(stream: StreamDescription, bytes: Uint8Array, info?: PacketInfo): Promise<void> {
    const events = info?.events ?? 0;
    let header: TraceFrameHeader;
    if (this.#incremental) {
      const from = this.#sent.get(stream.id) ?? 0;
      this.#sent.set(stream.id, stream.events.length);
      header = {
        type: 'packet',
        stream: { ...stream, events: stream.events.slice(from) },
        events,
        eventsFrom: from,
      };
    } else {
      header = { type: 'packet', stream, events };
    }
    return this.#connection.frame(this.#id, header, bytes, this.#withPacket);
  }

  begin(trace: TraceDescription): Promise<void> {
    const header: TraceFrameHeader = { type: 'begin', trace: toWireTrace(trace) };
    return this.#connection.frame(this.#id, header, EMPTY);
  }

  finish(trace: TraceDescription): Promise<void> {
    const header: TraceFrameHeader = { type: 'trace', trace: toWireTrace(trace) };
    return this.#connection.frame(this.#id, header, EMPTY);
  }
}
