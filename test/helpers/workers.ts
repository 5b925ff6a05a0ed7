import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { getCoordinator } from '../../src/threads/coordinator.js';
import { whenReady } from '../../src/threads/ready.js';
import { spawnModuleWorker } from '../../src/threads/spawn.js';

/**
 * Starts a worker from a TypeScript file (tsx is inherited through execArgv),
 * waits for its signalReady() (src/threads/ready.ts), then until this thread's coordinator has met it: its
 * hello travels on the BroadcastChannel and may arrive after 'ready', and a
 * request naming a thread not yet met has nobody to ask. An internal thread
 * (`internal: true`) is never listed, so it is not waited for.
 */
export async function startWorker(
  url: URL,
  workerData?: unknown,
  options: { internal?: boolean } = {},
): Promise<Worker> {
  const worker = spawnModuleWorker(url, { workerData });
  await whenReady(worker, { what: `test worker ${url.pathname}`, code: 'ERR_WORKER_START' });
  if (options.internal === true) return worker;
  const coordinator = getCoordinator();
  for (let i = 0; !coordinator.threads().some((t) => t.id === worker.threadId); i++) {
    if (i === 2_000) throw new Error(`the coordinator never met worker ${worker.threadId}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return worker;
}

export async function stopWorker(worker: Worker): Promise<void> {
  const exited = once(worker, 'exit');
  worker.postMessage('exit');
  await exited;
}
