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
import { traceFrameHeader } from '../control/reply-shapes.js';
import { fromWireTrace, type WireTrace } from '../control/trace-wire.js';
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
    // The target is untrusted: the stream id becomes a file name, and the stream's
    // event classes go into the metadata. Throws WireShapeError (the client then
    // drops the connection with ERR_PROTOCOL) for anything malformed.
    const header = traceFrameHeader(frame.header, frame.payload.length);
    if (header.type === 'packet') {
      this.#streams.set(header.stream.id, header.stream);
      this.events += header.events;
      this.bytes += frame.payload.length;
      this.packets++;
      await this.#sink.packet(header.stream, frame.payload, { events: header.events });
    } else if (header.type === 'trace' && !this.#finished) {
      this.#finished = true;
      await this.#sink.finish(fromWireTrace(header.trace));
    }
  }

  /** Finishes the sink from what arrived, when the "trace" frame never will. */
  async finishCutShort(): Promise<void> {
    if (this.#finished || this.#start === undefined) return;
    this.#finished = true;
    const streams = [...this.#streams.values()].sort((a, b) => a.id - b.id);
    await this.#sink.finish({ ...fromWireTrace(this.#start), streams });
  }
}
