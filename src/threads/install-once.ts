/**
 * The once-per-thread install guard of the thread services (the commands a
 * thread answers for recording, probe modules, aggregations, channels and
 * the control server): each service's handlers are registered on the
 * thread's coordinator once, whichever copy of markers gets there first
 * (abi/globals.ts's claimOnce on the service's key), and never in an
 * internal thread (markers' own workers), which receives no commands.
 *
 * A later copy finds the key claimed and installs nothing: the first copy's
 * handlers answer for both. A key claimed by a copy of another version is
 * ERR_REGISTRY_VERSION (abi/globals.ts's policy).
 */
import { claimOnce, type GlobalSlot } from '../abi/globals.js';
import { type Coordinator, getCoordinator } from './coordinator.js';

/** Runs `install` with this thread's coordinator the first time `slot` is claimed here; true if it ran. */
export function installOnce(
  slot: GlobalSlot,
  install: (coordinator: Coordinator) => void,
): boolean {
  if (!claimOnce(slot)) return false;
  const coordinator = getCoordinator();
  if (coordinator.self.internal) return false;
  install(coordinator);
  return true;
}
