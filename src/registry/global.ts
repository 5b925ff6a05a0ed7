/**
 * One registry per thread, shared by every copy of the package in it.
 *
 * A library may carry its own nested copy of markers; its markers must still
 * be visible to the application's copy, so the registry lives on globalThis
 * under a symbol from the global symbol registry, not in module state. The
 * first copy to load creates it; later copies use it, and so run the first
 * copy's registry code. `abi` guards that: a copy whose registry protocol
 * differs refuses to load rather than misbehave.
 */
// The core's codes only: a browser bundle leaves the rest of the table out.
import { CoreErrorCode as ErrorCode } from '../errors/core-codes.js';
import { MarkersError } from '../errors/markers-error.js';
import { VERSION } from '../version.js';
import { Registry } from './registry.js';

export const REGISTRY_KEY = Symbol.for('markers.registry');
/** Bump when the Registry's methods or data change in a way an older copy cannot use. */
export const REGISTRY_ABI = 1;

let cached: Registry | undefined;

export function getRegistry(): Registry {
  if (cached !== undefined) return cached;
  const holder = globalThis as { [REGISTRY_KEY]?: unknown };
  const found = holder[REGISTRY_KEY] as { abi?: unknown; version?: unknown } | undefined;
  if (found === undefined) {
    const registry = new Registry(REGISTRY_ABI, VERSION);
    Object.defineProperty(globalThis, REGISTRY_KEY, { value: registry });
    cached = registry;
    return registry;
  }
  if (typeof found !== 'object' || found === null || found.abi !== REGISTRY_ABI) {
    throw new MarkersError(
      ErrorCode.REGISTRY_VERSION,
      `markers ${VERSION} (registry abi ${REGISTRY_ABI}) cannot share this thread's registry, created by markers ${String(found?.version)} (abi ${String(found?.abi)}); install one compatible version (npm dedupe, or align the versions your dependencies ask for)`,
      { version: VERSION, abi: REGISTRY_ABI, found: String(found?.version), foundAbi: found?.abi },
    );
  }
  cached = found as Registry;
  return cached;
}
