/**
 * Turning ring buffers into a trace, shared by the consumer (stop, snapshot)
 * and the crash path: copying the packets a ring holds, the trailer packet
 * that carries losses after the last real packet, and the trace description
 * the metadata is rendered from. Each thread's stream is a StreamState
 * (stream.ts).
 */

import { hostname } from 'node:os';
import { F, W } from '../../abi/ring.js';
import type { TraceDescription } from '../../abi/trace-description.js';
import { CTF_MAGIC, PacketContext, PacketHeader } from '../../abi/trace-layout.js';
import { VERSION } from '../../version.js';
import { getU64, type Ring, setU64 } from '../ring.js';
import type { RingReader } from './ring-reader.js';
import type { StreamState } from './stream.js';

export interface CopiedPacket {
  readonly bytes: Uint8Array;
  readonly events: number;
  readonly discarded: number;
  /** Events recorded in the packets before this one (overwrite accounting). */
  readonly recordedBefore: number;
}

/**
 * Copies of the published packets a ring still holds, oldest first: in
 * overwrite mode the newest K, in discard mode those not consumed yet.
 * A copy the producer may have overwritten meanwhile is dropped (seqlock,
 * abi/ring.ts); the producer counts those events as overwritten.
 */
export function copyPackets(ring: RingReader): CopiedPacket[] {
  const ctl = ring.ctl;
  const k = ring.subBuffers;
  const produced = Atomics.load(ctl, W.PRODUCED);
  const oldest = ring.overwrite ? 0 : Atomics.load(ctl, W.CONSUMED);
  const out: CopiedPacket[] = [];
  for (let n = Math.max(oldest, produced - k); n < produced; n++) {
    const view = ring.packetBytes(n);
    const bytes = view.slice();
    const events = ring.packetEvents(n);
    const recordedBefore = ring.recordedBefore[n % k] as number;
    if (Atomics.load(ctl, W.OPENED) > n + k) continue;
    const dv = new DataView(bytes.buffer);
    if (getU64(dv, PacketContext.PACKET_SEQ_NUM) !== n) continue;
    out.push({
      bytes,
      events,
      discarded: getU64(dv, PacketContext.EVENTS_DISCARDED),
      recordedBefore,
    });
  }
  return out;
}

/**
 * What a stream delivers from a copy of its ring (stop, snapshot, crash,
 * exit). In discard mode, the copied packets as they are. In overwrite mode
 * the events of every packet before the oldest one kept were overwritten:
 * that count (lostOffset) is added to each packet's events_discarded, and an
 * empty packet with events_discarded 0 goes first, so that babeltrace2 and
 * our reader report the overwritten events as discarded before the oldest
 * kept packet. The copies are changed, never the ring.
 */
export function copyStream(
  stream: StreamState,
  uuid: Uint8Array,
): { readonly packets: CopiedPacket[]; readonly lostOffset: number } {
  const ring = stream.ring;
  const packets = copyPackets(ring);
  if (!ring.overwrite) return { packets, lostOffset: 0 };
  const first = packets[0];
  const lostOffset = first?.recordedBefore ?? (ring.f64[F.RECORDED] as number);
  if (lostOffset === 0) return { packets, lostOffset };
  for (const packet of packets) {
    const dv = new DataView(packet.bytes.buffer, packet.bytes.byteOffset, packet.bytes.byteLength);
    setU64(dv, PacketContext.EVENTS_DISCARDED, packet.discarded + lostOffset);
  }
  const ts =
    first === undefined
      ? (ring.f64[F.LAST_TS] as number)
      : getU64(
          new DataView(first.bytes.buffer, first.bytes.byteOffset),
          PacketContext.TIMESTAMP_BEGIN,
        );
  const firstSeq =
    first === undefined
      ? Atomics.load(ring.ctl, W.PRODUCED)
      : getU64(
          new DataView(first.bytes.buffer, first.bytes.byteOffset),
          PacketContext.PACKET_SEQ_NUM,
        );
  const lead = emptyPacket(ring, uuid, ts, Math.max(0, firstSeq - 1), 0);
  return {
    packets: [
      { bytes: lead, events: 0, discarded: 0, recordedBefore: 0 },
      ...packets.map((p) => ({ ...p, discarded: p.discarded + lostOffset })),
    ],
    lostOffset,
  };
}

function emptyPacket(
  ring: Ring,
  uuid: Uint8Array,
  ts: number,
  seq: number,
  discarded: number,
): Uint8Array {
  const bytes = new Uint8Array(PacketContext.END);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(PacketHeader.MAGIC, CTF_MAGIC, true);
  bytes.set(uuid, PacketHeader.UUID);
  dv.setUint32(PacketHeader.STREAM_ID, ring.streamId, true);
  setU64(dv, PacketContext.TIMESTAMP_BEGIN, ts);
  setU64(dv, PacketContext.TIMESTAMP_END, ts);
  setU64(dv, PacketContext.CONTENT_SIZE, PacketContext.END * 8);
  setU64(dv, PacketContext.PACKET_SIZE, PacketContext.END * 8);
  setU64(dv, PacketContext.PACKET_SEQ_NUM, seq);
  setU64(dv, PacketContext.EVENTS_DISCARDED, discarded);
  dv.setUint32(PacketContext.THREAD_ID, ring.streamId, true);
  return bytes;
}

/** The events_discarded of a packet. */
export function packetDiscarded(bytes: Uint8Array): number {
  return getU64(
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    PacketContext.EVENTS_DISCARDED,
  );
}

/**
 * An empty packet carrying the running loss count, for losses that came
 * after the last packet (a full buffer drops events between packets), so
 * that readers report them. Undefined when nothing is missing.
 */
export function trailerPacket(stream: StreamState, uuid: Uint8Array): Uint8Array | undefined {
  const lost = stream.lost + stream.lostOffset;
  if (lost <= stream.deliveredDiscarded) return undefined;
  const ring = stream.ring;
  const bytes = emptyPacket(
    ring,
    uuid,
    ring.f64[F.LAST_TS] as number,
    Atomics.load(ring.ctl, W.PRODUCED),
    lost,
  );
  stream.deliveredDiscarded = lost;
  return bytes;
}

export function traceDescription(
  uuid: string,
  originMs: number,
  streams: readonly StreamState[],
  env: Readonly<Record<string, string | number>> = {},
): TraceDescription {
  return {
    uuid,
    clockOffsetNs: BigInt(originMs) * 1_000_000n,
    clockPrecisionNs: 1000,
    env: {
      hostname: hostname(),
      pid: process.pid,
      tracer_name: 'markers',
      tracer_version: VERSION,
      node_version: process.version,
      ...env,
    },
    streams: streams
      .map((s) => s.description)
      .filter((s) => s.events.length > 0)
      .sort((a, b) => a.id - b.id),
  };
}
