/**
 * The producer's side of a ring (record/ring.ts): creating it, opening
 * packets and reserving room for events, on the recording thread only.
 *
 * Algorithm. Packets are numbered from 0; W.PRODUCED counts the packets the
 * producer has closed, so the open packet (if any) is packet PRODUCED. The
 * producer opens a packet lazily, on the first event that needs room, and
 * closes it when the next event does not fit, when its flush deadline passes
 * (F.FLUSH_AT, so that a live consumer sees events within ~100 ms), or when
 * asked to (stop, snapshot, thread exit).
 *   discard:   packet n may only be opened once packet n - K was consumed
 *              (PRODUCED - CONSUMED < K). Otherwise the buffer is full and
 *              events are dropped and counted in F.DISCARDED; no blocking and
 *              no allocation.
 *   overwrite: packet n always opens, over packet n - K, whose events are
 *              counted in F.OVERWRITTEN. Nothing is consumed while recording;
 *              a snapshot copies the newest packets.
 * Each packet's events_discarded is the running count of DISCARDED when it
 * opened, so readers (babeltrace2) report a loss between the packets where it
 * happened; losses after the last packet go in a trailer packet
 * (consumer/assemble.ts).
 *
 * Reader protocol: see src/abi/ring.ts.
 */

import {
  type BufferMode,
  CONTROL_WORDS,
  F,
  META_MAX_BYTES,
  type NativeUtf8Target,
  RING_LAYOUT_VERSION,
  RING_MAGIC,
  RingMode,
  ringOffsets,
  W,
} from '../../abi/ring.js';
import { CTF_MAGIC, PacketContext, PacketHeader } from '../../abi/trace-layout.js';
import { Ring, setU64 } from '../ring.js';
import { monotonicNowMs } from './clock.js';

/** ES2024's growable SharedArrayBuffer (Node >= 20), typed here since the project's lib is ES2023. */
interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  grow(byteLength: number): void;
  readonly maxByteLength: number;
}
const GrowableSab = SharedArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => GrowableSharedArrayBuffer;

export interface RingOptions {
  readonly mode: BufferMode;
  readonly subBufferSize: number;
  readonly subBuffers: number;
  readonly streamId: number;
  readonly uuid: Uint8Array;
  readonly metaBytes: number;
  readonly baseNs: number;
  /** Close an open packet this long after it was opened (0: only when full or asked). */
  readonly flushNs: number;
}

export class RingWriter extends Ring {
  /** The same bytes as a Buffer, for Node's native UTF-8 encoder (utf8.ts). */
  readonly buf: NativeUtf8Target;
  readonly #uuid: Uint8Array;
  readonly #flushNs: number;
  /**
   * Called by the producer when it opens a packet with a flush deadline, so
   * that the thread can arm one timer for that deadline (thread-handlers.ts)
   * rather than tick while nothing happens. Once per packet, never per event.
   */
  onOpen: (() => void) | undefined = undefined;

  private constructor(sab: SharedArrayBuffer, metaSab: SharedArrayBuffer, flushNs: number) {
    super(sab, metaSab);
    this.buf = Buffer.from(sab);
    // The uuid is written once per packet; read it back from its copy before the data.
    const uuidOffset = this.ctl[W.META_OFFSET] as number;
    this.#uuid = this.u8.slice(uuidOffset, uuidOffset + 16);
    this.#flushNs = flushNs;
  }

  /** Bytes of the (data) SharedArrayBuffer a ring with these options needs. */
  static byteLength(options: RingOptions): number {
    return RingWriter.#dataOffset(options) + options.subBuffers * options.subBufferSize;
  }

