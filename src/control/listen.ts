/**
 * listen(): starts the control server of this process, once.
 *
 * Two stages, so that a process nobody controls pays almost nothing for being
 * controllable (issue 8: at most 10 ms of start-up and 3 MiB of RSS; a worker
 * thread alone costs Node 15–20 MiB and tens of ms):
 *   1. At listen(): the *doorbell*, a listening Unix socket on `<pid>.sock`
 *      in this thread, unref'd. It never reads a byte (pauseOnConnect).
 *   2. At the first connection: this thread installs Node's channel
 *      catalogue everywhere and starts markers' control worker, which
 *      listens on a temporary path and renames it over `<pid>.sock`
 *      (server.ts), so a client connecting from then on reaches the worker.
 *      Every connection the doorbell accepted gets one line,
 *      `{"v":1,"id":null,"event":"moved"}`, and is closed; ControlClient
 *      then connects again and sends its requests again (the doorbell ran
 *      none of them, so that is safe for every command).
 * From then on the worker owns the socket and everything works as before:
 * control stays available while this thread is busy, and draining and
 * sending never run on an application thread. What is lost: the *first*
 * contact needs this thread's event loop to turn once.
 *
 * Ownership: the worker owns the socket; this thread owns the worker and
 * removes the socket file on exit (an 'exit' listener runs synchronously
 * here, whereas a worker is just stopped). The doorbell is never closed
 * while the worker serves the path: libuv unlinks a listening socket's path
 * when it closes it. The worker is unref'd once listening: it never keeps
 * the process alive, and it holds no timer, so an idle server wakes nothing.
 */

import { once } from 'node:events';
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { encodeLine, PROTOCOL_VERSION } from '../abi/control-protocol.js';
import { Globals, readGlobal, setGlobal } from '../abi/globals.js';
import type { ControlWorkerMessage } from '../abi/ports.js';
import { fromWireError } from '../abi/wire-error.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { listenDirectory, socketDirectoryRefusal } from './socket-dir.js';

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

/** The line the doorbell sends before it closes a connection: connect again. */
export const MOVED_LINE = { v: PROTOCOL_VERSION, id: null, event: 'moved' } as const;

function workerUrl(): URL {
  // From the TypeScript sources (tests, tsx) the sibling module is .ts.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./worker.${ext}`, import.meta.url);
}

function listenDoorbell(server: Server, path: string): Promise<void> {
  try {
    unlinkSync(path);
  } catch {
    // Usually absent; a stale socket of a dead process with our PID is replaced.
  }
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new MarkersError(
      ErrorCode.CONTROL_SERVER,
      `cannot listen on ${path}: ${(error as Error).message}`,
      { path },
    );
  });
}

async function startWorker(path: string, onResume: () => void): Promise<Worker> {
  // Node's own channels as markers, in this thread and every other one, listed
  // from the server's first answer on (and before a held `run --record` starts).
  const { installCatalogueEverywhere } = await import('../channels/thread-handlers.js');
  await installCatalogueEverywhere();
  // This thread answers `list` and `stats` for the worker.
  await import('./thread-handlers.js');
  const { spawnInternalWorker } = await import('../threads/spawn.js');
  const worker = spawnInternalWorker(workerUrl(), 'markers-control', {
    path,
    argv: process.argv,
    execArgv: process.execArgv,
  });
  worker.on('message', (message: ControlWorkerMessage) => {
    if (message.type === 'resume') onResume();
  });
  const [first] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([error]) => [
      { type: 'failed', error: { code: ErrorCode.CONTROL_SERVER, message: String(error) } },
    ]),
  ])) as [ControlWorkerMessage];
  if (first.type !== 'listening') {
    await worker.terminate();
    const error =
      first.type === 'failed'
        ? first.error
        : { code: ErrorCode.CONTROL_SERVER, message: 'unexpected message' };
    throw fromWireError(error, { path, pid: process.pid }, 'control server did not start: ');
  }
  worker.unref();
  return worker;
}

async function start(options: ListenOptions): Promise<ControlHandle> {
  const { dir, warning } = listenDirectory();
  if (warning !== undefined) {
    // The server starts anyway (in a fallback directory); the user is told why and what to do.
    process.emitWarning(`markers control socket: ${warning}`, { code: 'ERR_UNSAFE_SOCKET_DIR' });
  }
  const path = join(dir, `${process.pid}.sock`);
  let resumed: () => void = () => {};
  const resumedPromise = new Promise<void>((resolve) => {
    resumed = resolve;
  });
  let worker: Promise<Worker> | undefined;
  let closed = false;

  const answer = (socket: Socket, ready: Promise<Worker>): void => {
    ready.then(
      () => {
        socket.end(encodeLine(MOVED_LINE));
        // What the client sent is dropped unread: it sends it again to the worker.
        socket.resume();
      },
      (error: unknown) => {
        const { code, message } = error as MarkersError;
        socket.end(
          encodeLine({ v: PROTOCOL_VERSION, id: null, ok: false, error: { code, message } }),
        );
      },
    );
  };
  const doorbell = createServer({ pauseOnConnect: true, allowHalfOpen: false }, (socket) => {
    socket.on('error', () => socket.destroy());
    if (closed) {
      socket.destroy();
      return;
    }
    // The same check as the server's: a directory that is no longer private is refused here too.
    const refusal = socketDirectoryRefusal(path);
    if (refusal !== undefined) {
      socket.end(encodeLine({ v: PROTOCOL_VERSION, id: null, ok: false, error: refusal }));
      socket.resume();
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    if (worker === undefined) {
      const starting = startWorker(path, () => resumed());
      worker = starting;
      starting.catch((error: unknown) => {
        // The next connection tries again; this one is told why.
        if (worker === starting) worker = undefined;
        process.emitWarning(`markers control server: ${(error as Error).message}`, {
          code: (error as { code?: string }).code ?? ErrorCode.CONTROL_SERVER,
        });
      });
    }
    answer(socket, worker);
  });
  await listenDoorbell(doorbell, path);
  // The directory is already 0700; this keeps the socket private even if it is moved.
  chmodSync(path, 0o600);
  doorbell.unref();

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
  return {
    path,
    async close() {
      closed = true;
      process.off('exit', removeSocket);
      const running = await worker?.catch(() => undefined);
      await running?.terminate();
      await new Promise<void>((resolve) => doorbell.close(() => resolve()));
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
