/**
 * Reads one stream file packet by packet and decodes its events. For each
 * packet: read and check the packet header (magic, uuid against the metadata,
 * a known stream id, the same one as the file's first packet), the packet
 * context (content size <= packet size, both whole bytes and inside the file,
 * timestamp_begin <= timestamp_end, packet_seq_num and events_discarded never
 * going back), then decode events up to the content size: a known event id,
 * timestamps that never decrease (across packets too) and stay within the
 * packet's timestamp_end, payloads that end inside the content.
 *
 * The bytes come from a ByteSource: a file, or packets in memory (a live
 * tail keeps one reader per stream and hands it each packet as it arrives,
 * so the checks across packets and the discarded-events growth hold there
 * too). One batch is yielded per packet, so memory stays bounded by the
 * packet size. When a packet turns out corrupt, the events decoded before the bad
 * byte are yielded first, then the error is thrown: nothing readable is held
 * back.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { CTF_MAGIC, EventHeader } from '../../abi/trace-layout.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { type StructType, staticSize } from './ctf-type.js';
import { Cursor, corrupt, type FieldValue } from './decode.js';
import type { EventModel, StreamModel, TraceModel } from './trace-model.js';

export interface TraceEvent {
  readonly type: 'event';
  /** Nanoseconds since the Unix epoch, exact. */
  readonly timestamp: bigint;
  readonly streamId: number;
  readonly threadId: number;
  readonly threadName: string;
  /** `provider:event` */
  readonly name: string;
  /** Field values by marker field name: 64-bit ints beyond 2^53 as bigint, json parsed back. */
  readonly fields: Record<string, FieldValue>;
  /** The event class: field types and specs, for converters that show hex or bools. */
  readonly event: EventModel;
}

/** Events (or whole packets) the recording dropped, noticed at the start of a packet. */
export interface DiscardedNotice {
  readonly type: 'discarded';
  /** The timestamp_begin of the packet that noticed the loss. */
  readonly timestamp: bigint;
  /** The timestamp_end of the stream's previous packet (the loss happened in between). */
  readonly since: bigint;
  readonly streamId: number;
  readonly threadId: number;
  readonly threadName: string;
  /** Growth of events_discarded. */
  readonly events: number;
  /** Gap in packet_seq_num. */
  readonly packets: number;
}

/** What a trace yields, in time order: an event, or a notice that events were lost before it. */
export type TraceEntry = TraceEvent | DiscardedNotice;

export interface StreamStats {
  readonly file: string;
  streamId: number | undefined;
  threadId: number | undefined;
  threadName: string | undefined;
  packets: number;
  events: number;
  discardedEvents: number;
  discardedPackets: number;
}

/** One packet whose headers passed the checks; its bytes are in the reader's buffer. */
interface Packet {
  /** Where it starts in the file. */
  readonly offset: number;
  /** Its packet_size in bytes: where the next packet starts. */
  readonly size: number;
  /** Bytes of content (headers included) available to decode. */
  readonly contentBytes: number;
  readonly stream: StreamModel;
  readonly context: Record<string, FieldValue>;
  /** Set when the file ends inside this packet: thrown once its complete events are yielded. */
  readonly truncation: MarkersError | undefined;
}

function fieldOffset(struct: StructType, name: string): number {
  let offset = 0;
  for (const field of struct.fields) {
    if (field.name === name) return offset;
    offset += staticSize(field.type) ?? 0;
  }
  return 0;
}

function asBigInt(value: FieldValue): bigint | undefined {
  return typeof value === 'bigint' ? value : typeof value === 'number' ? BigInt(value) : undefined;
}

function parseJson(text: string): FieldValue {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The encoder writes what JSON.stringify gave; text that does not parse back stays as text.
    return text;
  }
}

/** Where a stream's bytes come from. */
interface ByteSource {
  size(): Promise<number>;
  /** Reads `length` bytes at `offset` into the start of `into`; returns how many were there. */
  read(into: Buffer, length: number, offset: number): Promise<number>;
  close(): Promise<void>;
}

