/**
 * aggregate(): counts and histograms in every thread, the in-process API of
 * the DESIGN's Aggregations section.
 *
 * The aggregation runs in each application thread (thread/handlers.ts),
 * reached through the coordinator with a sticky command, so threads started
 * later aggregate too. read() asks every thread for its snapshot and merges
 * them here. A thread that has exited cannot answer: the last snapshot it
 * gave is kept, so what it counted up to then is never lost from a result
 * (the events between that read and its exit are).
 *
 * Importing this module does nothing; the work starts with aggregate().
 */
import { randomUUID } from 'node:crypto';
import type {
  AggregateOptions,
  AggregateSpec,
  PartSnapshot,
  SkippedMarker,
} from '../abi/aggregate.js';
import { AggregateOp, type AggregateStartReply as StartReply } from '../abi/thread-ops.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { getCoordinator, type Reply, type ThreadInfo } from '../threads/coordinator.js';
import { mergeParts } from './snapshot/merge.js';
import { type AggregateResult, summarize } from './snapshot/summarize.js';
import { resolveSpec } from './spec.js';

/** What read() and stop() resolve to, in mergeable form (see abi/aggregate.ts). */
export interface AggregateSnapshot {
  readonly time: number;
  readonly spec: AggregateSpec;
  /** One merged part, or one per thread with perThread. */
  readonly parts: readonly PartSnapshot[];
}

export interface ThreadProblem {
  readonly thread: ThreadInfo;
  readonly code: string;
  readonly message: string;
}

export interface Aggregation {
  readonly id: string;
  readonly spec: AggregateSpec;
  /** Markers aggregated so far, in any thread (once started). */
  readonly markers: readonly string[];
  /** Threads that did not answer the start or the last read (blocked, exited). */
  readonly problems: readonly ThreadProblem[];
  /** The figures of every thread, merged (split per thread with perThread). */
  read(): Promise<AggregateResult>;
  /** The same as plain, mergeable data: cheap to poll and to send. */
  snapshot(): Promise<AggregateSnapshot>;
  /** Detaches everywhere and resolves with the final figures. Idempotent. */
  stop(): Promise<AggregateResult>;
}

export interface PendingAggregation extends Omit<Aggregation, 'spec'>, PromiseLike<Aggregation> {
  /** The checked options; from the root export, undefined until the aggregation code has loaded. */
  readonly spec: AggregateSpec | undefined;
  readonly ready: Promise<Aggregation>;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** The thread of the part that holds what exited threads counted (perThread results). */
const EXITED = { id: -1, name: 'exited threads' } as const;
/** Codes of a thread that could not answer: not a reason to fail the start. */
const ABSENT = new Set<string>([ErrorCode.THREAD_TIMEOUT, ErrorCode.THREAD_EXITED]);

function rebuild(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): MarkersError {
  return new MarkersError(code, message, details);
}

class ThreadedAggregation implements PendingAggregation {
  readonly id: string;
  readonly spec: AggregateSpec;
  readonly ready: Promise<Aggregation>;
  readonly #timeoutMs: number;
  readonly #markers = new Set<string>();
  readonly #skipped = new Map<string, SkippedMarker>();
  /** The last snapshot of each thread, kept for threads that stop answering. */
  readonly #last = new Map<number, PartSnapshot>();
  /** What threads that have exited had counted, merged. */
  #retired: PartSnapshot | null = null;
  #problems: ThreadProblem[] = [];
  #stickyId: number | undefined;
  #final: Promise<AggregateSnapshot> | undefined;

  constructor(spec: AggregateSpec, timeoutMs: number) {
    this.id = spec.id;
    this.spec = spec;
    this.#timeoutMs = timeoutMs;
    this.ready = this.#start();
    // Unobserved, a failed start must not crash the host as an unhandled rejection.
    this.ready.catch(() => {});
  }

  get markers(): readonly string[] {
    return [...this.#markers].sort();
  }

  get problems(): readonly ThreadProblem[] {
    return this.#problems;
  }

  #started(reply: Reply): void {
    if (!reply.ok) return;
    const result = reply.result as StartReply;
    if (!result.started) return;
    for (const m of result.markers) this.#markers.add(m);
    for (const s of result.skipped) this.#skipped.set(`${s.marker}\u0000${s.code}`, s);
  }

  async #start(): Promise<Aggregation> {
    const coordinator = getCoordinator();
    const { replies, stickyId } = await coordinator.request(
      AggregateOp.START,
      { spec: this.spec },
      { sticky: true, timeoutMs: this.#timeoutMs, onLateReply: (reply) => this.#started(reply) },
    );
    this.#stickyId = stickyId;
    const failed = replies.find((r) => !r.ok && !ABSENT.has(r.error.code));
    if (failed !== undefined && !failed.ok) {
      // All or nothing: detach from the threads that did start.
      await this.#detach();
      throw rebuild(failed.error.code, failed.error.message, {
        ...(failed.error.details ?? {}),
        thread: failed.thread.name,
      });
    }
    for (const reply of replies) this.#started(reply);
    this.#problems = replies.flatMap((r) =>
      r.ok ? [] : [{ thread: r.thread, code: r.error.code, message: r.error.message }],
    );
    // Not `this`: a promise resolved with a thenable would adopt it, forever.
    return view(this);
  }

