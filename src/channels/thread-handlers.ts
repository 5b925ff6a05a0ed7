/**
 * The command that installs the catalogue in every application thread,
 * sent (sticky) by the thread that starts the control server, so workers
 * started later that import markers get the catalogue too.
 *
 *   channels:install  {}  -> number of catalogue markers declared in that thread
 *
 * Registering the handler is all that importing markers costs; the
 * catalogue's code loads when the command arrives.
 */
import { getCoordinator } from '../threads/coordinator.js';

export const ChannelsOp = { INSTALL: 'channels:install' } as const;

const INSTALLED = Symbol.for('markers.channels.handlers');
const COORDINATOR_KEY = Symbol.for('markers.threads');

async function install(): Promise<number> {
  const { installCatalogue } = await import('./install.js');
  return installCatalogue().length;
}

/** Makes this thread answer channels:install, now. Idempotent per thread. */
export function installChannelHandlers(): void {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED] === true) return;
  Object.defineProperty(globalThis, INSTALLED, { value: true });
  const coordinator = getCoordinator();
  if (coordinator.self.internal) return;
  coordinator.handle(ChannelsOp.INSTALL, install);
}

/** As scheduleProbeHandlers: now if the coordinator exists, else at the end of this turn. */
export function scheduleChannelHandlers(): void {
  if ((globalThis as { [COORDINATOR_KEY]?: unknown })[COORDINATOR_KEY] !== undefined) {
    installChannelHandlers();
    return;
  }
  setImmediate(installChannelHandlers).unref();
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
