/**
 * A recording: the consumer side. It runs in any thread (an application
 * thread, the consumer worker of record(), the control server's worker).
 *
 * start() sends a sticky START to every application thread through the
 * coordinator, so threads started later join too; each thread creates its
 * ring and replies with its SharedArrayBuffer. From then on the session
 * never needs the application threads' event loops to read their events:
 *   discard mode:   the session sleeps on each ring (Atomics.waitAsync on
 *                   W.WAKE) and drains each packet the thread publishes into
 *                   the sink, handing each slot back once the sink returned;
 *                   no timer (a DRAIN_MS poll only where waitAsync is missing);
 *   overwrite mode: nothing is read until snapshot() or stop(), which copy
 *                   the newest packets. The main thread is told which rings
 *                   to write out if the process dies (crash.ts).
 * stop() detaches the recorders everywhere (closing their open packets),
 * closes the open packet of threads that exited without doing so, drains
 * everything, and finishes the sink with the trace description.
 *
 * Process exit (exitDrain): the main thread's exit waits until this session
 * has drained its rings, finished the sink and run atExit (the control
 * server sends the final counters there), then stores EXIT_DONE. The wake-up
 * of the main thread's ring turning EXITED tells it; nothing here may ask the
 * application threads anything then, since the main thread is blocked.
 *
 * Latency: a thread closes its open packet FLUSH_MS after opening it (next
 * event, or its flush timer) and wakes the session, so an event reaches the
 * sink within about FLUSH_MS at any rate.
 */

import { randomUUID } from 'node:crypto';
import { F, RingState, W } from '../abi/ring.js';
import {
  type CrashWatch,
  RecordOp,
  type ThreadStartArgs,
  type ThreadStartReply,
} from '../abi/thread-ops.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { SerialQueue } from '../serial/serial-queue.js';
import { getCoordinator, type Reply } from '../threads/coordinator.js';
import type { TraceDescription } from '../trace/metadata.js';
import type { PacketSink } from '../trace/writer.js';
import {
  copyStream,
  packetDiscarded,
  StreamState,
  traceDescription,
  trailerPacket,
} from './assemble.js';
import { clockOriginMs } from './clock.js';
import { Ring } from './ring-buffer.js';
import { releaseRing } from './ring-pool.js';
import { unionPattern, uuidBytes } from './thread-recorder.js';
import { MIN_STRING_BYTES } from './utf8.js';

export type { PacketSink } from '../trace/writer.js';

export interface RecordingOptions {
  /** Marker names or globs (`http:*`). */
  readonly markers: string | readonly string[];
  /** `discard` (default): a full buffer drops new events. `overwrite`: a flight recorder keeping the newest. */
  readonly mode?: 'discard' | 'overwrite';
  /** Bytes of ring buffer per thread (default 4 MiB). */
  readonly bufferSize?: number;
  /** Bytes per sub-buffer, i.e. per CTF packet (default 64 KiB). */
  readonly subBufferSize?: number;
  /** Longest string field, in UTF-8 bytes, before truncation (default 1024). */
  readonly maxStringBytes?: number;
  /** Close a packet this long after it opened, for live consumers (default 50 in discard mode, 0 = never in overwrite mode). */
  readonly flushMs?: number;
  /** Overwrite mode: where the buffers are written if the process dies of an uncaught exception. */
  readonly crashDir?: string;
  /** How long to wait for each thread to answer (default 5000 ms). */
  readonly timeoutMs?: number;
}

export const RECORDING_DEFAULTS = {
  bufferSize: 4 * 1024 * 1024,
  subBufferSize: 64 * 1024,
  maxStringBytes: 1024,
  flushMs: 50,
  timeoutMs: 5000,
} as const;

const DRAIN_MS = 20;
/** Longest sleep on a ring's WAKE word (see #sleepOn). */
const SLEEP_BOUND_MS = 1000;

