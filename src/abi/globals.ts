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
 * 2: a link (registry/link.ts) names its subscription once, `subscription`,
 * which now also takes the link's promises and errors (1 also had `owner`);
 * a recording's links are of kind 'ring-writer' (1: 'record').
 */
export const REGISTRY_SLOT = { name: 'markers.registry', version: 2, field: 'abi' } as const;

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
 * made it, when known. (Short on purpose: the browser core carries it.)
 */
export function versionMismatch(
  what: string,
  ours: number,
  found: unknown,
  foundBy: unknown,
): MarkersError {
  const by = String(foundBy);
  const at = String(found);
  return coreError(
    'ERR_REGISTRY_VERSION',
    `markers ${VERSION} speaks version ${ours} of ${what}, but found ${foundBy === undefined ? '' : `markers ${by} at `}version ${at}; install one compatible version (npm dedupe)`,
    {
      what,
      version: VERSION,
      abi: ours,
      found: by,
      foundAbi: typeof found === 'number' ? found : at,
    },
  );
}

/** Whether anything holds `slot`, whatever its version. */
export function hasGlobal(slot: GlobalSlot): boolean {
  return (globalThis as Record<symbol, unknown>)[keyOf(slot)] !== undefined;
}

/**
 * What `slot` holds now, checked against this copy's version; undefined when
 * nothing does. The version is the object's `slot.field` (missing: from
 * before this table, when every key was at version 1); a guard's `true` is
 * version 1; anything else has none.
 */
export function readGlobal<T>(slot: GlobalSlot): T | undefined {
  const value = (globalThis as Record<symbol, unknown>)[keyOf(slot)] as
    | (Record<string, unknown> & { markers?: unknown })
    | true
    | undefined;
  if (value === undefined) return undefined;
  const found =
    value === true
      ? 1
      : typeof value === 'object' && value !== null
        ? (value[slot.field] ?? 1)
        : undefined;
  if (found !== slot.version) {
    throw versionMismatch(
      `globalThis[Symbol.for('${slot.name}')]`,
      slot.version,
      found,
      // A Registry (field `abi`) has its package version as `version`; value may be null.
      (value as { markers?: unknown } | null)?.markers ??
        (slot.field === 'abi' ? (value as { version?: unknown } | null)?.version : undefined),
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

/**
 * sharedGlobal(REGISTRY_SLOT, create) written out for that one slot: the
 * registry is the only slot the browser core uses, and its bundle carries
 * this instead of the generic readGlobal. Same policy: a Registry keeps its
 * version in `abi` (1 when missing, as before this table) and its package
 * version in `version`; anything else found there has no version.
 */
export function sharedRegistry<T extends object>(create: () => T): T {
  const key = Symbol.for(REGISTRY_SLOT.name);
  const value = (globalThis as Record<symbol, unknown>)[key] as
    | { abi?: unknown; version?: unknown }
    | null
    | undefined;
  if (value === undefined) {
    const made = create();
    Object.defineProperty(globalThis, key, { value: made });
    return made;
  }
  const found = typeof value === 'object' && value !== null ? (value.abi ?? 1) : undefined;
  if (found !== REGISTRY_SLOT.version) {
    throw versionMismatch(
      "globalThis[Symbol.for('markers.registry')]",
      REGISTRY_SLOT.version,
      found,
      value?.version,
    );
  }
  return value as T;
}
