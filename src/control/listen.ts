/**
 * listen(): starts the control server of this process, once.
 *
 * The server runs in an internal worker. Ownership: the worker owns the
 * socket; this thread owns the worker and removes the socket file on exit
 * (an 'exit' listener runs synchronously here, whereas a worker is just
 * stopped). Once listening, the worker is unref'd: it never keeps the
 * process alive, and it holds no timer, so an idle server wakes nothing.
 */

import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Globals, readGlobal, setGlobal } from '../abi/globals.js';
import type { ControlWorkerMessage, ReadyMessage } from '../abi/ports.js';
import { ErrorCode } from '../errors/markers-error.js';
import { whenReady } from '../threads/ready.js';
import { spawnInternalWorker } from '../threads/spawn.js';
import { listenDirectory } from './socket-dir.js';
import './thread-handlers.js';

export interface ListenOptions {
  /** Hold the returned promise until a client sends `resume` (used by `markers run --record`), at most this long. */
  readonly holdMs?: number;
}

export interface ControlHandle {
  /** The Unix socket path, `<dir>/<pid>.sock`. */
  readonly path: string;
  /** Stops the server and removes the socket. */
  close(): Promise<void>;
}

function workerUrl(): URL {
  // From the TypeScript sources (tests, tsx) the sibling module is .ts.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./worker.${ext}`, import.meta.url);
}

async function start(options: ListenOptions): Promise<ControlHandle> {
  const { dir, warning } = listenDirectory();
  if (warning !== undefined) {
    // The server starts anyway (in a fallback directory); the user is told why and what to do.
    process.emitWarning(`markers control socket: ${warning}`, { code: 'ERR_UNSAFE_SOCKET_DIR' });
  }
  // Node's own channels as markers, in this thread and every other one, listed
  // from the server's first answer on (and before a held `run --record` starts).
  const { installCatalogueEverywhere } = await import('../channels/thread-handlers.js');
  await installCatalogueEverywhere();
  const path = join(dir, `${process.pid}.sock`);
  const worker: Worker = spawnInternalWorker(workerUrl(), 'markers-control', {
    path,
    argv: process.argv,
    execArgv: process.execArgv,
  });
  let resumed: () => void = () => {};
  const resumedPromise = new Promise<void>((resolve) => {
    resumed = resolve;
  });
  worker.on('message', (message: ControlWorkerMessage | ReadyMessage) => {
    if (message.type === 'resume') resumed();
  });
  try {
    await whenReady(worker, {
      what: 'control server',
      code: ErrorCode.CONTROL_SERVER,
      details: { path, pid: process.pid },
    });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const removeSocket = (): void => {
    try {
      unlinkSync(path);
    } catch {
      // Already removed.
    }
  };
  process.on('exit', removeSocket);
  if (options.holdMs !== undefined && options.holdMs > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      resumedPromise,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.holdMs);
      }),
    ]);
    clearTimeout(timer);
  }
  worker.unref();
  return {
    path,
    async close() {
      process.off('exit', removeSocket);
      await worker.terminate();
      removeSocket();
      setGlobal(Globals.CONTROL_LISTEN, undefined);
    },
  };
}

/**
 * Starts the control server (same as `node --import markers/register`).
 * Calling it again returns the same server. Rejects with
 * ERR_UNSAFE_SOCKET_DIR when the socket directory is not private, or
 * ERR_CONTROL_SERVER when the socket cannot be created.
 */
export function listen(options: ListenOptions = {}): Promise<ControlHandle> {
  // A promise, from before the table: version 1 (abi/globals.ts).
  const running = readGlobal<Promise<ControlHandle>>(Globals.CONTROL_LISTEN);
  if (running !== undefined) return running;
  const started = start(options);
  setGlobal(Globals.CONTROL_LISTEN, started);
  started.catch(() => {
    setGlobal(Globals.CONTROL_LISTEN, undefined);
  });
  return started;
}
