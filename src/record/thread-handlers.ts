/**
 * The commands every application thread answers for recordings, registered
 * with the thread coordinator when markers is imported (src/index.ts imports
 * this module for its side effect):
 *
 *   markers:record:start  {ThreadStartArgs}  create this thread's ring and attach
 *                         the recorder; reply with the ring's SharedArrayBuffer
 *                         (sticky: threads started later run it too)
 *   markers:record:flush  {sessionId}        close the open packet (snapshot)
 *   markers:record:stop   {sessionId}        detach the recorder, close the open packet
 *   markers:record:crash-watch {CrashWatch}  (main thread) the rings to write out if
 *                         this process dies of an uncaught exception
 *
 * Ownership: this module owns the ThreadRecorders of its thread. The ring
 * memory is shared with the session (the consumer), which holds it until the
 * recording's trace is finished, even after this thread exits.
 */
import { getRegistry } from '../registry/global.js';
import { getCoordinator } from '../threads/coordinator.js';
import { type CrashWatch, watchCrash } from './crash.js';
import { RingState } from './ring-buffer.js';
import { ThreadRecorder, type ThreadStartArgs } from './thread-recorder.js';

export const RecordOp = {
  START: 'markers:record:start',
  FLUSH: 'markers:record:flush',
  STOP: 'markers:record:stop',
  CRASH_WATCH: 'markers:record:crash-watch',
} as const;

/** What a thread replies to START. */
export interface ThreadStartReply {
  readonly sab: SharedArrayBuffer;
  readonly threadId: number;
  readonly threadName: string;
}

const HANDLERS_KEY = Symbol.for('markers.record.handlers');
const IDLE_TICK_MS = 20;

const recorders = new Map<string, ThreadRecorder>();
let idleTimer: ReturnType<typeof setInterval> | undefined;

// An open packet whose deadline passed is closed by the next event, or by
// this timer when no event comes: a live consumer sees every event within
// flushMs + IDLE_TICK_MS while the thread's event loop turns.
function idleTick(): void {
  for (const recorder of recorders.values()) {
    if (recorder.args.flushMs > 0) recorder.ring.closeIfDue(recorder.ring.now());
  }
}

function updateIdleTimer(): void {
  const needed = [...recorders.values()].some((r) => r.args.flushMs > 0);
  if (needed && idleTimer === undefined) {
    idleTimer = setInterval(idleTick, IDLE_TICK_MS);
    idleTimer.unref();
  } else if (!needed && idleTimer !== undefined) {
    clearInterval(idleTimer);
    idleTimer = undefined;
  }
}

function start(args: ThreadStartArgs, threadName: string): ThreadStartReply {
  let recorder = recorders.get(args.sessionId);
  if (recorder === undefined) {
    recorder = new ThreadRecorder(args);
    recorders.set(args.sessionId, recorder);
    getRegistry().subscribe(recorder);
    updateIdleTimer();
  }
  return { sab: recorder.ring.sab, threadId: recorder.ring.streamId, threadName };
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
  recorders.delete(sessionId);
  updateIdleTimer();
  return true;
}

/** Publishes every open packet of this thread; it will write no more. */
function onExit(): void {
  for (const recorder of recorders.values()) {
    try {
      recorder.ring.close();
      recorder.ring.state = RingState.EXITED;
    } catch {
      // Exiting: nothing left to report to.
    }
  }
}

/** Registers the handlers once per thread, whichever copy of markers loads first. */
export function installRecordHandlers(): void {
  const holder = globalThis as { [HANDLERS_KEY]?: boolean };
  if (holder[HANDLERS_KEY] === true) return;
  Object.defineProperty(globalThis, HANDLERS_KEY, { value: true });
  const coordinator = getCoordinator();
  const name = coordinator.self.name;
  coordinator.handle(RecordOp.START, (args) => start(args as ThreadStartArgs, name));
  coordinator.handle(RecordOp.FLUSH, (args) => flush((args as { sessionId: string }).sessionId));
  coordinator.handle(RecordOp.STOP, (args) => stop((args as { sessionId: string }).sessionId));
  coordinator.handle(RecordOp.CRASH_WATCH, (args) => watchCrash(args as CrashWatch));
  process.once('exit', onExit);
}

/** Closes the open packets of this thread's recorders (crash path: synchronous). */
export function flushThisThread(): void {
  for (const recorder of recorders.values()) recorder.ring.close();
}