  async #detach(): Promise<PartSnapshot[]> {
    const coordinator = getCoordinator();
    if (this.#stickyId !== undefined) coordinator.release(this.#stickyId);
    const { replies } = await coordinator.request(
      AggregateOp.STOP,
      { id: this.id },
      { timeoutMs: this.#timeoutMs },
    );
    return this.#collect(replies);
  }

  #collect(replies: readonly Reply[]): PartSnapshot[] {
    const problems: ThreadProblem[] = [];
    for (const reply of replies) {
      if (reply.ok) {
        const part = reply.result as PartSnapshot | null;
        if (part !== null) this.#last.set(reply.thread.id, part);
      } else {
        problems.push({
          thread: reply.thread,
          code: reply.error.code,
          message: reply.error.message,
        });
      }
    }
    this.#problems = problems;
    this.#retire();
    const parts = [...this.#last.values()];
    return this.#retired === null ? parts : [...parts, this.#retired];
  }

  /**
   * Threads that have exited answer no more: their last snapshots fold into
   * one part, so memory stays bounded however many workers come and go.
   */
  #retire(): void {
    const alive = new Set(
      getCoordinator()
        .threads()
        .map((t) => t.id),
    );
    const gone = [...this.#last.entries()].filter(([id]) => !alive.has(id));
    if (gone.length === 0) return;
    for (const [id] of gone) this.#last.delete(id);
    const parts = gone.map(([, part]) => part);
    if (this.#retired !== null) parts.push(this.#retired);
    this.#retired = { ...mergeParts(parts, this.spec.maxGroups), thread: EXITED };
  }

  #snapshotOf(parts: readonly PartSnapshot[]): AggregateSnapshot {
    const time = Date.now();
    if (this.spec.perThread) {
      return {
        time,
        spec: this.spec,
        parts: [...parts].sort((a, b) => (a.thread?.id ?? 0) - (b.thread?.id ?? 0)),
      };
    }
    return { time, spec: this.spec, parts: [mergeParts(parts, this.spec.maxGroups)] };
  }

  async snapshot(): Promise<AggregateSnapshot> {
    await this.ready;
    if (this.#final !== undefined) return this.#final;
    const { replies } = await getCoordinator().request(
      AggregateOp.READ,
      { id: this.id },
      { timeoutMs: this.#timeoutMs },
    );
    return this.#snapshotOf(this.#collect(replies));
  }

  async read(): Promise<AggregateResult> {
    return this.#result(await this.snapshot());
  }

  stop(): Promise<AggregateResult> {
    this.#final ??= (async () => {
      try {
        await this.ready;
      } catch {
        // A start that failed left nothing attached: nothing to stop.
        return this.#snapshotOf([]);
      }
      return this.#snapshotOf(await this.#detach());
    })();
    return this.#final.then((s) => this.#result(s));
  }

  #result(snapshot: AggregateSnapshot): AggregateResult {
    const result = summarize(this.spec, snapshot.parts, snapshot.time);
    // Markers and skips reported at start count even before any event.
    const markers = new Set([...result.markers, ...this.#markers]);
    const skipped = new Map(this.#skipped);
    for (const s of result.skipped) skipped.set(`${s.marker}\u0000${s.code}`, s);
    return { ...result, markers: [...markers].sort(), skipped: [...skipped.values()] };
  }

  // biome-ignore lint/suspicious/noThenProperty: a PromiseLike on purpose, so `await aggregate(...)` works
  then<T1 = Aggregation, T2 = never>(
    onFulfilled?: ((value: Aggregation) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.ready.then(onFulfilled, onRejected);
  }
}

/** The aggregation without then(), so awaiting it ends. */
function view(a: ThreadedAggregation): Aggregation {
  return {
    id: a.id,
    spec: a.spec,
    get markers() {
      return a.markers;
    },
    get problems() {
      return a.problems;
    },
    read: () => a.read(),
    snapshot: () => a.snapshot(),
    stop: () => a.stop(),
  };
}

/**
 * Starts an aggregation of the markers `options.markers` matches, in every
 * thread, and threads started later. Returns the aggregation at once; await
 * it to know every thread aggregates.
 *
 * @throws MarkersError ERR_INVALID_ARGUMENT, ERR_INVALID_PATTERN or
 *   ERR_WHERE_SYNTAX at once, for options that are wrong anywhere; through
 *   the promise, ERR_AGGREGATE_FIELD or ERR_WHERE_FIELD when a marker lacks
 *   a field or has one of another type (nothing is left attached).
 */
export function aggregate(
  options: AggregateOptions,
  internal: { readonly timeoutMs?: number; readonly id?: string } = {},
): PendingAggregation {
  const spec = resolveSpec(options, internal.id ?? randomUUID());
  return new ThreadedAggregation(spec, internal.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}
