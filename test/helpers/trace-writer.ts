/**
 * Test helper: writes a trace directory exactly per src/abi/trace-layout.ts, with
 * metadata from renderMetadata. Simple and allocation-happy on purpose: it is
 * the judge's input, not the hot path (src/record writes real traces).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  EventDescription,
  StreamDescription,
  TraceDescription,
} from '../../src/abi/trace-description.js';
import { CTF_MAGIC, EventHeader, PacketContext, PacketHeader } from '../../src/abi/trace-layout.js';
import { parseFormat } from '../../src/marker/format.js';
import { renderMetadata } from '../../src/trace/metadata.js';

export interface TestMarker {
  readonly name: string;
  readonly format: string;
}
export interface TestEvent {
  readonly name: string;
  /** Clock value: ns since the clock's zero (clockOffsetNs maps it to the epoch). */
  readonly ts: bigint;
  readonly values?: readonly unknown[];
}
export interface TestPacket {
  readonly events: readonly TestEvent[];
  /** Running events_discarded count at this packet. */
  readonly discarded?: number;
  /** packet_seq_num; defaults to the packet's index. */
  readonly seq?: number;
  /** Padding bytes after the content. */
  readonly pad?: number;
}
export interface TestStream {
  readonly threadId: number;
  readonly threadName: string;
  readonly markers: readonly TestMarker[];
  readonly packets: readonly TestPacket[];
}
export interface TestTrace {
  readonly uuid?: string;
  readonly clockOffsetNs?: bigint;
  readonly env?: Record<string, string | number>;
  readonly streams: readonly TestStream[];
}
export interface WrittenTrace {
  readonly dir: string;
  readonly description: TraceDescription;
  /** Per stream index: the stream file's path and where each packet starts. */
  readonly files: readonly { readonly path: string; readonly packetOffsets: readonly number[] }[];
}

export const TEST_UUID = '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b';
export const TEST_OFFSET_NS = 1_700_000_000_123_456_789n;

export function tempDir(prefix = 'markers-trace-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function encodeValue(type: string, value: unknown): Buffer {
  switch (type) {
    case 'int64': {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(value as number | bigint));
      return b;
    }
    case 'uint64': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(value as number | bigint));
      return b;
    }
    case 'float64': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(value as number);
      return b;
    }
    case 'bool':
      return Buffer.from([value ? 1 : 0]);
    case 'json':
      return Buffer.concat([
        Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'),
        Buffer.from([0]),
      ]);
    default:
      return Buffer.concat([Buffer.from(String(value), 'utf8'), Buffer.from([0])]);
  }
}

export function encodePacket(
  uuid: string,
  streamId: number,
  threadId: number,
  description: StreamDescription,
  packet: TestPacket,
  index: number,
): Buffer {
  const events = packet.events.map((event) => {
    const cls = description.events.find((e) => e.name === event.name);
    if (cls === undefined) throw new Error(`test trace: no marker ${event.name}`);
    const header = Buffer.alloc(EventHeader.SIZE);
    header.writeUInt16LE(cls.id, EventHeader.ID);
    header.writeBigUInt64LE(event.ts, EventHeader.TIMESTAMP);
    const values = event.values ?? [];
    return Buffer.concat([header, ...cls.fields.map((f, i) => encodeValue(f.type, values[i]))]);
  });
  const body = Buffer.concat(events);
  const content = PacketContext.END + body.length;
  const total = content + (packet.pad ?? 0);
  const head = Buffer.alloc(PacketContext.END);
  head.writeUInt32LE(CTF_MAGIC, PacketHeader.MAGIC);
  Buffer.from(uuid.replaceAll('-', ''), 'hex').copy(head, PacketHeader.UUID);
  head.writeUInt32LE(streamId, PacketHeader.STREAM_ID);
  const first = packet.events[0]?.ts ?? 0n;
  const last = packet.events.at(-1)?.ts ?? first;
  head.writeBigUInt64LE(first, PacketContext.TIMESTAMP_BEGIN);
  head.writeBigUInt64LE(last, PacketContext.TIMESTAMP_END);
  head.writeBigUInt64LE(BigInt(content * 8), PacketContext.CONTENT_SIZE);
  head.writeBigUInt64LE(BigInt(total * 8), PacketContext.PACKET_SIZE);
  head.writeBigUInt64LE(BigInt(packet.seq ?? index), PacketContext.PACKET_SEQ_NUM);
  head.writeBigUInt64LE(BigInt(packet.discarded ?? 0), PacketContext.EVENTS_DISCARDED);
  head.writeUInt32LE(threadId, PacketContext.THREAD_ID);
  return Buffer.concat([head, body, Buffer.alloc(packet.pad ?? 0)]);
}

export function describeTrace(trace: TestTrace): TraceDescription {
  return {
    uuid: trace.uuid ?? TEST_UUID,
    clockOffsetNs: trace.clockOffsetNs ?? TEST_OFFSET_NS,
    clockPrecisionNs: 1,
    env: trace.env ?? { hostname: 'test-host', pid: 4242, argv0: 'node' },
    streams: trace.streams.map(
      (s, id): StreamDescription => ({
        id,
        threadId: s.threadId,
        threadName: s.threadName,
        events: s.markers.map(
          (m, eventId): EventDescription => ({
            id: eventId,
            name: m.name,
            format: m.format,
            fields: parseFormat(m.format, m.name),
          }),
        ),
      }),
    ),
  };
}

/** Writes `trace` into `dir` (a new temporary directory by default). */
export function writeTrace(trace: TestTrace, dir = tempDir()): WrittenTrace {
  mkdirSync(dir, { recursive: true });
  const description = describeTrace(trace);
  writeFileSync(join(dir, 'metadata'), renderMetadata(description));
  const files = trace.streams.map((stream, id) => {
    const desc = description.streams[id] as StreamDescription;
    const packets = stream.packets.map((p, i) =>
      encodePacket(description.uuid, id, stream.threadId, desc, p, i),
    );
    const packetOffsets: number[] = [];
    let at = 0;
    for (const p of packets) {
      packetOffsets.push(at);
      at += p.length;
    }
    const path = join(dir, `stream_${id}`);
    writeFileSync(path, Buffer.concat(packets));
    return { path, packetOffsets };
  });
  return { dir, description, files };
}