async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new MarkersError(
      ErrorCode.TRACE_NOT_FOUND,
      `cannot open stream file ${path}: ${error.code}`,
      {
        file: path,
      },
    );
  });
  return {
    size: async () => (await handle.stat()).size,
    read: async (into, length, offset) => (await handle.read(into, 0, length, offset)).bytesRead,
    close: () => handle.close(),
  };
}

function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: async () => bytes.length,
    read: async (into, length, offset) => {
      const end = Math.min(bytes.length, offset + length);
      into.set(bytes.subarray(offset, end), 0);
      return end - offset;
    },
    close: async () => {},
  };
}

export class StreamFileReader {
  private stream: StreamModel | undefined;
  private lastTimestamp: bigint | undefined;
  private lastPacketEnd: bigint | undefined;
  private lastSeq: bigint | undefined;
  private lastDiscarded = 0n;
  private buf = Buffer.alloc(0);

  constructor(
    private model: TraceModel,
    private readonly path: string,
    readonly stats: StreamStats,
  ) {}

  /**
   * A newer model of the same trace (a live trace whose markers grew): event
   * classes are looked up in it from the next packet on.
   */
  updateModel(model: TraceModel): void {
    this.model = model;
    if (this.stream !== undefined) this.stream = model.streams.get(this.stream.id);
  }

  private toNs(clockValue: bigint): bigint {
    const { freq, offsetNs } = this.model.clock;
    return offsetNs + (freq === 1_000_000_000n ? clockValue : (clockValue * 1_000_000_000n) / freq);
  }

  async *packets(): AsyncGenerator<TraceEntry[]> {
    yield* this.packetsOf(await fileSource(this.path));
  }

  /** The packets in `bytes` (one or more, whole), decoded with this stream's state. */
  packetsIn(bytes: Uint8Array): AsyncGenerator<TraceEntry[]> {
    return this.packetsOf(memorySource(bytes));
  }

  private async *packetsOf(handle: ByteSource): AsyncGenerator<TraceEntry[]> {
    try {
      const size = await handle.size();
      let offset = 0;
      while (offset < size) {
        const packet = await this.readPacket(handle, offset, size);
        const records: TraceEntry[] = [];
        try {
          this.decodePacket(packet, records);
        } catch (error) {
          if (records.length > 0) yield records;
          // In a cut packet, the event that runs past the end is the truncation itself.
          throw packet.truncation ?? error;
        }
        yield records;
        if (packet.truncation !== undefined) throw packet.truncation;
        offset += packet.size;
      }
    } finally {
      await handle.close();
    }
  }

  private async read(handle: ByteSource, offset: number, length: number): Promise<void> {
    if (this.buf.length < length) this.buf = Buffer.alloc(Math.max(length, this.buf.length * 2));
    const bytesRead = await handle.read(this.buf, length, offset);
    if (bytesRead < length)
      throw corrupt(this.path, offset + bytesRead, 'file ends inside a packet (truncated)');
  }

