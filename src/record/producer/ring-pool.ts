/**
 * Ring buffers kept for reuse by this thread, so that recording after
 * recording does not allocate a new SharedArrayBuffer each time.
 *
 * Why: every recording gave every thread a fresh ring (4 MiB by default),
 * and each ended as garbage shared by several isolates: the producer's, the
 * consumer's, and every thread that merely saw the BroadcastChannel message
 * carrying it. Its memory is freed only once each of those isolates has
 * collected its copy, and glibc's malloc then keeps such large blocks in
 * its arenas (its mmap threshold rises after the first one is freed), where
 * the small allocations in between fragment them. In a process with a
 * worker, 1,000 record/stop cycles took RSS from 78 MB to 1.27 GB.
 *
 * The rule: a ring is reused only when both ends are done with it.
 *   - The producer: this thread stopped recording into it (retireRing, from
 *     the STOP handler). A thread that exits, or never got STOP, keeps none.
 *   - The consumer: it stored W.RELEASED = 1 after it finished the trace
 *     (RingReader.release, from RecordingConsumer.stop). A consumer that died without releasing
 *     (a killed worker) leaves the ring to the garbage collector.
 * At most KEEP rings are kept, the oldest dropped first, and all are dropped
 * after IDLE_MS without a recording, so a process that recorded once does
 * not hold buffer memory for good.
 */
import { W } from '../../abi/ring.js';
import { type RingOptions, RingWriter } from './ring-writer.js';

const KEEP = 4;
const IDLE_MS = 30_000;

const retired: SharedArrayBuffer[] = [];
let idle: ReturnType<typeof setTimeout> | undefined;

/** Rings this thread created and reused; read by the memory tests and the soak benchmark. */
export const ringPoolStats = { created: 0, reused: 0 };

/** A ring for a new recording: released memory of the right size if there is some. */
export function createRing(options: RingOptions): RingWriter {
  const bytes = RingWriter.byteLength(options);
  for (let i = retired.length - 1; i >= 0; i--) {
    const sab = retired[i] as SharedArrayBuffer;
    if (sab.byteLength !== bytes) continue;
    if (Atomics.load(new Int32Array(sab, 0, 32), W.RELEASED) !== 1) continue;
    retired.splice(i, 1);
    ringPoolStats.reused++;
    return RingWriter.create(options, sab);
  }
  ringPoolStats.created++;
  return RingWriter.create(options);
}

/** This thread will write no more into `ring`: keep it for reuse once its consumer releases it. */
export function retireRing(ring: RingWriter): void {
  retired.push(ring.sab);
  if (retired.length > KEEP) retired.shift();
  if (idle !== undefined) clearTimeout(idle);
  idle = setTimeout(() => {
    retired.length = 0;
    idle = undefined;
  }, IDLE_MS);
  idle.unref();
}
