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
import { sharedRegistry } from '../abi/globals.js';
import { Registry } from './registry.js';

let cached: Registry | undefined;
/** What this copy makes when it is the thread's first: node-registry.ts sets a NodeRegistry. */
let make = (): Registry => new Registry();

/** The class of the registry this copy creates (node-registry.ts, at its import). */
export function makeRegistriesWith(create: () => Registry): void {
  make = create;
}

export function getRegistry(): Registry {
  cached ??= sharedRegistry(make);
  return cached;
}
