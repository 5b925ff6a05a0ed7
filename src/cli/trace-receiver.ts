/**
 * The CLI end of a recording streamed over the control socket: hands each
 * packet frame to a PacketSink (the trace directory writer, or the live
 * decoder of `tail`) and finishes the sink when the "trace" frame arrives.
 *
 * If the target dies first, finishCutShort() finishes the sink from what it
 * knows: the trace description sent when the recording started (uuid, clock)
 * and the newest description of every stream that sent a packet. Every
 * packet received is complete (frames are all-or-nothing), so the result is
 * a valid trace of what arrived.
 */
import type { Frame } from '../control/protocol.js';
import { fromWireTrace, type TraceFrameHeader, type WireTrace } from '../control/trace-wire.js';
import type { StreamDescription } from '../trace/metadata.js';
import type { PacketSink } from '../trace/writer.js';

export class TraceReceiver {
  readonly #sink: PacketSink;
  readonly #streams = new Map<number, StreamDescription>();
  #start: WireTrace | undefined;
  #finished = false;
  events = 0;
  bytes = 0;
  packets = 0;

  constructor(sink: PacketSink) {
    this.#sink = sink;
  }

  /** The description the target sent when the recording started. */
  started(trace: WireTrace): void {
    this.#start = trace;
  }

  get finished(): boolean {
    return this.#finished;
  }

  async frame(frame: Frame): Promise<void> {
    const header = frame.header as TraceFrameHeader;
    if (header.type === 'packet') {
      const stream = this.#merge(header);
      this.#streams.set(stream.id, stream);
      this.events += header.events;
      this.bytes += frame.payload.length;
      this.packets++;
      await this.#sink.packet(stream, frame.payload, { events: header.events });
    } else if (header.type === 'begin' && !this.#finished) {
      // Before any packet: the sink may write the metadata first (writer.ts).
      await this.#sink.begin?.(fromWireTrace(header.trace));
    } else if (header.type === 'trace' && !this.#finished) {
      this.#finished = true;
      await this.#sink.finish(fromWireTrace(header.trace));
    }
  }

  /**
   * The stream's full description: with incremental descriptions (see
   * trace-wire.ts) the header carries only the classes added since the
   * previous packet. The same object is kept while nothing was added, so a
   * sink can tell cheaply that the description did not change.
   */
  #merge(header: Extract<TraceFrameHeader, { type: 'packet' }>): StreamDescription {
    if (header.eventsFrom === undefined) return header.stream;
    const known = this.#streams.get(header.stream.id);
    const before = known?.events.slice(0, header.eventsFrom) ?? [];
    if (known !== undefined && header.stream.events.length === 0) {
      if (known.events.length === header.eventsFrom) return known;
    }
    return { ...header.stream, events: [...before, ...header.stream.events] };
  }

  /** Finishes the sink from what arrived, when the "trace" frame never will. */
  async finishCutShort(): Promise<void> {
    if (this.#finished || this.#start === undefined) return;
    this.#finished = true;
    const streams = [...this.#streams.values()].sort((a, b) => a.id - b.id);
    await this.#sink.finish({ ...fromWireTrace(this.#start), streams });
  }
}
