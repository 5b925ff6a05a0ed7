/**
 * The commands every application thread answers for recordings, registered
 * with the thread coordinator by the thread services (threads/services.ts)
 * when the first command arrives:
 *
 *   record:start  {ThreadStartArgs}  create this thread's ring and attach
 *                 the recorder; reply with the ring's SharedArrayBuffer
 *                 (sticky: threads started later run it too)
 *   record:flush  {sessionId}        close the open packet (snapshot)
 *   record:stop   {sessionId}        detach the recorder, close the open packet
 *   record:crash-watch {CrashWatch}  (main thread) the rings to write out if
 *                 this process dies of an uncaught exception
 * (their types: abi/thread-ops.ts)
 *
 * Ownership: this module owns the ThreadRecorders of its thread. The ring
 * memory is shared with the recording's consumer, which holds it until the
 * recording's trace is finished, even after this thread exits.
 *
 * It sits above both roles: it runs the producer (producer/) of each
 * recording this thread takes part in, and, in the main thread, keeps the
 * crash dump's list of rings (consumer/crash.ts) for the consumers of
 * overwrite-mode recordings.
 */

import { isMainThread } from 'node:worker_threads';
import { Globals } from '../abi/globals.js';
import { F, RingState, W } from '../abi/ring.js';
import {
  type CrashWatch,
  RecordOp,
  type ThreadStartArgs,
  type ThreadStartReply,
} from '../abi/thread-ops.js';
import { getRegistry } from '../registry/global.js';
import { installOnce } from '../threads/install-once.js';
import { watchCrash } from './consumer/crash.js';
import { retireRing } from './producer/ring-pool.js';
import { ThreadRecorder } from './producer/thread-recorder.js';

const recorders = new Map<string, ThreadRecorder>();

// An open packet whose deadline passed is closed by the next event, or, when
// no event comes, by a one-shot timer armed when the packet opened (Ring.onOpen):
// a live consumer sees every event within about flushMs while the thread's
// event loop turns. While events keep coming they close packets themselves and
// the timer only re-arms, at most once per packet; a recording with no events
// holds no timer at all (it used to tick every 20 ms per thread).
function armFlushTimer(recorder: ThreadRecorder): void {
  const ring = recorder.ring;
  let armed = false;
  const check = (): void => {
    armed = false;
    if (!recorders.has(recorder.args.sessionId)) return;
    const now = ring.now();
    ring.closeIfDue(now);
    if (ring.ctl[W.END] !== 0) arm(Math.max(1, (ring.f64[F.FLUSH_AT] as number) - now) / 1e6);
  };
  const arm = (ms: number): void => {
    if (armed) return;
    armed = true;
    setTimeout(check, Math.ceil(ms)).unref();
  };
  ring.onOpen = () => arm(recorder.args.flushMs);
}

function start(args: ThreadStartArgs, threadName: string): ThreadStartReply {
  let recorder = recorders.get(args.sessionId);
  if (recorder === undefined) {
    recorder = new ThreadRecorder(args);
    recorders.set(args.sessionId, recorder);
    if (args.flushMs > 0) armFlushTimer(recorder);
    getRegistry().subscribe(recorder);
  }
  return {
    sab: recorder.ring.sab,
    metaSab: recorder.ring.metaSab,
    threadId: recorder.ring.streamId,
    threadName,
  };
}

function flush(sessionId: string): boolean {
  const recorder = recorders.get(sessionId);
  recorder?.ring.close();
  return recorder !== undefined;
}

function stop(sessionId: string): boolean {
  const recorder = recorders.get(sessionId);
  if (recorder === undefined) return false;
  getRegistry().unsubscribe(recorder);
  recorder.ring.close();
  recorder.ring.state = RingState.DETACHED;
  recorder.ring.onOpen = undefined;
  recorders.delete(sessionId);
  // Nothing in this thread writes to the ring any more (no fire is in
  // flight: this runs from the event loop); its consumer may still read it.
  retireRing(recorder.ring);
  return true;
}

/**
 * How long the main thread's exit may wait for consumers to deliver its last
 * packets. They wake when it publishes them; the rest is the time to send (or write)
 * what the buffers held, at most bufferSize per thread. A consumer that does
 * not finish in time (a CLI stopped with SIGSTOP, say) gets the rest cut:
 * its client then reports the losses as unknown, never as zero.
 */
const EXIT_DRAIN_MS = 5000;

/**
 * Publishes every open packet of this thread; it will write no more.
 *
 * When the main thread exits, the process goes with it, consumer worker and
 * control server included, once the exit handlers return. Packets published
 * now, and bytes still queued on a socket, would then never leave: the events
 * fired just before exit would be lost without a count. So the main thread
 * waits, bounded, until the consumer of every ring that asked for it
 * (EXIT_DRAIN) has drained it, sent or written everything including the
 * final counters and the trace description, flushed, and stored EXIT_DONE
 * (consumer/consumer.ts). The consumers run in their own threads, which keep running
 * during exit handlers. Rings of the flight recorder do not ask: nobody
 * reads them at exit (the crash path writes them on an uncaught exception).
 */
function onExit(): void {
  const pending = [];
  for (const recorder of recorders.values()) {
    try {
      const ring = recorder.ring;
      ring.close();
      ring.state = RingState.EXITED;
      Atomics.notify(ring.ctl, W.STATE);
      if (Atomics.load(ring.ctl, W.EXIT_DRAIN) === 1) pending.push(ring);
    } catch {
      // Exiting: nothing left to report to.
    }
  }
  if (!isMainThread) return;
  const deadline = Date.now() + EXIT_DRAIN_MS;
  for (const ring of pending) {
    for (;;) {
      const left = deadline - Date.now();
      if (Atomics.load(ring.ctl, W.EXIT_DONE) !== 0 || left <= 0) break;
      Atomics.wait(ring.ctl, W.EXIT_DONE, 0, left);
    }
  }
}

/** Registers the handlers once per thread, whichever copy of markers loads first. */
export function installRecordHandlers(): void {
  installOnce(Globals.RECORD_HANDLERS, (coordinator) => {
    const name = coordinator.self.name;
    coordinator.handle(RecordOp.START, (args) => start(args as ThreadStartArgs, name));
    coordinator.handle(RecordOp.FLUSH, (args) => flush((args as { sessionId: string }).sessionId));
    coordinator.handle(RecordOp.STOP, (args) => stop((args as { sessionId: string }).sessionId));
    coordinator.handle(RecordOp.CRASH_WATCH, (args) => watchCrash(args as CrashWatch));
    process.once('exit', onExit);
  });
}

/** Closes the open packets of this thread's recorders (crash path: synchronous). */
export function flushThisThread(): void {
  for (const recorder of recorders.values()) recorder.ring.close();
}
