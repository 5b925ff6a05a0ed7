/**
 * Every globalThis key markers uses, with its version: the state that every
 * copy of the package in one thread shares (pino's lib/symbols.js, for
 * threads instead of modules).
 *
 * A library may carry its own nested copy of markers. Whatever two copies in
 * one thread must agree on lives on globalThis under a key of the global
 * symbol registry, and the first copy to create it wins: later copies use
 * the first copy's objects, and so its code. A key's `version` says which
 * shape of object it holds; a copy that finds another version refuses to use
 * it, with one policy for every key (versionMismatch below): a MarkersError
 * ERR_REGISTRY_VERSION that names the key, both versions and both packages.
 *
 * Append-only: never rename a key, never reuse one for another shape, never
 * lower a version. Bump a key's version when its object changes in a way an
 * older copy cannot use; an older copy then refuses it (and the newer one
 * refuses the older's) instead of misbehaving.
 *
 * Where each key keeps its version: the keys made before this table (1.x)
 * stored it in different fields, kept here so that a copy of 1.x and this
 * one still agree (`field`). An install guard holds `true` (its version 1)
 * or `{ version }`; an object without its field is from before the field
 * existed, when every key was at version 1.
 */
import { coreError } from '../errors/core-codes.js';
import type { MarkersError } from '../errors/markers-error.js';
import { VERSION } from '../version.js';

export interface GlobalSlot {
  /** The Symbol.for() name. */
  readonly name: string;
  readonly version: number;
  /** The property of the stored object that holds its version. */
  readonly field: 'abi' | 'protocol' | 'version';
}

/**
 * registry/global.ts: the thread's Registry; `abi` is its version. Its own
 * constant, so that a browser bundle of the core carries it without the table.
 */
export const REGISTRY_SLOT = { name: 'markers.registry', version: 1, field: 'abi' } as const;

export const Globals = {
  REGISTRY: REGISTRY_SLOT,
  /**
   * threads/join.ts: the ThreadsHolder (membership, then the coordinator);
   * its version is the threads protocol's (abi/threads.ts). 2: op names
   * became `area:verb` (abi/thread-ops.ts).
   */
  THREADS: { name: 'markers.threads', version: 2, field: 'protocol' },
  /** probe/local-module.ts: the thread's probe module table. */
  PROBE_MODULES: { name: 'markers.probe-modules', version: 1, field: 'version' },
  /** aggregate/thread/handlers.ts: the aggregations running in this thread. */
  AGGREGATE_THREAD: { name: 'markers.aggregate.thread', version: 1, field: 'version' },
  /** channels/bind.ts: the thread's diagnostics-channel sources. */
  CHANNELS_THREAD: { name: 'markers.channels.thread', version: 1, field: 'version' },
  /** control/listen.ts: the control server being started or running (a promise). */
  CONTROL_LISTEN: { name: 'markers.control.listen', version: 1, field: 'version' },
  // Install guards: a thread service's command handlers are registered once per
  // thread, whichever copy loads first.
  AGGREGATE_HANDLERS: { name: 'markers.aggregate.handlers', version: 1, field: 'version' },
  PROBE_HANDLERS: { name: 'markers.probe-handlers', version: 1, field: 'version' },
  CHANNELS_HANDLERS: { name: 'markers.channels.handlers', version: 1, field: 'version' },
  CONTROL_HANDLERS: { name: 'markers.control.thread-handlers', version: 1, field: 'version' },
  RECORD_HANDLERS: { name: 'markers.record.handlers', version: 1, field: 'version' },
} as const satisfies Record<string, GlobalSlot>;

export function keyOf(slot: GlobalSlot): symbol {
  return Symbol.for(slot.name);
}

/**
 * The one refusal for two copies that disagree on a shared structure: `what`
 * names it, `found` is the version met and `foundBy` the package version that
 * made it, when known.
 */
export function versionMismatch(
  what: string,
  ours: number,
  found: unknown,
  foundBy: unknown,
): MarkersError {
  const theirs =
    foundBy === undefined
      ? `found version ${String(found)}`
      : `this thread's was made by markers ${String(foundBy)} at version ${String(found)}`;
  return coreError(
    'ERR_REGISTRY_VERSION',
    `markers ${VERSION} speaks version ${ours} of ${what}, but ${theirs}; install one compatible version (npm dedupe, or align the versions your dependencies ask for)`,
    {
      what,
      version: VERSION,
      abi: ours,
      found: String(foundBy),
      foundAbi: typeof found === 'number' ? found : String(found),
    },
  );
}

function describe(slot: GlobalSlot): string {
  return `globalThis[Symbol.for('${slot.name}')]`;
}

/** The version stored in `value` under `slot`'s policy (a guard's `true` is version 1). */
function versionIn(slot: GlobalSlot, value: unknown): unknown {
  if (value === true) return 1;
  if (typeof value !== 'object' || value === null) return undefined;
  // An object from before this table without the field: version 1, the only one then.
  return (value as Record<string, unknown>)[slot.field] ?? 1;
}

/** Whether anything holds `slot`, whatever its version. */
export function hasGlobal(slot: GlobalSlot): boolean {
  return (globalThis as Record<symbol, unknown>)[keyOf(slot)] !== undefined;
}

/** What `slot` holds now, checked against this copy's version; undefined when nothing does. */
export function readGlobal<T>(slot: GlobalSlot): T | undefined {
  const value = (globalThis as Record<symbol, unknown>)[keyOf(slot)];
  if (value === undefined) return undefined;
  const found = versionIn(slot, value);
  if (found !== slot.version) {
    throw versionMismatch(
      describe(slot),
      slot.version,
      found,
      (value as { markers?: unknown; version?: unknown } | null)?.markers ??
        (slot.field === 'abi' ? (value as { version?: unknown }).version : undefined),
    );
  }
  return value as T;
}

/**
 * The object under `slot`, created by `create` (which must store the
 * version in `slot.field`) when this copy is the thread's first. Defined
 * non-writable and non-enumerable: nothing replaces it once shared.
 */
export function sharedGlobal<T extends object>(slot: GlobalSlot, create: () => T): T {
  const found = readGlobal<T>(slot);
  if (found !== undefined) return found;
  const value = create();
  Object.defineProperty(globalThis, keyOf(slot), { value });
  return value;
}

/**
 * A once-per-thread guard: true the first time it is called for `slot` in
 * this thread, whichever copy calls, false after.
 */
export function claimOnce(slot: GlobalSlot): boolean {
  if (readGlobal(slot) !== undefined) return false;
  Object.defineProperty(globalThis, keyOf(slot), {
    value: { version: slot.version, markers: VERSION },
  });
  return true;
}

/** Sets a writable slot (one that is set and cleared, as the control server's start). */
export function setGlobal(slot: GlobalSlot, value: object | undefined): void {
  (globalThis as Record<symbol, unknown>)[keyOf(slot)] = value;
}
