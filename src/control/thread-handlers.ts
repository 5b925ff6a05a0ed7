/**
 * What every application thread answers for the control server, registered
 * on the thread's coordinator when markers loads in it. Each handler runs
 * from that thread's event loop and returns plain data (it crosses threads).
 *
 * The op names are part of the thread protocol: append new ones, never change
 * what an existing one returns in a way an older control server would misread.
 */

import { Globals } from '../abi/globals.js';
import { ControlOp, type ThreadStats } from '../abi/thread-ops.js';
import { getRegistry } from '../registry/global.js';
import { installOnce } from '../threads/install-once.js';

/** Registers the handlers once per thread, whichever copy of markers loads first. */
export function installThreadHandlers(): void {
  installOnce(Globals.CONTROL_HANDLERS, (coordinator) => {
    coordinator.handle(ControlOp.LIST, (args) => {
      const pattern = (args as { pattern?: unknown } | null)?.pattern;
      return getRegistry().list(typeof pattern === 'string' ? pattern : undefined);
    });
    coordinator.handle(ControlOp.STATS, (): ThreadStats => {
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
  });
}

installThreadHandlers();
