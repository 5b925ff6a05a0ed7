/**
 * The CLI end of a recording streamed over the control socket: hands each
 * packet frame to a PacketSink (the trace directory writer, or the live
 * decoder of `tail`) and finishes the sink when the "trace" frame arrives.
 *
 * If the target dies first, finishCutShort() finishes the sink from what it
 * knows: the trace description sent when the recording started (uuid, clock)
 * and the newest description of every stream that sent a packet. Every
 * packet received is complete (frames are all-or-nothing), so the result is
 * a valid trace of what arrived. Given the target's last progress report,
 * it also appends to each stream an empty packet that tells readers about
 * the cut (see cutPacket).
 */

import type { RecordingStatsReply as RecordingStats } from '../abi/control-commands.js';
import type { Frame } from '../abi/control-protocol.js';
import { traceFrameHeader } from '../abi/control-shapes.js';
import type { StreamDescription } from '../abi/trace-description.js';
import { PacketContext } from '../abi/trace-layout.js';
import { fromWireTrace, type TraceFrameHeader, type WireTrace } from '../abi/trace-wire.js';
import { WireShapeError } from '../abi/wire-check.js';
import type { PacketSink } from '../trace/writer.js';

/** What arrived of one stream, for telling readers about a cut. */
interface Arrived {
  events: number;
  /** The last packet's header and context (76 bytes), copied. */
  last: Uint8Array;
}

const TWO_32 = 4294967296;

function getU64(dv: DataView, offset: number): number {
  return dv.getUint32(offset, true) + dv.getUint32(offset + 4, true) * TWO_32;
}

function setU64(dv: DataView, offset: number, v: number): void {
  dv.setUint32(offset, v >>> 0, true);
  dv.setUint32(offset + 4, (v / TWO_32) >>> 0, true);
}

export class TraceReceiver {
  readonly #sink: PacketSink;
  readonly #streams = new Map<number, StreamDescription>();
  readonly #arrived = new Map<number, Arrived>();
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
      const stream = this.#merge(header);
      this.#streams.set(stream.id, stream);
      this.events += header.events;
      this.bytes += frame.payload.length;
      this.packets++;
      this.#note(stream.id, frame.payload, header.events);
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
   * abi/trace-wire.ts) the header carries only the classes added since the
   * previous packet. The same object is kept while nothing was added, so a
   * sink can tell cheaply that the description did not change.
   */
  #merge(header: Extract<TraceFrameHeader, { type: 'packet' }>): StreamDescription {
    if (header.eventsFrom === undefined) return header.stream;
    const known = this.#streams.get(header.stream.id);
    // The target's word is checked: the new classes start where the known ones end.
    if (header.eventsFrom !== (known?.events.length ?? 0)) {
      throw new WireShapeError(
        `frame header.eventsFrom is ${header.eventsFrom}, but ${known?.events.length ?? 0} event classes of stream ${header.stream.id} arrived`,
      );
    }
    const before = known?.events.slice(0, header.eventsFrom) ?? [];
    if (known !== undefined && header.stream.events.length === 0) {
      if (known.events.length === header.eventsFrom) return known;
    }
    return { ...header.stream, events: [...before, ...header.stream.events] };
  }

  #note(id: number, payload: Uint8Array, events: number): void {
    if (payload.length < PacketContext.END) return;
    const arrived = this.#arrived.get(id) ?? { events: 0, last: new Uint8Array(0) };
    arrived.events += events;
    arrived.last = payload.slice(0, PacketContext.END);
    this.#arrived.set(id, arrived);
  }

  /**
   * The target died: an empty packet after the stream's last one, whose
   * events_discarded adds what is known to be lost (events the target had
   * recorded or dropped at its last report and that never arrived), and
   * whose packet_seq_num skips one, for the packet it was filling. Readers
   * then report the cut where it happened. Undefined for a stream that sent
   * nothing (there is no packet to continue).
   */
  #cutPacket(id: number, last: RecordingStats | undefined): Uint8Array | undefined {
    const arrived = this.#arrived.get(id);
    if (arrived === undefined) return undefined;
    const cut = arrived.last.slice();
    const dv = new DataView(cut.buffer);
    const seen = getU64(dv, PacketContext.EVENTS_DISCARDED);
    const thread = last?.threads.find((t) => t.threadId === id);
    const unsent =
      thread === undefined || last?.mode !== 'discard'
        ? 0
        : Math.max(0, thread.recorded - arrived.events) + Math.max(0, thread.discarded - seen);
    setU64(dv, PacketContext.EVENTS_DISCARDED, seen + unsent);
    setU64(dv, PacketContext.TIMESTAMP_BEGIN, getU64(dv, PacketContext.TIMESTAMP_END));
    setU64(dv, PacketContext.CONTENT_SIZE, PacketContext.END * 8);
    setU64(dv, PacketContext.PACKET_SIZE, PacketContext.END * 8);
    setU64(dv, PacketContext.PACKET_SEQ_NUM, getU64(dv, PacketContext.PACKET_SEQ_NUM) + 2);
    return cut;
  }

  /**
   * Finishes the sink from what arrived, when the "trace" frame never will.
   * `last`: the target's last progress report, for the cut packets.
   */
  async finishCutShort(last?: RecordingStats): Promise<void> {
    if (this.#finished || this.#start === undefined) return;
    this.#finished = true;
    const streams = [...this.#streams.values()].sort((a, b) => a.id - b.id);
    for (const stream of streams) {
      const cut = this.#cutPacket(stream.id, last);
      if (cut !== undefined) await this.#sink.packet(stream, cut, { events: 0 });
    }
    await this.#sink.finish({ ...fromWireTrace(this.#start), streams });
  }
}
