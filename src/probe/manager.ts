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
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import {
  type Coordinator,
  getCoordinator,
  type Reply,
  type SerializedError,
  type ThreadInfo,
} from '../threads/coordinator.js';
import { resolveProbeFile } from './import-file.js';
import type { ThreadModuleInfo } from './local-module.js';
import {
  installProbeHandlers,
  type LoadArgs,
  type PrepareReply,
  ProbeOp,
  type ReportReply,
  type StateReply,
} from './thread-handlers.js';
import { isTypeScriptPath, transpileProbeModule } from './transpile.js';

export type ProbeThreads = 'main' | 'all';

export interface LoadOptions {
  /** `main`: the main thread only. `all` (default): every application thread, later ones included. */
  readonly threads?: ProbeThreads;
}

/** A thread where the module failed (a thread started later whose load failed). */
export interface ThreadModuleError {
  readonly thread: ThreadInfo;
  readonly error: SerializedError;
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
  readonly error?: SerializedError;
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

function failures(replies: readonly Reply[]): ThreadModuleError[] {
  const out: ThreadModuleError[] = [];
  for (const reply of replies)
    if (!reply.ok) out.push({ thread: reply.thread, error: reply.error });
  return out;
}

export class ProbeModuleManager {
  readonly #coordinator: Coordinator;
  readonly #timeoutMs: number;
  readonly #cwd: string;
  readonly #modules = new Map<string, Managed>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ManagerOptions = {}) {
    this.#coordinator = getCoordinator();
    // The manager's own thread answers too, unless it is internal.
    installProbeHandlers();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#cwd = options.cwd ?? process.cwd();
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(operation, operation);
    this.#queue = next.catch(() => {});
    return next;
  }

  /**
   * Loads a probe module into the main thread or every application thread.
   * All or nothing: on failure nothing of it stays connected or listed in any
   * thread, and the error carries the first failing thread's code.
   *
   * @throws MarkersError ERR_PROBE_MODULE_*, ERR_INVALID_PATTERN,
   *   ERR_INVALID_FORMAT, ERR_FORMAT_MISMATCH, ERR_THREAD_TIMEOUT, ERR_THREAD_EXITED
   */
  load(path: string, options: LoadOptions = {}): Promise<ProbeModuleInfo> {
    return this.#serial(() => this.#load(path, options.threads ?? 'all'));
  }

  async #load(path: string, scope: ProbeThreads): Promise<ProbeModuleInfo> {
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
    const timeoutMs = this.#timeoutMs;

    const prepared = await this.#coordinator.request(ProbeOp.PREPARE, args, {
      threads: targets,
      timeoutMs,
    });
    await this.#failIfAny(prepared.replies, targets, loadId, file);
    const name = (prepared.replies[0] as Reply & { ok: true }).result as PrepareReply;
    if (this.#modules.has(name.name)) {
      await this.#abort(targets, loadId);
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
    await this.#failIfAny(committed.replies, targets, loadId, file);

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
    this.#record(managed, committed.replies);
    if (scope === 'all') {
      // Threads that joined since the prepare get the whole load now; the ones
      // that have it answer with their state.
      const adopted = await this.#coordinator.request(ProbeOp.LOAD, args, {
        sticky: true,
        timeoutMs,
        onLateReply: (reply) => this.#record(managed, [reply]),
      });
      managed.stickyId = adopted.stickyId;
      const failed = failures(adopted.replies);
      if (failed.length > 0) {
        this.#coordinator.release(adopted.stickyId as number);
        const all = adopted.replies.map((r) => r.thread.id);
        await this.#abort([...new Set([...targets, ...all])], loadId);
        throw this.#loadError(failed, file);
      }
      this.#record(managed, adopted.replies);
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
  ): Promise<void> {
    const failed = failures(replies);
    if (failed.length === 0) return;
    await this.#abort(targets, loadId);
    throw this.#loadError(failed, file);
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
  async #abort(threads: readonly number[], loadId: string): Promise<void> {
    await this.#coordinator.request(
      ProbeOp.ABORT,
      { loadId },
      {
        threads,
        timeoutMs: this.#timeoutMs,
      },
    );
  }

  #record(managed: Managed, replies: readonly Reply[]): void {
    for (const reply of replies) {
      if (!reply.ok) {
        managed.threads.delete(reply.thread.id);
        managed.errors.set(reply.thread.id, { thread: reply.thread, error: reply.error });
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
   * @throws MarkersError ERR_PROBE_MODULE_NOT_LOADED, ERR_PROBE_MODULE_CLEANUP,
   *   ERR_THREAD_TIMEOUT (disconnect and cleanup stay queued in that thread)
   */
  unload(name: string): Promise<void> {
    return this.#serial(() => this.#unload(name));
  }

  async #unload(name: string): Promise<void> {
    const managed = this.#find(name);
    if (managed.stickyId !== undefined) this.#coordinator.release(managed.stickyId);
    this.#modules.delete(name);
    // Every thread, not only those known to have it: one may be joining right now.
    const timeoutMs = this.#timeoutMs;
    const disconnected = await this.#coordinator.request(
      ProbeOp.DISCONNECT,
      { loadId: managed.loadId },
      { timeoutMs },
    );
    /* every thread replied from its event loop: no call of the module is in flight anywhere */
    const cleaned = await this.#coordinator.request(
      ProbeOp.CLEANUP,
      { loadId: managed.loadId },
      { timeoutMs },
    );
    const failed = [...failures(disconnected.replies), ...failures(cleaned.replies)].filter(
      (f) => f.error.code !== ErrorCode.THREAD_EXITED,
    );
    const [first] = failed;
    if (first !== undefined) {
      throw new MarkersError(
        first.error.code,
        `unloading probe module "${name}": ${first.error.message} [thread ${first.thread.name}, id ${first.thread.id}]; it is unloaded in every other thread${
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
    return this.#serial(async () => {
      for (const managed of this.#modules.values()) {
        const { replies } = await this.#coordinator.request(
          ProbeOp.STATUS,
          { loadId: managed.loadId },
          { timeoutMs: this.#timeoutMs },
        );
        this.#record(
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
