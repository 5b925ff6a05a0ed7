/**
 * listen(): starts the control server of this process, once.
 *
 * Two stages, so that a process nobody controls pays almost nothing for being
 * controllable (issue 8: at most 10 ms of start-up and 3 MiB of RSS, where a
 * worker thread alone costs Node 10–20 MiB: docs/bench.md):
 *   1. At listen(): the *doorbell*, a listening Unix socket on `<pid>.sock`
 *      in this thread, unref'd. It never reads a byte (pauseOnConnect).
 *   2. The control worker, started by whichever comes first:
 *      - the doorbell's first connection. The worker listens on a temporary
 *        path and renames it over `<pid>.sock` (server.ts), so a client
 *        connecting from then on reaches the worker. Every connection the
 *        doorbell accepted gets `working` lines while it waits, then one
 *        line `{"v":1,"id":null,"event":"moved"}`, and is closed;
 *        ControlClient connects again and sends its requests again (the
 *        doorbell ran none of them, so that is safe for every command);
 *      - the application's first worker thread (diagnostics_channel
 *        `worker_threads`, published synchronously by `new Worker()`): the
 *        process then pays for a worker thread anyway (the second one costs
 *        much less than the first), and its other threads must stay
 *        reachable while its main thread is busy. The control worker is
 *        constructed in that same call and takes the socket over by itself,
 *        so a main thread that blocks right after `new Worker()` does not
 *        keep it from serving;
 *      - markers' own recording consumer (it is a worker too) likewise.
 *   What is lost: while no worker runs, the *first* contact needs this
 *   thread's event loop to turn once. A single-threaded process whose main
 *   thread blocks before any CLI command reached it answers nothing until it
 *   unblocks; the CLI gives up after its reply deadline with
 *   ERR_TARGET_UNRESPONSIVE (client.ts) instead of waiting forever.
 *
 * Ownership: the worker owns the socket; this thread owns the worker and
 * removes the socket file on exit (an 'exit' listener runs synchronously
 * here, whereas a worker is just stopped). The doorbell is never closed while
 * the worker serves the path: libuv unlinks a listening socket's path when it
 * closes it. The worker is unref'd: it never keeps the process alive, and it
 * holds no timer, so an idle server wakes nothing.
 */

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { KEEPALIVE_MS, PROTOCOL_VERSION } from '../abi/control-protocol.js';
import { Globals, readGlobal, setGlobal } from '../abi/globals.js';
import type { ControlWorkerMessage } from '../abi/ports.js';
import type { ThreadInfo } from '../abi/threads.js';
import { ErrorCode, type MarkersError } from '../errors/markers-error.js';
import { emitMarkersWarning, warnError } from '../errors/warn.js';
import { ownFile } from '../own-files.js';
import { defaultThreadName, threadsHolder } from '../threads/join.js';
import { whenReady } from '../threads/ready.js';
import { spawnInternalWorker } from '../threads/spawn.js';
import { listenDirectory, listenOn, socketDirectoryRefusal } from './socket-dir.js';

// Built-ins: node:fs and node:net through process.getBuiltinModule, not ESM
// imports, here and in the other modules of the start path (socket-dir.ts,
// discovery.ts, channels/applies.ts). An ESM import of a built-in builds its
// namespace from every export, which runs the lazy getters: node:fs's
// `promises` loads fs/promises, readline and streams, 45 of Node's modules,
// 3.5 ms on Node 24 and 9.5 ms on 20 for a module that is already loaded
// (docs/bench.md, "Control server start-up").
const { chmodSync, unlinkSync } = process.getBuiltinModule('node:fs');
const { createServer } = process.getBuiltinModule('node:net');

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

/** The line the doorbell sends before it closes a connection: connect again, send again. */
export const MOVED_LINE = { v: PROTOCOL_VERSION, id: null, event: 'moved' } as const;
/** What a doorbell connection hears while the worker starts: this thread is alive. */
const WAIT_LINE = `${JSON.stringify({ v: PROTOCOL_VERSION, id: null, event: 'working' })}\n`;

/**
 * This thread as the other threads know it. Importing markers joined it
 * (threads/join.ts); its coordinator and command handlers load when the
 * first command reaches it, not here: listen() stays small.
 */
function thisThread(): ThreadInfo {
  const holder = threadsHolder();
  const coordinator = holder?.coordinator as { readonly self?: ThreadInfo } | undefined;
  return (
    coordinator?.self ??
    holder?.membership?.self ?? {
      id: process.getBuiltinModule('node:worker_threads').threadId,
      name: defaultThreadName(),
      internal: false,
    }
  );
}

function listenDoorbell(server: Server, path: string): Promise<void> {
  try {
    unlinkSync(path);
  } catch {
    // Usually absent; a stale socket of a dead process with our PID is replaced.
  }
  return listenOn(server, path, path);
}

