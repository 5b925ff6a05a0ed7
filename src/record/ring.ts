/**
 * One thread's ring buffer for one recording, as both ends see it: a
 * SharedArrayBuffer of K sub-buffers of S bytes, each laid out as a CTF
 * packet (src/abi/trace-layout.ts), with the control words, counters and
 * areas of src/abi/ring.ts, whose reader protocol says who writes what.
 *
 * This file holds what the two roles share: the typed views over the
 * memory, the state word, and publishing the open packet (close). The
 * producer's side, opening packets and reserving room for events, is
 * producer/ring-writer.ts; the consumer's side, reading published packets and
 * event descriptions, is consumer/ring-reader.ts. Closing is shared because
 * the consumer closes the open packet of a thread that exited or stopped
 * answering (abi/ring.ts: salvage), with the producer's own steps.
 *
 * Its fields are fixed at construction so the generated encoders see one
 * shape (each role is one subclass, so each side's code sees one class).
 */

import { CONTROL_BYTES, CONTROL_WORDS, F, RingMode, ringOffsets, W } from '../abi/ring.js';
import { PacketContext } from '../abi/trace-layout.js';

const TWO_32 = 4294967296;

/** Writes v (a non-negative integer below 2^53) as a little-endian u64. */
export function setU64(dv: DataView, offset: number, v: number): void {
  dv.setUint32(offset, v >>> 0, true);
  dv.setUint32(offset + 4, (v / TWO_32) >>> 0, true);
}

export function getU64(dv: DataView, offset: number): number {
  return dv.getUint32(offset, true) + dv.getUint32(offset + 4, true) * TWO_32;
}

export class Ring {
  readonly sab: SharedArrayBuffer;
  /** The growable event-description area (abi/ring.ts, memory). */
  readonly metaSab: SharedArrayBuffer;
  readonly u8: Uint8Array;
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

  protected constructor(sab: SharedArrayBuffer, metaSab: SharedArrayBuffer) {
    this.sab = sab;
    this.metaSab = metaSab;
    this.u8 = new Uint8Array(sab);
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
  }

  get streamId(): number {
    return this.ctl[W.STREAM_ID] as number;
  }

  slotStart(packet: number): number {
    return this.dataOffset + (packet % this.subBuffers) * this.subBufferSize;
  }

  /**
   * Closes the open packet and publishes it (abi/ring.ts, reader protocol). A
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

  get state(): number {
    return Atomics.load(this.ctl, W.STATE);
  }

  set state(value: number) {
    Atomics.store(this.ctl, W.STATE, value);
    this.wake();
  }
}
