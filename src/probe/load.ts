/**
 * loadProbeModule: a probe module in this thread only, from inside the
 * process. For every thread of the process, and for the CLI, see manager.ts.
 */
import { randomUUID } from 'node:crypto';
import type { ProbeEntryInfo } from '../abi/thread-ops.js';
import { resolveProbeFile } from './import-file.js';
import { prepareModule } from './local-module.js';

/** A probe module loaded into this thread. */
export interface LoadedProbeModule {
  readonly name: string;
  /** The absolute path it was loaded from. */
  readonly path: string;
  /** Its probes now: connected markers, skipped ones, errors, calls in flight. */
  readonly probes: readonly ProbeEntryInfo[];
  /**
   * Disconnects every probe, waits until none has a call in flight, then
   * awaits cleanup(ctx), once. Idempotent.
   *
   * @throws MarkersError ERR_PROBE_MODULE_CLEANUP (the module is unloaded all the same)
   */
  unload(): Promise<void>;
  /**
   * What the module's report() returns, as JSON-safe data; null without one.
   *
   * @throws MarkersError ERR_PROBE_MODULE_REPORT
   */
  report(): Promise<unknown>;
}

/**
 * Imports a probe module (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts`), validates it,
 * runs its init(ctx) and connects its probes, in this thread. All or
 * nothing: when it throws, nothing of the module is connected or loaded.
 * Relative paths are resolved from the current directory.
 *
 * @throws MarkersError ERR_PROBE_MODULE_NOT_FOUND, ERR_PROBE_MODULE_SYNTAX,
 *   ERR_PROBE_MODULE_IMPORT, ERR_PROBE_MODULE_SHAPE, ERR_PROBE_MODULE_INIT,
 *   ERR_PROBE_MODULE_LOADED, ERR_PROBE_MODULE_TRANSPILER, ERR_INVALID_PATTERN,
 *   ERR_INVALID_FORMAT, ERR_FORMAT_MISMATCH, ERR_ALREADY_CONNECTED
 */
export async function loadProbeModule(path: string): Promise<LoadedProbeModule> {
  const file = await resolveProbeFile(path);
  const module = await prepareModule(file, randomUUID());
  await module.activate();
  return {
    name: module.name,
    path: module.path,
    get probes() {
      return module.info().probes;
    },
    unload: () => module.unload(),
    report: () => module.report(),
  };
}
