/**
 * What every application thread answers for the control server, registered
 * on the thread's coordinator when markers loads in it. Each handler runs
 * from that thread's event loop and returns plain data (it crosses threads).
 *
 * The op names are part of the thread protocol: append new ones, never change
 * what an existing one returns in a way an older control server would misread.
 */
import { claimOnce, Globals, readGlobal } from '../abi/globals.js';
import { getRegistry } from '../registry/global.js';
import { getCoordinator } from '../threads/coordinator.js';

export const ThreadOp = {
  /** args {pattern?: string} -> MarkerInfo[] of this thread. */
  LIST: 'control.list',
  /** args none -> ThreadStats of this thread. */
  STATS: 'control.stats',
} as const;

export interface ThreadStats {
  readonly markers: number;
  readonly enabled: number;
  /** Calls of fire while enabled, summed over this thread's markers. */
  readonly hits: number;
  readonly heapUsed: number;
}

/** Registers the handlers once per thread, whichever copy of markers loads first. */
export function installThreadHandlers(): void {
  if (readGlobal(Globals.CONTROL_HANDLERS) !== undefined) return;
  const coordinator = getCoordinator();
  // An internal thread (the control worker itself) receives no commands.
  if (coordinator.self.internal) return;
  claimOnce(Globals.CONTROL_HANDLERS);
  coordinator.handle(ThreadOp.LIST, (args) => {
    const pattern = (args as { pattern?: unknown } | null)?.pattern;
    return getRegistry().list(typeof pattern === 'string' ? pattern : undefined);
  });
  coordinator.handle(ThreadOp.STATS, (): ThreadStats => {
    let markers = 0;
    let enabled = 0;
    let hits = 0;
    for (const info of getRegistry().list()) {
      markers++;
      if (info.enabled) enabled++;
      hits += info.hits;
    }
    return { markers, enabled, hits, heapUsed: process.memoryUsage().heapUsed };
  });
}

installThreadHandlers();