/** ES2024's Atomics.waitAsync (Node >= 16, Bun, Deno), typed here since the project's lib is ES2023. */
interface AtomicsWaitAsync {
  waitAsync?(
    array: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}
const META_BYTES = 64 * 1024;
const MIN_SUB_BUFFER = 4096;
const MAX_SUB_BUFFERS = 4096;

/** What the owner of a session wants at process exit (see the header). */
export interface SessionHooks {
  /**
   * Deliver every packet when the process exits; the main thread waits for
   * it. Only for a session running in another thread than the main one (the
   * consumer worker, the control server): the main thread is blocked then.
   */
  readonly exitDrain?: boolean;
  /** Called at process exit, after the sink finished, with the final counters. */
  readonly atExit?: (stats: RecordingStats) => void | Promise<void>;
}

export interface ThreadRecordingStats {
  readonly threadId: number;
  readonly threadName: string;
  /** Events written into the buffer (those in closed packets plus the open one). */
  readonly recorded: number;
  /** Events dropped: buffer full (discard mode) or larger than a sub-buffer. */
  readonly discarded: number;
  /** Of those, events larger than a sub-buffer. */
  readonly tooLarge: number;
  /** Events overwritten by newer ones (overwrite mode). */
  readonly overwritten: number;
  /** Markers that matched but got no event id; their events are in `discarded`. */
  readonly skippedMarkers: number;
  /** Events of those markers (included in `discarded`). */
  readonly skippedEvents: number;
  /** String fields cut to maxStringBytes. */
  readonly truncated: number;
  /** Field values of the wrong run-time type, recorded with the documented coercion. */
  readonly coerced: number;
  /** Bytes of closed packets. */
  readonly bytes: number;
  /** Packets closed. */
  readonly packets: number;
  /** Fraction of the buffer holding packets not yet consumed (discard) or filled (overwrite). */
  readonly bufferUse: number;
  readonly state: 'active' | 'detached' | 'exited';
}

export interface RecordingStats {
  readonly mode: 'discard' | 'overwrite';
  readonly elapsedMs: number;
  readonly threads: readonly ThreadRecordingStats[];
  readonly recorded: number;
  readonly discarded: number;
  readonly overwritten: number;
  /**
   * Events the sink could not store (write errors), plus, at process exit,
   * events in the open packet of a worker still running (it was not closed).
   */
  readonly lost: number;
  /** Markers that matched but got no event id (their events are in `discarded`). */
  readonly skippedMarkers: number;
  readonly bytes: number;
  readonly packets: number;
  /** Threads that could not join, and storage errors. */
  readonly errors: readonly { readonly code: string; readonly message: string }[];
}

function invalid(message: string, details: Record<string, unknown>): MarkersError {
  return new MarkersError(ErrorCode.INVALID_ARGUMENT, message, details);
}

function positiveInt(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`recording option ${name} must be an integer >= ${min}, got ${String(value)}`, {
      option: name,
    });
  }
  return value;
}

/** Validates options into what every thread receives. Throws ERR_INVALID_ARGUMENT / ERR_INVALID_PATTERN. */
export function resolveOptions(
  options: RecordingOptions,
): Omit<ThreadStartArgs, 'sessionId' | 'uuid' | 'originMs'> {
  if (typeof options !== 'object' || options === null) {
    throw invalid('recording options must be an object', {});
  }
  const patterns = typeof options.markers === 'string' ? [options.markers] : options.markers;
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw invalid('recording option markers must be a pattern or a non-empty list of patterns', {
      option: 'markers',
    });
  }
  unionPattern(patterns);
  const mode = options.mode ?? 'discard';
  if (mode !== 'discard' && mode !== 'overwrite') {
    throw invalid(`recording option mode must be "discard" or "overwrite", got ${String(mode)}`, {
      option: 'mode',
    });
  }
  const subBufferSize = positiveInt(
    options.subBufferSize,
    'subBufferSize',
    RECORDING_DEFAULTS.subBufferSize,
    MIN_SUB_BUFFER,
  );
  const bufferSize = positiveInt(
    options.bufferSize,
    'bufferSize',
    Math.max(RECORDING_DEFAULTS.bufferSize, 2 * subBufferSize),
    2 * subBufferSize,
  );
  const subBuffers = Math.floor(bufferSize / subBufferSize);
  if (subBuffers > MAX_SUB_BUFFERS) {
    throw invalid(
      `recording option bufferSize ${bufferSize} makes ${subBuffers} sub-buffers of ${subBufferSize} bytes; at most ${MAX_SUB_BUFFERS}`,
      { option: 'bufferSize' },
    );
  }
  const maxStringBytes = Math.min(
    positiveInt(
      options.maxStringBytes,
      'maxStringBytes',
      RECORDING_DEFAULTS.maxStringBytes,
      MIN_STRING_BYTES,
    ),
    // A string must leave room for the event around it in one packet.
    Math.floor(subBufferSize / 4),
  );
  const flushMs = positiveInt(
    options.flushMs,
    'flushMs',
    mode === 'discard' ? RECORDING_DEFAULTS.flushMs : 0,
    0,
  );
  return {
    patterns: [...patterns],
    mode,
    subBufferSize,
    subBuffers,
    flushMs,
    maxStringBytes,
    metaBytes: META_BYTES,
  };
}

