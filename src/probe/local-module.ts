/**
 * One probe module in one thread, through its lifecycle:
 *
 *   prepared     imported and validated, formats checked, name reserved; nothing ran
 *   -> active    init(ctx) awaited, then every probe connected
 *   -> disconnected   every probe removed and no call of one in flight (async included)
 *   -> cleaned   cleanup(ctx) awaited, exactly once; the name is free again
 *
 * A failure on the way up undoes what was done: before init nothing is to
 * undo; after init (a probe that cannot connect) the probes already connected
 * are disconnected and cleanup runs, since init may have acquired something.
 * An init that fails gets no cleanup, as with the kernel's init_module.
 *
 * Every thread that imports markers keeps its modules in one table on
 * globalThis, shared by every copy of the package in the thread, so a name is
 * unique per thread whoever loaded it (loadProbeModule or the manager).
 */
import { Globals, sharedGlobal } from '../abi/globals.js';
import type { ProbeEntryInfo, ThreadModuleInfo } from '../abi/thread-ops.js';
import { ErrorCode, isMarkersError, MarkersError } from '../errors/markers-error.js';
import { getRegistry } from '../registry/global.js';
import { getNodeRegistry } from '../registry/node-registry.js';
import { compilePattern } from '../registry/pattern.js';
import { connectProbe, type Probe } from '../registry/probe.js';
import { getCoordinator, type ThreadInfo } from '../threads/coordinator.js';
import { importProbeFile, isInProbeFile } from './import-file.js';
import { type ProbeContext, type ValidatedModule, validateProbeModule } from './module-shape.js';
import { toPlainData } from './plain-data.js';

const State = {
  PREPARED: 'prepared',
  ACTIVE: 'active',
  DISCONNECTED: 'disconnected',
  CLEANED: 'cleaned',
} as const;
type State = (typeof State)[keyof typeof State];

interface Table {
  readonly version: number;
  /** Modules of this thread by load id, prepared ones included (they hold their name). */
  readonly modules: Map<string, LocalModule>;
  /** Load ids aborted or unloaded: a command for one that arrives late is refused. */
  readonly dead: Set<string>;
}

/**
 * How many finished load ids a thread remembers. They only serve to refuse
 * a command that arrives after its load was aborted or unloaded, which comes
 * within a few event-loop turns, so the oldest are forgotten: an unbounded
 * set grew by one id per load, for good.
 */
const DEAD_KEEP = 1024;

/** A Set that forgets its oldest entries past `limit`. */
class RecentSet<T> extends Set<T> {
  readonly #limit: number;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override add(value: T): this {
    super.add(value);
    if (this.size > this.#limit) this.delete(this.values().next().value as T);
    return this;
  }
}

export function threadTable(): Table {
  return sharedGlobal(Globals.PROBE_MODULES, () => ({
    version: Globals.PROBE_MODULES.version,
    modules: new Map(),
    dead: new RecentSet<string>(DEAD_KEEP),
  }));
}

