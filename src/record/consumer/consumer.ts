/**
 * The consumer of one recording: the side that starts it in every thread,
 * reads the rings and delivers their packets to a sink. It runs in any
 * thread (an application thread, the consumer worker of record(), the
 * control server's worker). This file is its lifecycle; each of its other
 * jobs has a file: waking (wake.ts), draining (drain.ts), delivering to the
 * sink (delivery.ts), snapshots (snapshot.ts), counters (stats.ts), the
 * crash dump (crash.ts), each thread's stream (stream.ts), and turning rings
 * into a trace (assemble.ts).
 *
 * start() sends a sticky START to every application thread through the
 * coordinator, so threads started later join too; each thread creates its
 * ring and replies with its SharedArrayBuffer. From then on the consumer
 * never needs the application threads' event loops to read their events:
 *   discard mode:   it sleeps on each ring and drains each packet the thread
 *                   publishes into the sink, handing each slot back once the
 *                   sink returned; no timer;
 *   overwrite mode: nothing is read until snapshot() or stop(), which copy
 *                   the newest packets. The main thread is told which rings
 *                   to write out if the process dies (crash.ts).
 * stop() detaches the recorders everywhere (closing their open packets),
 * closes the open packet of threads that exited without doing so, drains
 * everything, and finishes the sink with the trace description.
 *
 * Process exit (exitDrain): the main thread's exit waits until this consumer
 * has drained its rings, finished the sink and run atExit (the control
 * server sends the final counters there), then stores EXIT_DONE. The wake-up
 * of the main thread's ring turning EXITED tells it; nothing here may ask the
 * application threads anything then, since the main thread is blocked.
 *
 * Latency: a thread closes its open packet FLUSH_MS after opening it (next
 * event, or its flush timer) and wakes the consumer, so an event reaches the
 * sink within about FLUSH_MS at any rate.
 *
 * Names: the recording's id is `sessionId` on the wire (abi/thread-ops.ts),
 * which keeps its name (append-only); here it is `id`.
 */

import { randomUUID } from 'node:crypto';
import type { RecordingStats } from '../../abi/recording-stats.js';
import { RingState, W } from '../../abi/ring.js';
import {
  type CrashWatch,
  RecordOp,
  type ThreadStartArgs,
  type ThreadStartReply,
} from '../../abi/thread-ops.js';
import type { TraceDescription } from '../../abi/trace-description.js';
import { uuidBytes } from '../../abi/trace-layout.js';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';
import { getCoordinator, type Reply } from '../../threads/coordinator.js';
import type { PacketSink } from '../../trace/writer.js';
import { RECORDING_DEFAULTS, type RecordingOptions, resolveOptions } from '../options.js';
import { clockOriginMs } from '../producer/clock.js';
import { traceDescription } from './assemble.js';
import { requestCrashWatch } from './crash.js';
import { Delivery, type RecordingError } from './delivery.js';
import { DrainQueue, drainRest, exited, notDetached } from './drain.js';
import { RingReader } from './ring-reader.js';
import { writeSnapshot } from './snapshot.js';
import { recordingStats } from './stats.js';
import { StreamState } from './stream.js';
import { Waker } from './wake.js';

export type { PacketSink } from '../../trace/writer.js';

/** What the owner of a consumer wants at process exit (see the header). */
export interface ConsumerHooks {
  /**
   * Deliver every packet when the process exits; the main thread waits for
   * it. Only for a consumer running in another thread than the main one (the
   * consumer worker, the control server): the main thread is blocked then.
   */
  readonly exitDrain?: boolean;
  /** Called at process exit, after the sink finished, with the final counters. */
  readonly atExit?: (stats: RecordingStats) => void | Promise<void>;
}

export class RecordingConsumer {
  /** The recording's id (the wire's sessionId). */
  readonly id: string;
  readonly uuid: string;
  readonly mode: 'discard' | 'overwrite';
  readonly #args: ThreadStartArgs;
  readonly #streams = new Map<number, StreamState>();
  /** Threads that could not join, and storage errors (stats().errors). */
  readonly #errors: RecordingError[] = [];
  readonly #delivery: Delivery;
  readonly #drains: DrainQueue;
  readonly #waker: Waker;
  readonly #uuidBytes: Uint8Array;
  readonly #startedAt = performance.now();
  readonly #timeoutMs: number;
  readonly #crashDir: string | undefined;
  readonly #hooks: ConsumerHooks;
  #stickyId: number | undefined;
  #stopped: Promise<RecordingStats> | undefined;
  /** Events in the open packets of workers still running when the process exited. */
  #exitLost = 0;
  /** Set once stop() finished: the rings are released, so nothing reads them again. */
  #final: { stats: RecordingStats; trace: TraceDescription } | undefined;

