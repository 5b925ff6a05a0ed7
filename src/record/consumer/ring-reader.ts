/**
 * The consumer's side of a ring (record/ring.ts): a view of a ring another
 * thread created, reading what its producer published (abi/ring.ts, reader
 * protocol), and handing the memory back when the trace is finished.
 */

import { checkRingHeader, W } from '../../abi/ring.js';
import { PacketContext } from '../../abi/trace-layout.js';
import { getU64, Ring } from '../ring.js';

export class RingReader extends Ring {
  /** A view of a ring created by another thread; throws ERR_REGISTRY_VERSION for another layout. */
  static attach(sab: SharedArrayBuffer, metaSab: SharedArrayBuffer): RingReader {
    const ring = new RingReader(sab, metaSab);
    checkRingHeader(ring.ctl);
    return ring;
  }

  /**
   * Event descriptions published from byte `from` on, and where the next
   * read starts. Incremental, so that thousands of markers declared one by
   * one cost linear time.
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

  /**
   * This consumer will never read the ring again: its producer's thread may
   * reuse the memory (producer/ring-pool.ts).
   */
  release(): void {
    Atomics.store(this.ctl, W.RELEASED, 1);
  }
}