  /** Reads the packet at `offset` into this.buf after checking its headers. */
  private async readPacket(handle: ByteSource, offset: number, fileSize: number): Promise<Packet> {
    const { model, path } = this;
    const headerSize = staticSize(model.packetHeader) as number;
    if (fileSize - offset < headerSize) {
      throw corrupt(
        path,
        offset,
        `truncated packet header: ${fileSize - offset} of ${headerSize} bytes`,
      );
    }
    await this.read(handle, offset, headerSize);
    const header = new Cursor(this.buf, 0, headerSize, path, offset).struct(
      model.packetHeader,
      'packet header',
    );
    if (header.magic !== undefined && Number(header.magic) !== CTF_MAGIC) {
      throw corrupt(
        path,
        offset,
        `bad magic 0x${Number(header.magic).toString(16)} (expected 0xc1fc1fc1)`,
      );
    }
    if (Array.isArray(header.uuid)) {
      const bytes = header.uuid as number[];
      if (bytes.some((b, i) => b !== model.uuidBytes[i])) {
        const got = Buffer.from(bytes).toString('hex');
        throw new MarkersError(
          ErrorCode.TRACE_UUID_MISMATCH,
          `${path} at byte ${offset + fieldOffset(model.packetHeader, 'uuid')}: packet uuid ${got} is not the metadata's ${model.uuid}`,
          { file: path, offset: offset + fieldOffset(model.packetHeader, 'uuid') },
        );
      }
    }
    const streamId = Number(header.stream_id ?? 0n);
    const stream = model.streams.get(streamId);
    const streamIdAt = offset + fieldOffset(model.packetHeader, 'stream_id');
    if (stream === undefined) throw corrupt(path, streamIdAt, `unknown stream id ${streamId}`);
    if (this.stream !== undefined && this.stream !== stream) {
      throw corrupt(
        path,
        streamIdAt,
        `stream id ${streamId} in a file of stream ${this.stream.id}`,
      );
    }
    this.stream = stream;
    if (fileSize - offset < stream.headerSize) {
      throw corrupt(
        path,
        offset,
        `truncated packet context: ${fileSize - offset} of ${stream.headerSize} bytes`,
      );
    }
    await this.read(handle, offset, stream.headerSize);
    const context = new Cursor(this.buf, headerSize, stream.headerSize, path, offset).struct(
      stream.packetContext,
      'packet context',
    );
    const remaining = BigInt(fileSize - offset) * 8n;
    const packetBits = asBigInt(context.packet_size) ?? remaining;
    const contentBits = asBigInt(context.content_size) ?? packetBits;
    const sizeAt = offset + headerSize + fieldOffset(stream.packetContext, 'content_size');
    if (packetBits % 8n !== 0n || contentBits % 8n !== 0n) {
      throw corrupt(
        path,
        sizeAt,
        `content_size ${contentBits} / packet_size ${packetBits} bits are not whole bytes`,
      );
    }
    if (contentBits > packetBits) {
      throw corrupt(
        path,
        sizeAt,
        `content_size ${contentBits} bits > packet_size ${packetBits} bits`,
      );
    }
    if (contentBits < BigInt(stream.headerSize) * 8n) {
      throw corrupt(
        path,
        sizeAt,
        `content_size ${contentBits} bits is smaller than the packet headers`,
      );
    }
    // A packet cut short (a crash mid-write) still yields its complete events, then fails.
    const truncation =
      packetBits > remaining
        ? corrupt(
            path,
            fileSize,
            `truncated: the packet at byte ${offset} declares ${packetBits / 8n} bytes, the file holds ${remaining / 8n}`,
          )
        : undefined;
    const available = packetBits > remaining ? remaining : packetBits;
    await this.read(handle, offset, Number(available / 8n));
    return {
      offset,
      size: Number(packetBits / 8n),
      contentBytes: Number((contentBits < available ? contentBits : available) / 8n),
      stream,
      context,
      truncation,
    };
  }