export class RecordingSession {
  readonly id: string;
  readonly uuid: string;
  readonly mode: 'discard' | 'overwrite';
  readonly #args: ThreadStartArgs;
  readonly #sink: PacketSink;
  readonly #streams = new Map<number, StreamState>();
  readonly #errors: { code: string; message: string }[] = [];
  readonly #uuidBytes: Uint8Array;
  readonly #startedAt = performance.now();
  readonly #timeoutMs: number;
  readonly #crashDir: string | undefined;
  #stickyId: number | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The consumer sleeps on each ring's W.WAKE (Atomics.waitAsync) rather than polling. */
  #waking = false;
  /** Drains run one at a time: two would read one ring's packets twice. */
  readonly #drains = new SerialQueue();
  #stopped: Promise<RecordingStats> | undefined;
  #sinkLost = 0;
  /** Events in the open packets of workers still running when the process exited. */
  #exitLost = 0;
  readonly #hooks: SessionHooks;
  /** Set once stop() finished: the rings are released, so nothing reads them again. */
  #final: { stats: RecordingStats; trace: TraceDescription } | undefined;

  private constructor(
    args: ThreadStartArgs,
    sink: PacketSink,
    options: RecordingOptions,
    hooks: SessionHooks,
  ) {
    this.#hooks = hooks;
    this.id = args.sessionId;
    this.uuid = args.uuid;
    this.mode = args.mode;
    this.#args = args;
    this.#sink = sink;
    this.#uuidBytes = uuidBytes(args.uuid);
    this.#timeoutMs = options.timeoutMs ?? RECORDING_DEFAULTS.timeoutMs;
    this.#crashDir = options.crashDir;
  }

  /** Starts recording in every application thread, and in those started later. */
  static async start(
    options: RecordingOptions,
    sink: PacketSink,
    hooks: SessionHooks = {},
  ): Promise<RecordingSession> {
    const resolved = resolveOptions(options);
    const args: ThreadStartArgs = {
      ...resolved,
      sessionId: randomUUID(),
      uuid: randomUUID(),
      originMs: clockOriginMs(),
      exitDrain: hooks.exitDrain === true,
    };
    const session = new RecordingSession(args, sink, options, hooks);
    // Before any packet, so the sink can write what readers need first.
    await sink.begin?.(session.describe());
    const { replies, stickyId } = await getCoordinator().request(RecordOp.START, args, {
      sticky: true,
      timeoutMs: session.#timeoutMs,
      onLateReply: (reply) => session.#join(reply),
    });
    session.#stickyId = stickyId;
    for (const reply of replies) session.#join(reply, false);
    // Awaited once: when start() resolves, a crash already writes the flight recorder.
    await session.#watchCrash();
    if (args.mode === 'discard' || args.exitDrain === true) {
      if (typeof (Atomics as unknown as AtomicsWaitAsync).waitAsync === 'function') {
        session.#waking = true;
        for (const stream of session.#streams.values()) void session.#sleepOn(stream);
      } else {
        session.#timer = setInterval(() => session.#tick(), DRAIN_MS);
        session.#timer.unref();
      }
    }
    return session;
  }

  /**
   * The consumer's wake-ups without a timer: sleeps on the ring's W.WAKE and
   * runs #tick after each packet the thread publishes and each change of its
   * state (ring-buffer.ts, reader protocol). One loop per stream; it ends
   * with the session. A pending waitAsync keeps no event loop alive.
   */
  async #sleepOn(stream: StreamState): Promise<void> {
    const ctl = stream.ring.ctl;
    while (this.#stopped === undefined) {
      const seen = Atomics.load(ctl, W.WAKE);
      this.#tick();
      if (this.#stopped !== undefined) return;
      // Bounded: a producer from an older copy of markers never bumps WAKE (abi/ring.ts).
      const wait = (Atomics as unknown as Required<AtomicsWaitAsync>).waitAsync(
        ctl,
        W.WAKE,
        seen,
        SLEEP_BOUND_MS,
      );
      if (wait.async) await wait.value;
    }
  }

  /** Ends the #sleepOn loops (before the rings are released and maybe reused). */
  #stopSleeping(): void {
    if (!this.#waking) return;
    this.#waking = false;
    for (const stream of this.#streams.values()) {
      Atomics.notify(stream.ring.ctl, W.WAKE);
    }
  }

  #tick(): void {
    if (this.#hooks.exitDrain === true && this.#stopped === undefined) {
      // The main thread exiting is the process exiting (thread-handlers.ts).
      if (this.#streams.get(0)?.ring.state === RingState.EXITED) {
        this.#stopped = this.#finishAtExit();
        return;
      }
    }
    if (this.mode === 'discard') void this.#scheduleDrain();
  }