  private constructor(
    args: ThreadStartArgs,
    sink: PacketSink,
    options: RecordingOptions,
    hooks: ConsumerHooks,
  ) {
    this.#hooks = hooks;
    this.id = args.sessionId;
    this.uuid = args.uuid;
    this.mode = args.mode;
    this.#args = args;
    this.#delivery = new Delivery(sink, this.#errors);
    this.#drains = new DrainQueue(this.#streams, this.#delivery);
    this.#waker = new Waker(
      () => this.#tick(),
      () => this.#stopped !== undefined,
    );
    this.#uuidBytes = uuidBytes(args.uuid);
    this.#timeoutMs = options.timeoutMs ?? RECORDING_DEFAULTS.timeoutMs;
    this.#crashDir = options.crashDir;
  }

  /** Starts recording in every application thread, and in those started later. */
  static async start(
    options: RecordingOptions,
    sink: PacketSink,
    hooks: ConsumerHooks = {},
  ): Promise<RecordingConsumer> {
    const resolved = resolveOptions(options);
    const args: ThreadStartArgs = {
      ...resolved,
      sessionId: randomUUID(),
      uuid: randomUUID(),
      originMs: clockOriginMs(),
      exitDrain: hooks.exitDrain === true,
    };
    const consumer = new RecordingConsumer(args, sink, options, hooks);
    // Before any packet, so the sink can write what readers need first.
    await sink.begin?.(consumer.describe());
    const { replies, stickyId } = await getCoordinator().request(RecordOp.START, args, {
      sticky: true,
      timeoutMs: consumer.#timeoutMs,
      onLateReply: (reply) => consumer.#join(reply),
    });
    consumer.#stickyId = stickyId;
    for (const reply of replies) consumer.#join(reply, false);
    // Awaited once: when start() resolves, a crash already writes the flight recorder.
    await consumer.#watchCrash();
    if (args.mode === 'discard' || args.exitDrain === true) {
      consumer.#waker.start([...consumer.#streams.values()].map((s) => s.ring));
    }
    return consumer;
  }

  #tick(): void {
    if (this.#hooks.exitDrain === true && this.#stopped === undefined) {
      // The main thread exiting is the process exiting (record/thread-handlers.ts).
      if (this.#streams.get(0)?.ring.state === RingState.EXITED) {
        this.#stopped = this.#finishAtExit();
        return;
      }
    }
    if (this.mode === 'discard') void this.#drains.schedule();
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
    const stream = new StreamState(
      RingReader.attach(result.sab, result.metaSab),
      result.threadName,
    );
    this.#streams.set(result.threadId, stream);
    // A thread that joins later gets its own sleeper (start() starts the first ones).
    this.#waker.add(stream.ring);
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
    await requestCrashWatch(watch, this.#timeoutMs);
  }

  /** Live counters, read from the shared buffers without disturbing the threads. */
  stats(): RecordingStats {
    if (this.#final !== undefined) return this.#final.stats;
    return recordingStats(
      this.mode,
      this.#startedAt,
      this.#streams.values(),
      this.#delivery.lost + this.#exitLost,
      this.#errors,
    );
  }

  /**
   * Writes what the buffers hold now into `sink` and finishes it; the
   * recording goes on (snapshot.ts).
   */
  async snapshot(sink: PacketSink): Promise<RecordingStats> {
    if (this.#stopped !== undefined) {
      throw new MarkersError(
        ErrorCode.RECORDING_STOPPED,
        `recording ${this.id} is stopped; a snapshot needs a running recording`,
        { session: this.id },
      );
    }
    await writeSnapshot(
      { id: this.id, uuid: this.#uuidBytes, timeoutMs: this.#timeoutMs },
      () => [...this.#streams.values()],
      this.#delivery,
      sink,
      (streams) => this.#trace(streams),
    );
    return this.stats();
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
    this.#waker.stop();
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
        ? requestCrashWatch({ sessionId: this.id, rings: [] }, this.#timeoutMs)
        : undefined;
    await this.#drains.settled();
    await this.#deliverRest(notDetached);
    await unwatched;
    const stats = this.stats();
    const streams = [...this.#streams.values()];
    this.#final = { stats, trace: this.#trace(streams) };
    // The end of this consumer's reads: each thread may reuse its ring (producer/ring-pool.ts).
    for (const stream of streams) stream.ring.release();
    return stats;
  }

  /**
   * The process is exiting (see the header): deliver everything without
   * asking any thread, finish the sink, let the owner send the final
   * counters, then release the main thread's exit (EXIT_DONE).
   */
  async #finishAtExit(): Promise<RecordingStats> {
    this.#waker.stop();
    if (this.#stickyId !== undefined) getCoordinator().release(this.#stickyId);
    try {
      await this.#drains.settled();
      for (const stream of this.#streams.values()) {
        const ring = stream.ring;
        // A worker still running may write into its open packet as we read:
        // it is not closed for it, and what it holds is counted as lost.
        if (ring.state === RingState.ACTIVE) this.#exitLost += ring.ctl[W.PKT_EVENTS] as number;
      }
      await this.#deliverRest(exited);
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
  async #deliverRest(mayClose: (ring: RingReader) => boolean): Promise<void> {
    const streams = [...this.#streams.values()];
    await drainRest(streams, this.#uuidBytes, this.#delivery, mayClose);
    await this.#delivery.finish(this.#trace(streams));
  }
}