  private decodePacket(packet: Packet, out: TraceEntry[]): void {
    const { stream, context, offset } = packet;
    const { path, stats } = this;
    const threadId = Number(context.thread_id ?? stream.threadId ?? stream.id);
    const threadName = stream.threadName ?? `thread-${threadId}`;
    stats.streamId = stream.id;
    stats.threadId = threadId;
    stats.threadName = threadName;
    stats.packets++;
    const begin = this.toNs(asBigInt(context.timestamp_begin) ?? 0n);
    const end = this.toNs(asBigInt(context.timestamp_end) ?? 0xffffffffffffffffn);
    const contextAt = offset + (staticSize(this.model.packetHeader) as number);
    if (
      context.timestamp_begin !== undefined &&
      context.timestamp_end !== undefined &&
      begin > end
    ) {
      throw corrupt(path, contextAt, `timestamp_begin ${begin} > timestamp_end ${end}`);
    }
    const seq = asBigInt(context.packet_seq_num);
    let lostPackets = 0n;
    if (seq !== undefined) {
      if (this.lastSeq !== undefined && seq <= this.lastSeq) {
        throw corrupt(path, contextAt, `packet_seq_num ${seq} after ${this.lastSeq}`);
      }
      if (this.lastSeq !== undefined) lostPackets = seq - this.lastSeq - 1n;
      this.lastSeq = seq;
    }
    const discarded = asBigInt(context.events_discarded);
    let lostEvents = 0n;
    if (discarded !== undefined) {
      if (discarded < this.lastDiscarded) {
        throw corrupt(
          path,
          contextAt,
          `events_discarded went back from ${this.lastDiscarded} to ${discarded}`,
        );
      }
      lostEvents = discarded - this.lastDiscarded;
      this.lastDiscarded = discarded;
    }
    if (lostEvents > 0n || lostPackets > 0n) {
      stats.discardedEvents += Number(lostEvents);
      stats.discardedPackets += Number(lostPackets);
      out.push({
        type: 'discarded',
        timestamp: begin,
        since: this.lastPacketEnd ?? this.model.clock.offsetNs,
        streamId: stream.id,
        threadId,
        threadName,
        events: Number(lostEvents),
        packets: Number(lostPackets),
      });
    }
    this.lastPacketEnd = end;

    const cursor = new Cursor(this.buf, stream.headerSize, packet.contentBytes, path, offset);
    while (cursor.pos < cursor.end) {
      const at = cursor.offset;
      let id: number;
      let clockValue: bigint;
      if (stream.compactEventHeader) {
        cursor.need(EventHeader.SIZE, 'event header');
        id = this.buf.readUInt16LE(cursor.pos + EventHeader.ID);
        clockValue = this.buf.readBigUInt64LE(cursor.pos + EventHeader.TIMESTAMP);
        cursor.pos += EventHeader.SIZE;
      } else {
        const header = cursor.struct(stream.eventHeader, 'event header');
        id = Number(header.id);
        clockValue = asBigInt(header.timestamp) ?? 0n;
      }
      const event = stream.events.get(id);
      if (event === undefined)
        throw corrupt(path, at, `unknown event id ${id} in stream ${stream.id}`);
      const timestamp = this.toNs(clockValue);
      if (this.lastTimestamp !== undefined && timestamp < this.lastTimestamp) {
        throw corrupt(
          path,
          at,
          `event "${event.name}" timestamp ${timestamp} is before the previous ${this.lastTimestamp}`,
        );
      }
      if (timestamp > end) {
        throw corrupt(
          path,
          at,
          `event "${event.name}" timestamp ${timestamp} is after the packet's timestamp_end ${end}`,
        );
      }
      this.lastTimestamp = timestamp;
      const fields: Record<string, FieldValue> = {};
      for (const field of event.fields) {
        const value = cursor.value(field.ctf, field.label);
        fields[field.name] = field.type === 'json' ? parseJson(value as string) : value;
      }
      stats.events++;
      out.push({
        type: 'event',
        timestamp,
        streamId: stream.id,
        threadId,
        threadName,
        name: event.name,
        fields,
        event,
      });
    }
  }
}

/** The packets of one stream file, each as a batch of records in file order. */
export function readStreamFile(
  model: TraceModel,
  path: string,
): { stats: StreamStats; batches: AsyncGenerator<TraceEntry[]> } {
  const stats = emptyStats(basename(path));
  return { stats, batches: new StreamFileReader(model, path, stats).packets() };
}

function emptyStats(file: string): StreamStats {
  return {
    file,
    streamId: undefined,
    threadId: undefined,
    threadName: undefined,
    packets: 0,
    events: 0,
    discardedEvents: 0,
    discardedPackets: 0,
  };
}

/** A reader for one stream whose packets arrive one by one (a live tail); `name` is used in errors. */
export function liveStreamReader(model: TraceModel, name: string): StreamFileReader {
  return new StreamFileReader(model, name, emptyStats(name));
}