  #join(reply: Reply, watch = true): void {
    if (this.#stopped !== undefined) return;
    if (!reply.ok) {
      this.#errors.push({
        code: reply.error.code,
        message: `thread ${reply.thread.name} (id ${reply.thread.id}) is not recorded: ${reply.error.message}`,
      });
      return;
    }
    const result = reply.result as ThreadStartReply;
    if (this.#streams.has(result.threadId)) return;
    const stream = new StreamState(Ring.attach(result.sab, result.metaSab), result.threadName);
    this.#streams.set(result.threadId, stream);
    // A thread that joins later gets its own sleeper (start() starts the first ones).
    if (this.#waking) void this.#sleepOn(stream);
    if (watch) void this.#watchCrash();
  }

  // Overwrite mode: the main thread keeps the current list of rings, to write
  // them out if the process dies (crash.ts). Sent again whenever a thread joins.
  async #watchCrash(): Promise<void> {
    if (this.mode !== 'overwrite') return;
    const watch: CrashWatch = {
      sessionId: this.id,
      uuid: this.uuid,
      originMs: this.#args.originMs,
      dir: this.#crashDir,
      rings: [...this.#streams.values()].map((s) => ({
        sab: s.ring.sab,
        metaSab: s.ring.metaSab,
        threadName: s.threadName,
      })),
    };
    await getCoordinator().request(RecordOp.CRASH_WATCH, watch, {
      threads: [0],
      timeoutMs: this.#timeoutMs,
    });
  }

  /** Live counters, read from the shared buffers without disturbing the threads. */
  stats(): RecordingStats {
    if (this.#final !== undefined) return this.#final.stats;
    const threads = [...this.#streams.values()].map((s) => threadStats(s));
    const sum = (key: 'recorded' | 'discarded' | 'overwritten' | 'bytes' | 'packets'): number =>
      threads.reduce((total, t) => total + t[key], 0);
    return {
      mode: this.mode,
      elapsedMs: performance.now() - this.#startedAt,
      threads,
      recorded: sum('recorded'),
      discarded: sum('discarded'),
      overwritten: sum('overwritten'),
      lost: this.#sinkLost + this.#exitLost + (this.#sink.lostEvents ?? 0),
      skippedMarkers: threads.reduce((total, t) => total + t.skippedMarkers, 0),
      bytes: sum('bytes'),
      packets: sum('packets'),
      errors: [...this.#errors],
    };
  }

  #scheduleDrain(): Promise<void> {
    return this.#drains.run(() => this.#drainAll());
  }

  async #drainAll(): Promise<void> {
    for (const stream of this.#streams.values()) await this.#drain(stream);
  }

  // Drains until the ring is empty, re-reading PRODUCED after each batch: a
  // producer filling packets faster than the timer ticks keeps the consumer
  // going (throughput is the sink's, not bufferSize / DRAIN_MS).
  async #drain(stream: StreamState): Promise<void> {
    const ring = stream.ring;
    let consumed = Atomics.load(ring.ctl, W.CONSUMED);
    for (;;) {
      const produced = Atomics.load(ring.ctl, W.PRODUCED);
      if (consumed === produced) return;
      const description = stream.description;
      for (; consumed < produced; consumed++) {
        const bytes = ring.packetBytes(consumed);
        const events = ring.packetEvents(consumed);
        stream.deliveredDiscarded = packetDiscarded(bytes);
        await this.#deliver(description, bytes, events);
        Atomics.store(ring.ctl, W.CONSUMED, consumed + 1);
        // A main thread exiting waits on CONSUMED for its last packets (thread-handlers.ts).
        Atomics.notify(ring.ctl, W.CONSUMED);
      }
    }
  }

  #deliver(
    description: StreamState['description'],
    bytes: Uint8Array,
    events: number,
  ): Promise<void> {
    return this.#deliverTo(this.#sink, description, bytes, events);
  }

  /**
   * Writes what the buffers hold now into `sink`, newest events included
   * (each thread closes its open packet first), and finishes it. The
   * recording goes on. Meant for overwrite mode; in discard mode it holds
   * the packets not drained yet.
   */
  async snapshot(sink: PacketSink): Promise<RecordingStats> {
    if (this.#stopped !== undefined) {
      throw new MarkersError(
        ErrorCode.RECORDING_STOPPED,
        `recording ${this.id} is stopped; a snapshot needs a running recording`,
        { session: this.id },
      );
    }
    await getCoordinator().request(
      RecordOp.FLUSH,
      { sessionId: this.id },
      { timeoutMs: this.#timeoutMs },
    );
    const streams = [...this.#streams.values()];
    for (const stream of streams) {
      if (stream.ring.state === RingState.EXITED) stream.ring.close();
      const description = stream.description;
      if (description.events.length === 0) continue;
      for (const packet of copyStream(stream, this.#uuidBytes).packets) {
        await this.#deliverTo(sink, description, packet.bytes, packet.events);
      }
    }
    await sink.finish(this.#trace(streams));
    return this.stats();
  }

  async #deliverTo(
    sink: PacketSink,
    description: StreamState['description'],
    bytes: Uint8Array,
    events: number,
  ): Promise<void> {
    try {
      await sink.packet(description, bytes, { events });
    } catch (error) {
      // A sink that throws loses this packet, not the recording.
      if (sink === this.#sink) this.#sinkLost += events;
      this.#errors.push({
        code: (error as { code?: string }).code ?? ErrorCode.TRACE_WRITE,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * The trace as it stands now (uuid, clock offset, env, the streams seen so
   * far). A remote consumer keeps it so it can still finish a valid trace if
   * the recording process dies before stop().
   */
  describe(): TraceDescription {
    if (this.#final !== undefined) return this.#final.trace;
    return this.#trace([...this.#streams.values()]);
  }

  #trace(streams: readonly StreamState[]): TraceDescription {
    return traceDescription(this.uuid, this.#args.originMs, streams);
  }

  /** Detaches everywhere, writes everything out, finishes the sink. Idempotent. */
  stop(): Promise<RecordingStats> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<RecordingStats> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#stopSleeping();
    if (this.#stickyId !== undefined) getCoordinator().release(this.#stickyId);
    const { replies } = await getCoordinator().request(
      RecordOp.STOP,
      { sessionId: this.id },
      { timeoutMs: this.#timeoutMs },
    );
    for (const reply of replies) {
      if (!reply.ok && reply.error.code !== ErrorCode.THREAD_EXITED) {
        this.#errors.push({ code: reply.error.code, message: reply.error.message });
      }
    }
    // Awaited before the rings are released (below): a crash must never
    // write out a ring that a later recording reuses.
    const unwatched =
      this.mode === 'overwrite'
        ? getCoordinator().request(
            RecordOp.CRASH_WATCH,
            { sessionId: this.id, rings: [] },
            { threads: [0], timeoutMs: this.#timeoutMs },
          )
        : undefined;
    await this.#drains.settled();
    await this.#deliverRest((ring) => ring.state !== RingState.DETACHED);
    await unwatched;
    const stats = this.stats();
    const streams = [...this.#streams.values()];
    this.#final = { stats, trace: this.#trace(streams) };
    // The end of this session's reads: each thread may reuse its ring (ring-pool.ts).
    for (const stream of streams) releaseRing(stream.ring);
    return stats;
  }

  /**
   * The process is exiting (see the header): deliver everything without
   * asking any thread, finish the sink, let the owner send the final
   * counters, then release the main thread's exit (EXIT_DONE).
   */
  async #finishAtExit(): Promise<RecordingStats> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#stopSleeping();
    if (this.#stickyId !== undefined) getCoordinator().release(this.#stickyId);
    try {
      await this.#drains.settled();
      for (const stream of this.#streams.values()) {
        const ring = stream.ring;
        // A worker still running may write into its open packet as we read:
        // it is not closed for it, and what it holds is counted as lost.
        if (ring.state === RingState.ACTIVE) this.#exitLost += ring.ctl[W.PKT_EVENTS] as number;
      }
      await this.#deliverRest((ring) => ring.state === RingState.EXITED);
      const stats = this.stats();
      try {
        await this.#hooks.atExit?.(stats);
      } catch {
        // The process is exiting; there is nobody left to tell.
      }
      return stats;
    } finally {
      for (const stream of this.#streams.values()) {
        Atomics.store(stream.ring.ctl, W.EXIT_DONE, 1);
        Atomics.notify(stream.ring.ctl, W.EXIT_DONE);
      }
    }
  }

  /** Delivers what every ring still holds, the trailers, and finishes the sink. */
  async #deliverRest(mayClose: (ring: Ring) => boolean): Promise<void> {
    const streams = [...this.#streams.values()];
    for (const stream of streams) {
      // A thread that exited, or did not answer, cannot close its last packet: do it for it.
      if (mayClose(stream.ring)) stream.ring.close();
      const description = stream.description;
      if (description.events.length === 0) continue;
      if (this.mode === 'discard') {
        await this.#drain(stream);
      } else {
        const copy = copyStream(stream, this.#uuidBytes);
        stream.lostOffset = copy.lostOffset;
        for (const packet of copy.packets) {
          stream.deliveredDiscarded = packet.discarded;
          await this.#deliver(description, packet.bytes, packet.events);
        }
      }
      const trailer = trailerPacket(stream, this.#uuidBytes);
      if (trailer !== undefined) await this.#deliver(description, trailer, 0);
    }
    try {
      await this.#sink.finish(this.#trace(streams));
    } catch (error) {
      this.#errors.push({
        code: (error as { code?: string }).code ?? ErrorCode.TRACE_WRITE,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    if (this.#sink.error !== undefined) {
      const { code, message } = this.#sink.error;
      if (!this.#errors.some((e) => e.message === message)) this.#errors.push({ code, message });
    }
  }
}

function threadStats(stream: StreamState): ThreadRecordingStats {
  const ring = stream.ring;
  const ctl = ring.ctl;
  const f64 = ring.f64;
  const produced = Atomics.load(ctl, W.PRODUCED);
  const held = ring.overwrite
    ? Math.min(produced, ring.subBuffers)
    : produced - Atomics.load(ctl, W.CONSUMED);
  const state = ring.state;
  return {
    threadId: ring.streamId,
    threadName: stream.threadName,
    recorded: (f64[F.RECORDED] as number) + (ctl[W.PKT_EVENTS] as number),
    discarded: f64[F.DISCARDED] as number,
    tooLarge: f64[F.TOO_LARGE] as number,
    overwritten: f64[F.OVERWRITTEN] as number,
    skippedMarkers: f64[F.SKIPPED_MARKERS] as number,
    skippedEvents: f64[F.SKIPPED_EVENTS] as number,
    truncated: f64[F.TRUNCATED] as number,
    coerced: f64[F.COERCED] as number,
    bytes: f64[F.BYTES] as number,
    packets: produced,
    bufferUse: held / ring.subBuffers,
    state:
      state === RingState.ACTIVE ? 'active' : state === RingState.DETACHED ? 'detached' : 'exited',
  };
}
