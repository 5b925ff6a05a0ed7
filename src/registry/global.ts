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
import { coreError } from '../errors/core-codes.js';
import { VERSION } from '../version.js';
import { REGISTRY_ABI, Registry } from './registry.js';

export const REGISTRY_KEY = Symbol.for('markers.registry');

let cached: Registry | undefined;

export function getRegistry(): Registry {
  if (cached === undefined) {
    const found = (globalThis as { [REGISTRY_KEY]?: { abi?: unknown; version?: unknown } })[
      REGISTRY_KEY
    ];
    if (found === undefined) {
      cached = new Registry();
      Object.defineProperty(globalThis, REGISTRY_KEY, { value: cached });
    } else if (typeof found === 'object' && found?.abi === REGISTRY_ABI) {
      cached = found as Registry;
    } else {
      const details = {
        version: VERSION,
        abi: REGISTRY_ABI,
        found: String(found?.version),
        foundAbi: found?.abi,
      };
      throw coreError(
        'ERR_REGISTRY_VERSION',
        `markers ${VERSION} cannot share this thread's registry with markers ${details.found} (registry abi ${REGISTRY_ABI}, found ${String(details.foundAbi)}): install one compatible version (npm dedupe)`,
        details,
      );
    }
  }
  return cached;
}
