/**
 * Probe modules across every thread of the process: what `markers load`,
 * `unload`, `probes` and `report` drive. Runs in any thread, the control
 * server's internal worker included; the module's code itself only ever runs
 * in application threads.
 *
 * Load is two-phase, so that it is all or nothing across threads:
 *   1. prepare in every target thread: import, validate, check formats, reserve
 *      the name. No hook of the module has run anywhere yet.
 *   2. commit in every target thread: init(ctx), connect.
 * A failure in either phase aborts the load id in every target thread (a
 * committed thread is unloaded: disconnect, then cleanup), and load rejects
 * with the first failure's code. With `threads: 'all'`, a sticky probe:load
 * then reaches threads that start later, until unload releases it.
 *
 * Unload is the kernel's synchronize_sched() across threads: release the
 * sticky command, disconnect in every thread, and only once every thread has
 * replied (each from its own event loop, its in-flight async calls drained)
 * run cleanup(ctx) in each thread, once.
 *
 * Operations are serialised: one load or unload at a time.
 */
import { randomUUID } from 'node:crypto';
import {
  type LoadArgs,
  type PrepareReply,
  ProbeOp,
  type ReportReply,
  type StateReply,
  type ThreadModuleInfo,
} from '../abi/thread-ops.js';
import type { WireError } from '../abi/wire-error.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { SerialQueue } from '../serial/serial-queue.js';
import {
  type Coordinator,
  getCoordinator,
  type Reply,
  type ThreadInfo,
} from '../threads/coordinator.js';
import { resolveProbeFile } from './import-file.js';
import { installProbeHandlers } from './thread-handlers.js';
import { isTypeScriptPath, transpileProbeModule } from './transpile.js';

export type ProbeThreads = 'main' | 'all';

export interface LoadOptions {
  /** `main`: the main thread only. `all` (default): every application thread, later ones included. */
  readonly threads?: ProbeThreads;
  /** How long each thread may take to answer; default the manager's timeoutMs. */
  readonly timeoutMs?: number;
}

export interface UnloadOptions {
  /**
   * How long each thread may take to disconnect (calls in flight included)
   * and then to clean up; default the manager's timeoutMs.
   */
  readonly timeoutMs?: number;
}

/** A thread where the module failed (a thread started later whose load failed). */
export interface ThreadModuleError {
  readonly thread: ThreadInfo;
  readonly error: WireError;
}

export interface ProbeModuleInfo {
  readonly name: string;
  readonly path: string;
  /** What load was asked for. */
  readonly scope: ProbeThreads;
  /** ISO time of the load. */
  readonly loadedAt: string;
  /** Per thread: connected markers, skipped ones and probe errors, as of the last refresh. */
  readonly threads: readonly ThreadModuleInfo[];
  /** Threads started later where loading failed; they run none of the module. */
  readonly errors: readonly ThreadModuleError[];
}

export interface ThreadReport {
  readonly thread: ThreadInfo;
  /** What report() returned in that thread (null without a report function). */
  readonly report: unknown;
  /** Set instead when report() failed there. */
  readonly error?: WireError;
}

export interface ManagerOptions {
  /** How long each thread may take to answer one command; default 10 s. */
  readonly timeoutMs?: number;
  /** Resolve relative paths from here; default process.cwd() of the manager's thread. */
  readonly cwd?: string;
}

interface Managed {
  readonly name: string;
  readonly path: string;
  readonly scope: ProbeThreads;
  readonly loadId: string;
  readonly loadedAt: string;
  readonly threads: Map<number, ThreadModuleInfo>;
  readonly errors: Map<number, ThreadModuleError>;
  stickyId: number | undefined;
}

const MAIN_THREAD_ID = 0;

/**
 * What a thread waits in-thread during unload is the timeout; the reply may
 * take this much longer to come back, so that a thread's own coded answer
 * (ERR_PROBE_MODULE_TIMEOUT) wins over the coordinator's ERR_THREAD_TIMEOUT.
 */
function replyTimeout(timeoutMs: number): number {
  return timeoutMs + Math.min(timeoutMs, 1000);
}

function failures(replies: readonly Reply[]): ThreadModuleError[] {
  const out: ThreadModuleError[] = [];
  for (const reply of replies)
    if (!reply.ok) out.push({ thread: reply.thread, error: reply.error });
  return out;
}