export function currentThread(): ThreadInfo {
  return getCoordinator().self;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class LocalModule {
  readonly loadId: string;
  readonly name: string;
  readonly path: string;
  readonly #spec: ValidatedModule;
  readonly #ctx: ProbeContext;
  readonly #handles: Probe[] = [];
  #state: State = State.PREPARED;
  #disconnected: Promise<void> | undefined;
  #cleaned: Promise<void> | undefined;
  /** Calls in flight outlived an unload's timeout: cleanup no longer waits for them. */
  #orphaned = false;

  constructor(loadId: string, spec: ValidatedModule) {
    this.loadId = loadId;
    this.name = spec.name;
    this.path = spec.path;
    this.#spec = spec;
    this.#ctx = Object.freeze({ name: spec.name, path: spec.path, thread: currentThread() });
  }

  get state(): State {
    return this.#state;
  }

  /** prepared -> active. On failure the module is dropped from the table, all undone. */
  async activate(): Promise<void> {
    const table = threadTable();
    const { module } = this.#spec;
    try {
      this.checkFormats();
      if (module.init !== undefined) {
        try {
          await module.init(this.#ctx);
        } catch (error) {
          throw new MarkersError(
            ErrorCode.PROBE_MODULE_INIT,
            `init() of probe module "${this.name}" (${this.path}) failed in thread ${this.#ctx.thread.name}: ${describe(error)}; nothing was connected`,
            { module: this.name, file: this.path, thread: this.#ctx.thread.id },
            { cause: error },
          );
        }
      }
    } catch (error) {
      this.#drop();
      forgetMarkersOf(this.path, this.loadId);
      throw error;
    }
    try {
      if (table.dead.has(this.loadId)) {
        throw new MarkersError(
          ErrorCode.PROBE_MODULE_NOT_LOADED,
          `probe module "${this.name}" (${this.path}) was unloaded while its init() ran`,
          { module: this.name, file: this.path },
        );
      }
      // Markers may have been declared while init ran: check again, then
      // connect in the same synchronous run so none can slip in between.
      this.checkFormats();
      const registry = getRegistry();
      for (const probe of this.#spec.probes) {
        const options =
          probe.format === undefined
            ? { name: `${this.name}:${probe.pattern}` }
            : { name: `${this.name}:${probe.pattern}`, format: probe.format };
        try {
          this.#handles.push(connectProbe(registry, probe.pattern, probe.fn, options));
        } catch (error) {
          throw this.#named(error);
        }
      }
      this.#state = State.ACTIVE;
    } catch (error) {
      await this.disconnect();
      await this.cleanup().catch(() => {});
      forgetMarkersOf(this.path, this.loadId);
      throw error;
    }
  }

  /** A registry error, said of this module and file, with its code kept. */
  #named(error: unknown): unknown {
    if (!isMarkersError(error)) return error;
    return new MarkersError(
      error.code,
      `probe module "${this.name}" (${this.path}): ${error.message}`,
      { ...error.details, module: this.name, file: this.path, thread: this.#ctx.thread.id },
      { cause: error },
    );
  }

  /** A matching marker with another format than a probe's explicit one refuses the load. */
  checkFormats(): void {
    const markers = getRegistry().list();
    for (const probe of this.#spec.probes) {
      if (probe.format === undefined) continue;
      const matcher = compilePattern(probe.pattern);
      const other = markers.find((m) => matcher.matches(m.name) && m.format !== probe.format);
      if (other !== undefined) {
        throw new MarkersError(
          ErrorCode.FORMAT_MISMATCH,
          `probe module "${this.name}" (${this.path}): probe "${probe.pattern}" expects format "${probe.format}", but marker "${other.name}" was declared at ${other.locations[0]} with format "${other.format}" (thread ${this.#ctx.thread.name})`,
          {
            module: this.name,
            file: this.path,
            pattern: probe.pattern,
            marker: other.name,
            format: probe.format,
            expected: other.format,
            declared: other.locations[0],
            thread: this.#ctx.thread.id,
          },
        );
      }
    }
  }

  /**
   * Removes every probe, then resolves once none has a call in flight in this
   * thread. Idempotent. After it, no probe of this module runs in this thread.
   */
  disconnect(): Promise<void> {
    if (this.#disconnected === undefined) {
      threadTable().dead.add(this.loadId);
      if (this.#state !== State.CLEANED) this.#state = State.DISCONNECTED;
      this.#disconnected = Promise.all(this.#handles.map((h) => h.disconnect())).then(() => {});
    }
    return this.#disconnected;
  }

  /**
   * disconnect(), waiting at most `waitMs` for the calls in flight. Resolves
   * with how many are still in flight then (0: quiescent). Those are
   * orphaned: nothing waits for them any more, cleanup() included. Either
   * way no probe of this module starts again in this thread.
   */
  async disconnectWithin(waitMs: number): Promise<number> {
    const drained = this.disconnect();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), waitMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return 0;
    this.#orphaned = true;
    return this.#handles.reduce((sum, handle) => sum + handle.inflight, 0);
  }

  /**
   * Forgets the module in this thread without waiting for its cleanup (one
   * that never settles): its name is free for the next load. Its probes must
   * be disconnected already.
   */
  forget(): void {
    this.#state = State.CLEANED;
    this.#drop();
  }

  /**
   * Runs cleanup(ctx) once, after disconnect has resolved, and frees the name.
   * Every later call returns the first call's promise.
   *
   * @throws MarkersError ERR_PROBE_MODULE_CLEANUP (the module is unloaded all the same)
   */
  cleanup(): Promise<void> {
    if (this.#cleaned === undefined) {
      this.#cleaned = (async () => {
        if (!this.#orphaned) await this.disconnect();
        try {
          await this.#spec.module.cleanup?.(this.#ctx);
        } catch (error) {
          throw new MarkersError(
            ErrorCode.PROBE_MODULE_CLEANUP,
            `cleanup() of probe module "${this.name}" (${this.path}) failed in thread ${this.#ctx.thread.name}: ${describe(error)}; the module is unloaded all the same`,
            { module: this.name, file: this.path, thread: this.#ctx.thread.id },
            { cause: error },
          );
        } finally {
          this.#state = State.CLEANED;
          this.#drop();
        }
      })();
    }
    return this.#cleaned;
  }

  /** disconnect, then cleanup: the whole unload in this thread. */
  async unload(): Promise<void> {
    await this.disconnect();
    await this.cleanup();
  }

  /**
   * What report() returns, as JSON-safe data (null without a report function).
   *
   * @throws MarkersError ERR_PROBE_MODULE_REPORT
   */
  async report(): Promise<unknown> {
    const report = this.#spec.module.report;
    if (report === undefined) return null;
    let value: unknown;
    try {
      value = await report.call(this.#spec.module);
    } catch (error) {
      throw new MarkersError(
        ErrorCode.PROBE_MODULE_REPORT,
        `report() of probe module "${this.name}" (${this.path}) failed in thread ${this.#ctx.thread.name}: ${describe(error)}`,
        { module: this.name, file: this.path, thread: this.#ctx.thread.id },
        { cause: error },
      );
    }
    return toPlainData(value, this.name, this.path);
  }

  /** Probes of a module not yet active are listed as connected to nothing. */
  info(): ThreadModuleInfo {
    const probes: ProbeEntryInfo[] = this.#spec.probes.map((spec, i) => {
      const handle = this.#handles[i];
      return {
        pattern: spec.pattern,
        format: spec.format ?? null,
        markers: handle?.markers ?? [],
        skipped: handle?.skipped ?? [],
        errors: handle?.errors ?? 0,
        inflight: handle?.inflight ?? 0,
      };
    });
    return {
      thread: this.#ctx.thread,
      probes,
      errors: probes.reduce((sum, p) => sum + p.errors, 0),
    };
  }

  #drop(): void {
    const table = threadTable();
    table.dead.add(this.loadId);
    if (table.modules.get(this.loadId) === this) table.modules.delete(this.loadId);
  }
}

/**
 * A refused load leaves nothing behind: the markers its file declared in this
 * thread, and that nothing is connected to, are forgotten, unless another
 * load of the same file is alive here (it declared them too).
 */
export function forgetMarkersOf(file: string, loadId: string): void {
  const table = threadTable();
  for (const [id, module] of table.modules) {
    if (id !== loadId && module.path === file) return;
  }
  const registry = getNodeRegistry();
  // A registry made by an older copy of markers may not have forget().
  if (typeof registry.forget === 'function') {
    registry.forget((location) => isInProbeFile(file, location));
  }
}

/**
 * Imports and validates `file` in this thread and reserves its name: the
 * first step of a load, which runs none of the module's hooks.
 *
 * @throws MarkersError ERR_PROBE_MODULE_* (syntax, import, shape, loaded),
 *   ERR_INVALID_PATTERN, ERR_INVALID_FORMAT, ERR_FORMAT_MISMATCH
 */
export async function prepareModule(
  file: string,
  loadId: string,
  source?: string,
): Promise<LocalModule> {
  try {
    return await prepareOrThrow(file, loadId, source);
  } catch (error) {
    forgetMarkersOf(file, loadId);
    throw error;
  }
}

async function prepareOrThrow(
  file: string,
  loadId: string,
  source: string | undefined,
): Promise<LocalModule> {
  const namespace = await importProbeFile(file, { source });
  const spec = validateProbeModule(namespace, file);
  const table = threadTable();
  if (table.dead.has(loadId)) {
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_NOT_LOADED,
      `probe module "${spec.name}" (${file}) was aborted while it was being imported`,
      { module: spec.name, file },
    );
  }
  const existing = [...table.modules.values()].find((m) => m.name === spec.name);
  if (existing !== undefined) {
    throw new MarkersError(
      ErrorCode.PROBE_MODULE_LOADED,
      `a probe module named "${spec.name}" is already loaded in thread ${currentThread().name} (from ${existing.path}); unload it first`,
      { module: spec.name, file, loaded: existing.path },
    );
  }
  const module = new LocalModule(loadId, spec);
  table.modules.set(loadId, module);
  try {
    // Formats are checked here too, so a mismatch fails before any thread runs init.
    module.checkFormats();
  } catch (error) {
    table.modules.delete(loadId);
    throw error;
  }
  return module;
}
