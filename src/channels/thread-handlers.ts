/**
 * The command that installs the catalogue in every application thread,
 * sent (sticky) by the thread that starts the control server, so workers
 * started later that import markers get the catalogue too.
 *
 *   channels:install  {}  -> number of catalogue markers declared in that thread
 *
 * The handler is installed with the thread services (threads/services.ts),
 * which load when the first command reaches the thread; the catalogue's code
 * loads when this command arrives.
 */

import { Globals } from '../abi/globals.js';
import { ChannelsOp } from '../abi/thread-ops.js';
import { getCoordinator } from '../threads/coordinator.js';
import { installOnce } from '../threads/install-once.js';

async function install(): Promise<number> {
  const { installCatalogue } = await import('./install.js');
  return installCatalogue().length;
}

/** Makes this thread answer channels:install, now. Idempotent per thread. */
export function installChannelHandlers(): void {
  installOnce(Globals.CHANNELS_HANDLERS, (coordinator) => {
    coordinator.handle(ChannelsOp.INSTALL, install);
  });
}

/**
 * Installs the catalogue here and in every other application thread, now and
 * later. Called by the thread that starts the control server; never throws.
 */
export async function installCatalogueEverywhere(): Promise<void> {
  await install();
  installChannelHandlers();
  getCoordinator()
    .request(ChannelsOp.INSTALL, {}, { sticky: true })
    .catch(() => {
      // A thread that cannot install (another markers version) keeps running without it.
    });
}