/**
 * The failures that fail a load. A thread that exited during it is no
 * reason: it runs nothing any more, and the threads that remain have the
 * module (workers come and go in a live process).
 */
function loadFailures(replies: readonly Reply[]): ThreadModuleError[] {
  return failures(replies).filter((f) => f.error.code !== ErrorCode.THREAD_EXITED);
}

function validTimeout(timeoutMs: number | undefined, fallback: number): number {
  if (timeoutMs === undefined) return fallback;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`,
      { timeoutMs: String(timeoutMs) },
    );
  }
  return timeoutMs;
}

export class ProbeModuleManager {
  readonly #coordinator: Coordinator;
  readonly #timeoutMs: number;
  readonly #cwd: string;
  readonly #modules = new Map<string, Managed>();
  /** One load, unload or inspect at a time. */
  readonly #serial = new SerialQueue();

  constructor(options: ManagerOptions = {}) {
    this.#coordinator = getCoordinator();
    // The manager's own thread answers too, unless it is internal.
    installProbeHandlers();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#cwd = options.cwd ?? process.cwd();
  }

  /**
   * Loads a probe module into the main thread or every application thread.
   * All or nothing: on failure nothing of it stays connected or listed in any
   * thread, and the error carries the first failing thread's code.
   *
   * A thread that exits during the load is left out; it fails nothing.
   *
   * @throws MarkersError ERR_PROBE_MODULE_*, ERR_INVALID_PATTERN,
   *   ERR_INVALID_FORMAT, ERR_FORMAT_MISMATCH, ERR_THREAD_TIMEOUT, ERR_THREAD_EXITED
   *   (every target thread exited)
   */
  load(path: string, options: LoadOptions = {}): Promise<ProbeModuleInfo> {
    return this.#serial.run(() =>
      this.#load(path, options.threads ?? 'all', validTimeout(options.timeoutMs, this.#timeoutMs)),
    );
  }

  async #load(path: string, scope: ProbeThreads, timeoutMs: number): Promise<ProbeModuleInfo> {
    if (scope !== 'main' && scope !== 'all') {
      throw new MarkersError(
        ErrorCode.INVALID_ARGUMENT,
        `threads must be "main" or "all", got ${JSON.stringify(scope)}`,
        { threads: String(scope) },
      );
    }
    const file = await resolveProbeFile(path, this.#cwd);
    // Transpile once here rather than in every thread.
    const source = isTypeScriptPath(file) ? await transpileProbeModule(file) : undefined;
    const loadId = randomUUID();
    const args: LoadArgs = { loadId, path: file, source };
    const targets = this.#targets(scope, file);

    const prepared = await this.#coordinator.request(ProbeOp.PREPARE, args, {
      threads: targets,
      timeoutMs,
    });
    await this.#failIfAny(prepared.replies, targets, loadId, file, timeoutMs);
    const preparedIn = prepared.replies.find((r) => r.ok);
    if (preparedIn === undefined) throw this.#loadError(failures(prepared.replies), file);
    const name = preparedIn.result as PrepareReply;
    if (this.#modules.has(name.name)) {
      await this.#abort(targets, loadId, timeoutMs);
      const loaded = this.#modules.get(name.name) as Managed;
      throw new MarkersError(
        ErrorCode.PROBE_MODULE_LOADED,
        `a probe module named "${name.name}" is already loaded (from ${loaded.path}); unload it first`,
        { module: name.name, file, loaded: loaded.path },
      );
    }

    const committed = await this.#coordinator.request(
      ProbeOp.COMMIT,
      { loadId },
      {
        threads: targets,
        timeoutMs,
      },
    );
    await this.#failIfAny(committed.replies, targets, loadId, file, timeoutMs);

    const managed: Managed = {
      name: name.name,
      path: file,
      scope,
      loadId,
      loadedAt: new Date().toISOString(),
      threads: new Map(),
      errors: new Map(),
      stickyId: undefined,
    };
    this.#applyReplies(managed, committed.replies);
    if (scope === 'all') {
      // Threads that joined since the prepare get the whole load now; the ones
      // that have it answer with their state.
      const adopted = await this.#coordinator.request(ProbeOp.LOAD, args, {
        sticky: true,
        timeoutMs,
        onLateReply: (reply) => this.#applyReplies(managed, [reply]),
      });
      managed.stickyId = adopted.stickyId;
      const failed = loadFailures(adopted.replies);
      if (failed.length > 0) {
        this.#coordinator.release(adopted.stickyId as number);
        const all = adopted.replies.map((r) => r.thread.id);
        await this.#abort([...new Set([...targets, ...all])], loadId, timeoutMs);
        throw this.#loadError(failed, file);
      }
      this.#applyReplies(managed, adopted.replies);
    }
    this.#modules.set(managed.name, managed);
    return this.#info(managed);
  }

  #targets(scope: ProbeThreads, file: string): number[] {
    const threads = this.#coordinator.threads();
    if (scope === 'main') {
      if (!threads.some((t) => t.id === MAIN_THREAD_ID)) {
        throw new MarkersError(
          ErrorCode.INVALID_ARGUMENT,
          `cannot load probe module ${file} into the main thread: it has not imported markers`,
          { file },
        );
      }
      return [MAIN_THREAD_ID];
    }
    if (threads.length === 0) {
      throw new MarkersError(
        ErrorCode.INVALID_ARGUMENT,
        `cannot load probe module ${file}: no application thread has imported markers`,
        { file },
      );
    }
    return threads.map((t) => t.id);
  }

  async #failIfAny(
    replies: readonly Reply[],
    targets: readonly number[],
    loadId: string,
    file: string,
    timeoutMs: number,
  ): Promise<void> {
    const failed = loadFailures(replies);
    // Every target exited: nothing has the module, and nothing can be asked its name.
    if (failed.length === 0 && replies.some((r) => r.ok)) return;
    await this.#abort(targets, loadId, timeoutMs);
    throw this.#loadError(failed.length > 0 ? failed : failures(replies), file);
  }

  #loadError(failed: readonly ThreadModuleError[], file: string): MarkersError {
    const [first] = failed as [ThreadModuleError];
    const others = failed.length > 1 ? ` (and ${failed.length - 1} more thread(s))` : '';
    return new MarkersError(
      first.error.code,
      `${first.error.message} [thread ${first.thread.name}, id ${first.thread.id}${others}]; the load was undone in every thread`,
      {
        file,
        thread: first.thread.id,
        failures: failed.map((f) => ({ thread: f.thread.id, ...f.error })),
      },
    );
  }

  // A thread that timed out still gets the abort queued behind the load,
  // and runs it when its event loop turns.
  async #abort(threads: readonly number[], loadId: string, timeoutMs: number): Promise<void> {
    await this.#coordinator.request(
      ProbeOp.ABORT,
      { loadId },
      {
        threads,
        timeoutMs,
      },
    );
  }

  /** Applies threads' answers to the module's per-thread state: loaded, gone, or failed. */
  #applyReplies(managed: Managed, replies: readonly Reply[]): void {
    for (const reply of replies) {
      if (!reply.ok) {
        managed.threads.delete(reply.thread.id);
        // A thread that is gone has no module and no error to show.
        if (reply.error.code === ErrorCode.THREAD_EXITED) managed.errors.delete(reply.thread.id);
        else managed.errors.set(reply.thread.id, { thread: reply.thread, error: reply.error });
        continue;
      }
      const state = reply.result as StateReply;
      if (state.loaded) {
        managed.threads.set(reply.thread.id, state.info);
        managed.errors.delete(reply.thread.id);
      } else {
        managed.threads.delete(reply.thread.id);
      }
    }
  }

  #info(managed: Managed): ProbeModuleInfo {
    const byId = <T extends { thread: ThreadInfo }>(map: Map<number, T>): T[] =>
      [...map.values()].sort((a, b) => a.thread.id - b.thread.id);
    return {
      name: managed.name,
      path: managed.path,
      scope: managed.scope,
      loadedAt: managed.loadedAt,
      threads: byId(managed.threads),
      errors: byId(managed.errors),
    };
  }

  #find(name: string): Managed {
    const managed = this.#modules.get(name);
    if (managed === undefined) {
      const loaded = [...this.#modules.keys()];
      throw new MarkersError(
        ErrorCode.PROBE_MODULE_NOT_LOADED,
        `no probe module named "${name}" is loaded${loaded.length > 0 ? ` (loaded: ${loaded.join(', ')})` : ''}`,
        { module: name },
      );
    }
    return managed;
  }

  /**
   * Unloads a module from every thread: disconnect everywhere, wait for every
   * thread to be quiescent, then cleanup(ctx) once per thread. The module is
   * forgotten even when a thread fails; the error then says which.
   *
   * Each thread gets `timeoutMs` to see its calls in flight settle, then as
   * long for cleanup: calls still in flight are orphaned (they never run
   * again, cleanup does not wait for them) and a cleanup that never settles
   * is left behind; either is ERR_PROBE_MODULE_TIMEOUT, and the name is free
   * in that thread all the same.
   *
   * @throws MarkersError ERR_PROBE_MODULE_NOT_LOADED, ERR_PROBE_MODULE_CLEANUP,
   *   ERR_PROBE_MODULE_TIMEOUT, ERR_THREAD_TIMEOUT (a blocked thread: disconnect
   *   and cleanup stay queued there)
   */
  unload(name: string, options: UnloadOptions = {}): Promise<void> {
    return this.#serial.run(() =>
      this.#unload(name, validTimeout(options.timeoutMs, this.#timeoutMs)),
    );
  }

  async #unload(name: string, timeoutMs: number): Promise<void> {
    const managed = this.#find(name);
    if (managed.stickyId !== undefined) this.#coordinator.release(managed.stickyId);
    this.#modules.delete(name);
    // Every thread, not only those known to have it: one may be joining right now.
    const wait = { timeoutMs: replyTimeout(timeoutMs) };
    const disconnected = await this.#coordinator.request(
      ProbeOp.DISCONNECT,
      { loadId: managed.loadId, waitMs: timeoutMs },
      wait,
    );
    /* every thread replied from its event loop: no call of the module is in flight anywhere,
       except those a thread reported orphaned */
    const cleaned = await this.#coordinator.request(
      ProbeOp.CLEANUP,
      { loadId: managed.loadId, waitMs: timeoutMs },
      wait,
    );
    const failed = [...failures(disconnected.replies), ...failures(cleaned.replies)].filter(
      (f) => f.error.code !== ErrorCode.THREAD_EXITED,
    );
    const [first] = failed;
    if (first !== undefined) {
      const threads = [...new Set(failed.map((f) => `${f.thread.name} (id ${f.thread.id})`))];
      throw new MarkersError(
        first.error.code,
        `unloading probe module "${name}": ${first.error.message} [thread${threads.length > 1 ? 's' : ''} ${threads.join(', ')}]; it is unloaded in every other thread${
          first.error.code === ErrorCode.THREAD_TIMEOUT
            ? ', and its disconnect and cleanup run in that thread when its event loop turns'
            : ''
        }`,
        {
          module: name,
          file: managed.path,
          failures: failed.map((f) => ({ thread: f.thread.id, ...f.error })),
        },
      );
    }
  }

  /** The loaded modules, as of their load and the last inspect(). */
  list(): ProbeModuleInfo[] {
    return [...this.#modules.values()].map((m) => this.#info(m));
  }

  /** Like list(), with every thread asked now for its markers, skipped ones and error counts. */
  inspect(): Promise<ProbeModuleInfo[]> {
    return this.#serial.run(async () => {
      for (const managed of this.#modules.values()) {
        const { replies } = await this.#coordinator.request(
          ProbeOp.STATUS,
          { loadId: managed.loadId },
          { timeoutMs: this.#timeoutMs },
        );
        this.#applyReplies(
          managed,
          replies.filter((r) => r.ok || managed.threads.has(r.thread.id)),
        );
      }
      return this.list();
    });
  }

  /**
   * The module's report() in every thread that has it, as plain data.
   *
   * @throws MarkersError ERR_PROBE_MODULE_NOT_LOADED
   */
  async report(name: string): Promise<ThreadReport[]> {
    const managed = this.#find(name);
    const { replies } = await this.#coordinator.request(
      ProbeOp.REPORT,
      { loadId: managed.loadId },
      { threads: [...managed.threads.keys()], timeoutMs: this.#timeoutMs },
    );
    const out: ThreadReport[] = [];
    for (const reply of replies) {
      if (!reply.ok) {
        out.push({ thread: reply.thread, report: null, error: reply.error });
        continue;
      }
      const result = reply.result as ReportReply;
      if (result.loaded) out.push({ thread: reply.thread, report: result.report });
    }
    return out;
  }
}
