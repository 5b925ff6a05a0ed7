/**
 * One thread's ring buffer for one recording: a SharedArrayBuffer split into
 * K sub-buffers of S bytes, each laid out as a CTF packet (src/abi/trace-layout.ts),
 * so that writing a packet to disk is one copy of its bytes.
 *
 * Memory: the control words, counters and areas of src/abi/ring.ts (the
 * layout and the reader protocol are the ABI between producer and consumer).
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
 * happened; losses after the last packet go in a trailer packet (assemble.ts).
 *
 * Reader protocol: see src/abi/ring.ts.
 */

import {
  type BufferMode,
  CONTROL_BYTES,
  CONTROL_WORDS,
  checkRingHeader,
  F,
  META_MAX_BYTES,
  type NativeUtf8Target,
  RING_LAYOUT_VERSION,
  RING_MAGIC,
  RingMode,
  ringOffsets,
  W,
} from '../abi/ring.js';
import { CTF_MAGIC, PacketContext, PacketHeader } from '../abi/trace-layout.js';
import { monotonicNowMs } from './clock.js';

const TWO_32 = 4294967296;

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

/** Writes v (a non-negative integer below 2^53) as a little-endian u64. */
export function setU64(dv: DataView, offset: number, v: number): void {
  dv.setUint32(offset, v >>> 0, true);
  dv.setUint32(offset + 4, (v / TWO_32) >>> 0, true);
}

export function getU64(dv: DataView, offset: number): number {
  return dv.getUint32(offset, true) + dv.getUint32(offset + 4, true) * TWO_32;
}

/**
 * The ring over one SharedArrayBuffer. The same class serves the producer
 * (reserve/close on the recording thread) and the consumer (reads, and
 * close on behalf of an exited thread); see the reader protocol above.
 * Its fields are fixed at construction so the generated encoders see one shape.
 */
export class Ring {
  readonly sab: SharedArrayBuffer;
  /** The growable event-description area (see the memory layout). */
  readonly metaSab: SharedArrayBuffer;
  readonly u8: Uint8Array;
  /** The same bytes as a Buffer, for Node's native UTF-8 encoder (utf8.ts). */
  readonly buf: NativeUtf8Target;
  readonly dv: DataView;
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  readonly slots: Int32Array;
  /** Per slot: events recorded (in closed packets) before that slot's packet opened. */
  readonly recordedBefore: Float64Array;
  readonly subBuffers: number;
  readonly subBufferSize: number;
  readonly dataOffset: number;
  readonly overwrite: boolean;
  readonly #uuid: Uint8Array;
  readonly #flushNs: number;
  /**
   * Called by the producer when it opens a packet with a flush deadline, so
   * that the thread can arm one timer for that deadline (thread-handlers.ts)
   * rather than tick while nothing happens. Once per packet, never per event.
   */
  onOpen: (() => void) | undefined = undefined;

  private constructor(sab: SharedArrayBuffer, metaSab: SharedArrayBuffer, flushNs: number) {
    this.sab = sab;
    this.metaSab = metaSab;
    this.u8 = new Uint8Array(sab);
    this.buf = Buffer.from(sab);
    this.dv = new DataView(sab);
    this.ctl = new Int32Array(sab, 0, CONTROL_WORDS);
    this.f64 = new Float64Array(sab, 0, CONTROL_BYTES / 8);
    this.subBuffers = this.ctl[W.SUB_COUNT] as number;
    this.subBufferSize = this.ctl[W.SUB_SIZE] as number;
    this.slots = new Int32Array(sab, CONTROL_BYTES, this.subBuffers);
    this.recordedBefore = new Float64Array(
      sab,
      ringOffsets(this.subBuffers).recordedBefore,
      this.subBuffers,
    );
    this.dataOffset = this.ctl[W.DATA_OFFSET] as number;
    this.overwrite = this.ctl[W.MODE] === RingMode.overwrite;
    // The uuid is written once per packet; read it back from its copy before the data.
    const uuidOffset = this.ctl[W.META_OFFSET] as number;
    this.#uuid = this.u8.slice(uuidOffset, uuidOffset + 16);
    this.#flushNs = flushNs;
  }