/**
 * Constructs the control worker now, synchronously (see the header: a main
 * thread that blocks right after must not stop it), and resolves once it
 * serves `path`. Node's channel catalogue is installed in every thread in
 * parallel; `ready` resolves after both, so a client moved by the doorbell
 * sees the catalogue in its first answer.
 */
function spawnControlWorker(
  path: string,
  onResume: () => void,
): { worker: Worker; ready: Promise<void> } {
  const worker = spawnInternalWorker(ownFile('control-worker'), 'markers-control', {
    path,
    argv: process.argv,
    execArgv: process.execArgv,
    // This thread, so the worker can report it (ERR_THREAD_TIMEOUT) even
    // if it never answers the worker's hello (blocked from the start).
    parent: thisThread(),
  });
  worker.on('message', (message: ControlWorkerMessage) => {
    if (message.type === 'resume') onResume();
  });
  // A worker that dies after its start is reported, never thrown into the
  // application (a failed start is wake()'s warning).
  let started = false;
  worker.on('error', (error: unknown) => {
    if (!started) return;
    warnError(error, 'markers control worker failed', ErrorCode.CONTROL_SERVER);
  });
  const listening = whenReady(worker, {
    what: 'control server',
    code: ErrorCode.CONTROL_SERVER,
    details: { path, pid: process.pid },
  }).then(
    () => {
      started = true;
    },
    (error: unknown) => {
      void worker.terminate();
      throw error;
    },
  );
  // Node's own channels as markers, in this thread and every other one.
  const catalogue = import('../channels/thread-handlers.js').then((m) =>
    m.installCatalogueEverywhere(),
  );
  // Never kept alive for control; the doorbell connection waiting on it is.
  // Last, after every 'message' listener is on: a Worker refs its port again
  // whenever its 'message' listeners go from none to one, so an unref()
  // before them would be undone and the application could never exit.
  worker.unref();
  return { worker, ready: Promise.all([listening, catalogue]).then(() => undefined) };
}

async function start(options: ListenOptions): Promise<ControlHandle> {
  const { dir, warning } = listenDirectory();
  if (warning !== undefined) {
    // The server starts anyway (in a fallback directory); the user is told why and what to do.
    emitMarkersWarning(`markers control socket: ${warning}`, 'ERR_UNSAFE_SOCKET_DIR');
  }
  const path = join(dir, `${process.pid}.sock`);
  let resumed: () => void = () => {};
  const resumedPromise = new Promise<void>((resolve) => {
    resumed = resolve;
  });
  let control: { worker: Worker; ready: Promise<void> } | undefined;
  let closed = false;

  const onWorkerCreated = (): void => {
    if (!closed) void wake().catch(() => {});
  };
  /** Starts the control worker unless it runs; a failed start is retried at the next call. */
  const wake = (): Promise<void> => {
    if (control === undefined) {
      // Our own `new Worker()` publishes on the channel too: done with it first.
      unsubscribe('worker_threads', onWorkerCreated);
      const started = spawnControlWorker(path, () => resumed());
      control = started;
      started.ready.catch((error: unknown) => {
        if (control === started) control = undefined;
        warnError(error, 'markers control server', ErrorCode.CONTROL_SERVER);
      });
    }
    return control.ready;
  };
  const answer = (socket: Socket): void => {
    // This thread is alive: say so while the worker starts (tsx, a loaded machine: seconds).
    const waiting = setInterval(() => socket.write(WAIT_LINE), KEEPALIVE_MS);
    socket.once('close', () => clearInterval(waiting));
    wake().then(
      () => {
        clearInterval(waiting);
        socket.end(`${JSON.stringify(MOVED_LINE)}\n`);
        // What the client sent is dropped unread: it sends it again to the worker.
        socket.resume();
      },
      (error: unknown) => {
        clearInterval(waiting);
        const { code, message } = error as MarkersError;
        socket.end(
          `${JSON.stringify({ v: PROTOCOL_VERSION, id: null, ok: false, error: { code, message } })}\n`,
        );
        socket.resume();
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
      socket.end(
        `${JSON.stringify({ v: PROTOCOL_VERSION, id: null, ok: false, error: refusal })}\n`,
      );
      socket.resume();
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    answer(socket);
  });
  await listenDoorbell(doorbell, path);
  // The directory is already 0700; this keeps the socket private even if it is moved.
  chmodSync(path, 0o600);
  doorbell.unref();
  subscribe('worker_threads', onWorkerCreated);

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
      unsubscribe('worker_threads', onWorkerCreated);
      process.off('exit', removeSocket);
      const running = control;
      if (running !== undefined) {
        await running.ready.catch(() => {});
        await running.worker.terminate();
      }
      // Closing the doorbell unlinks `path` (libuv); the worker is gone, so that is ours.
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
