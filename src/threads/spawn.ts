import { Worker, type WorkerOptions } from 'node:worker_threads';

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