  static #dataOffset(options: RingOptions): number {
    return ringOffsets(options.subBuffers).data;
  }

  /**
   * A new ring, in fresh memory or in `reuse`: the data buffer of a released
   * ring of the same byte length (ring-pool.ts). Everything a reader looks at
   * before a packet is published (control words, counters, slot counts) is
   * zeroed; the sub-buffers are not, because a packet's bytes are all written
   * before PRODUCED publishes it. The description area is always new (small).
   */
  static create(options: RingOptions, reuse?: SharedArrayBuffer): RingWriter {
    // META_OFFSET now locates the uuid copy; the descriptions are in metaSab.
    const dataOffset = RingWriter.#dataOffset(options);
    const uuidOffset = dataOffset - 16;
    const bytes = RingWriter.byteLength(options);
    let sab: SharedArrayBuffer;
    if (reuse !== undefined && reuse.byteLength === bytes) {
      sab = reuse;
      new Uint8Array(sab, 0, dataOffset).fill(0);
    } else {
      sab = new SharedArrayBuffer(bytes);
    }
    const metaSab = new GrowableSab(Math.min(options.metaBytes, META_MAX_BYTES), {
      maxByteLength: META_MAX_BYTES,
    });
    const ctl = new Int32Array(sab, 0, CONTROL_WORDS);
    ctl[W.MAGIC] = RING_MAGIC;
    ctl[W.VERSION] = RING_LAYOUT_VERSION;
    ctl[W.SUB_COUNT] = options.subBuffers;
    ctl[W.SUB_SIZE] = options.subBufferSize;
    ctl[W.MODE] = RingMode[options.mode];
    ctl[W.STREAM_ID] = options.streamId;
    ctl[W.META_CAP] = META_MAX_BYTES;
    ctl[W.META_OFFSET] = uuidOffset;
    ctl[W.DATA_OFFSET] = dataOffset;
    new Uint8Array(sab, uuidOffset, 16).set(options.uuid);
    const ring = new RingWriter(sab, metaSab, options.flushNs);
    ring.f64[F.BASE_NS] = options.baseNs;
    ring.f64[F.LAST_TS] = ring.now();
    ring.f64[F.FLUSH_AT] = Number.POSITIVE_INFINITY;
    return ring;
  }

  /**
   * Slow path of an event that does not fit the open packet (or finds none):
   * closes it, opens the next one, and returns where the event goes, or -1
   * when the event is dropped (counted in DISCARDED).
   */
  reserve(need: number): number {
    const ctl = this.ctl;
    if (need > this.subBufferSize - PacketContext.END) {
      this.f64[F.DISCARDED] = (this.f64[F.DISCARDED] as number) + 1;
      this.f64[F.TOO_LARGE] = (this.f64[F.TOO_LARGE] as number) + 1;
      return -1;
    }
    if (ctl[W.END] !== 0) this.close();
    if (!this.#open()) {
      this.f64[F.DISCARDED] = (this.f64[F.DISCARDED] as number) + 1;
      return -1;
    }
    return ctl[W.POS] as number;
  }

  #open(): boolean {
    const ctl = this.ctl;
    const produced = Atomics.load(ctl, W.PRODUCED);
    const slot = produced % this.subBuffers;
    if (!this.overwrite) {
      if (produced - Atomics.load(ctl, W.CONSUMED) >= this.subBuffers) return false;
    } else if (produced >= this.subBuffers) {
      /* overwrite: packet produced - K is lost */
      this.f64[F.OVERWRITTEN] = (this.f64[F.OVERWRITTEN] as number) + (this.slots[slot] as number);
      this.slots[slot] = 0;
    }
    Atomics.store(ctl, W.OPENED, produced + 1);
    this.recordedBefore[slot] = this.f64[F.RECORDED] as number;
    const start = this.dataOffset + slot * this.subBufferSize;
    const dv = this.dv;
    dv.setUint32(start + PacketHeader.MAGIC, CTF_MAGIC, true);
    this.u8.set(this.#uuid, start + PacketHeader.UUID);
    dv.setUint32(start + PacketHeader.STREAM_ID, ctl[W.STREAM_ID] as number, true);
    setU64(dv, start + PacketContext.TIMESTAMP_BEGIN, this.f64[F.LAST_TS] as number);
    setU64(dv, start + PacketContext.PACKET_SEQ_NUM, produced);
    // The count at open: drops while the buffer was full happened between the
    // previous packet and this one, which is where readers report the growth.
    // Overwritten events came before the oldest packet a snapshot keeps, not
    // between its packets: they show as a packet_seq_num gap and in the stats.
    setU64(dv, start + PacketContext.EVENTS_DISCARDED, this.f64[F.DISCARDED] as number);
    dv.setUint32(start + PacketContext.THREAD_ID, ctl[W.STREAM_ID] as number, true);
    ctl[W.PKT_EVENTS] = 0;
    ctl[W.POS] = start + PacketContext.END;
    ctl[W.END] = start + this.subBufferSize;
    this.f64[F.FLUSH_AT] =
      this.#flushNs > 0 ? this.now() + this.#flushNs : Number.POSITIVE_INFINITY;
    if (this.#flushNs > 0) this.onOpen?.();
    return true;
  }

  /** Closes the open packet if its flush deadline passed (the idle timer). */
  closeIfDue(now: number): void {
    if (this.ctl[W.END] !== 0 && (this.ctl[W.PKT_EVENTS] as number) > 0) {
      if (now >= (this.f64[F.FLUSH_AT] as number)) this.close();
    }
  }

  /** The recording's clock, in this thread (not the hot path: encoders inline it). */
  now(): number {
    return (this.f64[F.BASE_NS] as number) + monotonicNowMs() * 1e6;
  }

  /**
   * Appends one event description (at bind time), growing the meta area when
   * it is full. False only when META_MAX_BYTES is reached.
   */
  appendMeta(line: string): boolean {
    const bytes = new TextEncoder().encode(`${line}\n`);
    const len = this.ctl[W.META_LEN] as number;
    const meta = this.metaSab as GrowableSharedArrayBuffer;
    const need = len + bytes.length;
    if (need > meta.byteLength) {
      if (need > meta.maxByteLength) return false;
      try {
        meta.grow(Math.min(meta.maxByteLength, Math.max(need, 2 * meta.byteLength)));
      } catch {
        // Out of memory: this marker is skipped (and counted), the host goes on.
        return false;
      }
    }
    new Uint8Array(meta).set(bytes, len);
    Atomics.store(this.ctl, W.META_LEN, need);
    Atomics.add(this.ctl, W.EVENT_IDS, 1);
    return true;
  }
}