  /** Bytes of the (data) SharedArrayBuffer a ring with these options needs. */
  static byteLength(options: RingOptions): number {
    return Ring.#dataOffset(options) + options.subBuffers * options.subBufferSize;
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
  static create(options: RingOptions, reuse?: SharedArrayBuffer): Ring {
    // META_OFFSET now locates the uuid copy; the descriptions are in metaSab.
    const dataOffset = Ring.#dataOffset(options);
    const uuidOffset = dataOffset - 16;
    const bytes = Ring.byteLength(options);
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
    const ring = new Ring(sab, metaSab, options.flushNs);
    ring.f64[F.BASE_NS] = options.baseNs;
    ring.f64[F.LAST_TS] = ring.now();
    ring.f64[F.FLUSH_AT] = Number.POSITIVE_INFINITY;
    return ring;
  }

  /** A view of a ring created by another thread (the consumer's side). */
  static attach(sab: SharedArrayBuffer, metaSab: SharedArrayBuffer): Ring {
    const ring = new Ring(sab, metaSab, 0);
    checkRingHeader(ring.ctl);
    return ring;
  }

  get streamId(): number {
    return this.ctl[W.STREAM_ID] as number;
  }

  slotStart(packet: number): number {
    return this.dataOffset + (packet % this.subBuffers) * this.subBufferSize;
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

  /**
   * Closes the open packet and publishes it (see the reader protocol). A
   * no-op when none is open. Called by the producer, or by the consumer for
   * a thread that exited.
   */
  close(): void {
    const ctl = this.ctl;
    if (ctl[W.END] === 0) return;
    const f64 = this.f64;
    const produced = ctl[W.PRODUCED] as number;
    const start = this.slotStart(produced);
    const bits = ((ctl[W.POS] as number) - start) * 8;
    const dv = this.dv;
    setU64(dv, start + PacketContext.TIMESTAMP_END, f64[F.LAST_TS] as number);
    setU64(dv, start + PacketContext.CONTENT_SIZE, bits);
    setU64(dv, start + PacketContext.PACKET_SIZE, bits);
    const events = ctl[W.PKT_EVENTS] as number;
    this.slots[produced % this.subBuffers] = events;
    f64[F.RECORDED] = (f64[F.RECORDED] as number) + events;
    f64[F.BYTES] = (f64[F.BYTES] as number) + bits / 8;
    f64[F.FLUSH_AT] = Number.POSITIVE_INFINITY;
    ctl[W.END] = 0;
    ctl[W.POS] = 0;
    ctl[W.PKT_EVENTS] = 0;
    Atomics.store(ctl, W.PRODUCED, produced + 1);
    this.wake();
  }

  /** Wakes a consumer sleeping on W.WAKE (see the reader protocol). Once per packet, never per event. */
  wake(): void {
    Atomics.add(this.ctl, W.WAKE, 1);
    Atomics.notify(this.ctl, W.WAKE);
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

  get state(): number {
    return Atomics.load(this.ctl, W.STATE);
  }

  set state(value: number) {
    Atomics.store(this.ctl, W.STATE, value);
    this.wake();
  }

  /**
   * Appends one event description (producer, at bind time), growing the meta
   * area when it is full. False only when META_MAX_BYTES is reached.
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

  /**
   * Event descriptions published from byte `from` on (consumer), and where
   * the next read starts. Incremental, so that thousands of markers declared
   * one by one cost linear time.
   */
  readMeta(from = 0): { readonly entries: unknown[]; readonly end: number } {
    const len = Atomics.load(this.ctl, W.META_LEN);
    // A copy: TextDecoder refuses views of shared memory.
    const text = new TextDecoder().decode(new Uint8Array(this.metaSab).slice(from, len));
    const entries = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
    return { entries, end: len };
  }

  /** Bytes of published packet n (valid until its slot is reused). */
  packetBytes(packet: number): Uint8Array {
    const start = this.slotStart(packet);
    const bytes = getU64(this.dv, start + PacketContext.CONTENT_SIZE) / 8;
    return this.u8.subarray(start, start + bytes);
  }

  /** Events in published packet n, as counted at its close. */
  packetEvents(packet: number): number {
    return this.slots[packet % this.subBuffers] as number;
  }
}
