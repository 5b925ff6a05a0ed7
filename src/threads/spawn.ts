/**
 * Starting markers' own worker threads (the control server, the recording
 * consumer), and telling them apart from the application's.
 *
 * An internal worker is marked in its workerData, which a thread can read
 * from its first instruction on, before any `--import` of NODE_OPTIONS or
 * execArgv runs: the coordinator checks the mark when the thread registers,
 * so an internal worker never becomes an application thread, whatever else
 * imports markers in it. It also starts without the application's
 * NODE_OPTIONS and execArgv (Node applies NODE_OPTIONS to a worker given
 * `execArgv`), so preload modules meant for the application (an APM agent,
 * markers/register itself) do not run in it at all.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { INTERNAL_KEY } from '../abi/threads.js';

export { internalThreadName } from './join.js';

/**
 * Starts a worker from a module URL. From the published package the URL is a
 * .js file and this is `new Worker(url)`. From the TypeScript sources (tests,
 * under tsx) it is a .ts file, and Node 20 does not apply `--import tsx` to a
 * worker's entry module, so the worker registers tsx's loader itself first.
 */
export function spawnModuleWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const source = `import(${JSON.stringify('tsx/esm/api')})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(source, { ...options, eval: true });
}

/**
 * Starts one of markers' own workers, named `name`, marked internal, with
 * `data` as its workerData (read it back with internalWorkerData()).
 */
export function spawnInternalWorker(
  url: URL,
  name: string,
  data: Record<string, unknown> = {},
): Worker {
  const { NODE_OPTIONS: _, ...env } = process.env;
  return spawnModuleWorker(url, {
    name,
    execArgv: [],
    env,
    workerData: { ...data, [INTERNAL_KEY]: name },
  });
}
