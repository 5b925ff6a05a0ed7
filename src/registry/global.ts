/**
 * One registry per thread, shared by every copy of the package in it.
 *
 * A library may carry its own nested copy of markers; its markers must still
 * be visible to the application's copy, so the registry lives on globalThis
 * (src/abi/globals.ts, Globals.REGISTRY), not in module state. The first copy
 * to load creates it; later copies use it, and so run the first copy's
 * registry code. Its `abi` guards that: a copy whose registry protocol
 * differs refuses to load (ERR_REGISTRY_VERSION) rather than misbehave.
 */
import { REGISTRY_SLOT, sharedGlobal } from '../abi/globals.js';
import { Registry } from './registry.js';

/** Bump (in abi/globals.ts) when the Registry's methods or data change in a way an older copy cannot use. */
export const REGISTRY_ABI = REGISTRY_SLOT.version;

let cached: Registry | undefined;

export function getRegistry(): Registry {
  cached ??= sharedGlobal(REGISTRY_SLOT, () => new Registry());
  return cached;
}
