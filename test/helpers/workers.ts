import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../../src/threads/spawn.js';

/** Starts a worker from a TypeScript file (tsx is inherited through execArgv) and waits for its 'ready'. */
export async function startWorker(url: URL, workerData?: unknown): Promise<Worker> {
  const worker = spawnModuleWorker(url, { workerData });
  const [message] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([error]) => {
      throw error;
    }),
  ])) as [unknown];
  if (message !== 'ready') throw new Error(`worker sent ${String(message)} instead of ready`);
  return worker;
}

export async function stopWorker(worker: Worker): Promise<void> {
  const exited = once(worker, 'exit');
  worker.postMessage('exit');
  await exited;
}
