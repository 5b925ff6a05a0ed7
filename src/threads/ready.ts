/**
 * The worker-ready handshake: how a thread that starts a worker (markers'
 * own, record()'s consumer and the control server's, or a test's) learns
 * that the worker can take requests.
 *
 * The worker says so once, with signalReady(result) or, when it could not
 * start, signalFailed(error): a ReadyMessage (abi/ports.ts), the envelope's
 * Outcome, so the worker's error keeps its code and details. The starting
 * thread awaits whenReady(worker), which settles on the first of:
 *   - the ReadyMessage: resolves with its result, or rejects with the
 *     worker's own error (its code, prefixed "<what> did not start: ");
 *   - the worker throwing ('error'), exiting, or staying silent for
 *     `timeoutMs`: rejects with a MarkersError of the caller's `code`. A
 *     worker that never answers must not hang its parent.
 * Other messages before it are left to the worker's other listeners. Call
 * whenReady in the turn that started the worker: a message that arrives
 * while nobody listens is gone, and the wait would end in a timeout. The
 * timer is unref'd: waiting never keeps a process alive that the worker
 * itself would not (record()'s consumer is unref'd while it starts).
 */
import { parentPort, type Worker } from 'node:worker_threads';
import type { ReadyMessage } from '../abi/ports.js';
import { fromWireError, toWireError } from '../abi/wire-error.js';
import { MarkersError } from '../errors/markers-error.js';

/** How long a worker may take to be ready, by default: tsx and a busy machine make 10 s possible. */
export const READY_TIMEOUT_MS = 60_000;

/** In the worker: it can take requests now; `result` goes to whenReady(). */
export function signalReady(result?: unknown): void {
  parentPort?.postMessage({ type: 'ready', ok: true, result } satisfies ReadyMessage);
}

/** In the worker: it could not start; whenReady() rejects with `error`'s code and details. */
export function signalFailed(error: unknown): void {
  parentPort?.postMessage({
    type: 'ready',
    ok: false,
    error: toWireError(error),
  } satisfies ReadyMessage);
}

export interface ReadyOptions {
  /** What the worker is, for messages: "control server", "recording consumer". */
  readonly what: string;
  /** The code of a worker that threw, exited or timed out. */
  readonly code: string;
  /** Default READY_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** Added to the error's details (a socket path, say). */
  readonly details?: Record<string, unknown>;
}

function isReadyMessage(message: unknown): message is ReadyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'ready' &&
    typeof (message as { ok?: unknown }).ok === 'boolean'
  );
}

/**
 * Resolves with the worker's ready result; rejects with its own error, or
 * with `options.code` when it threw, exited or stayed silent (see header).
 */
export function whenReady<T = unknown>(worker: Worker, options: ReadyOptions): Promise<T> {
  const { what, code, details = {} } = options;
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  const prefix = `${what} did not start: `;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const fail = (message: string, more: Record<string, unknown>, cause?: unknown): void => {
      done();
      reject(
        new MarkersError(
          code,
          `${prefix}${message}`,
          { ...details, ...more },
          cause === undefined ? undefined : { cause },
        ),
      );
    };
    const onMessage = (message: unknown): void => {
      if (!isReadyMessage(message)) return;
      done();
      if (message.ok) resolve(message.result as T);
      else reject(fromWireError(message.error, details, prefix));
    };
    const onError = (error: unknown): void =>
      fail(error instanceof Error ? error.message : String(error), {}, error);
    const onExit = (exitCode: number): void =>
      fail(`it exited (code ${exitCode}) before it was ready`, { exitCode });
    // Timers run before messages in a turn of the event loop: a thread that
    // was blocked past the deadline would see its timer before a ready that
    // came in meanwhile. The check waits for the messages of that turn.
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (!settled) fail(`it was not ready after ${timeoutMs} ms`, { timeoutMs });
      });
    }, timeoutMs);
    timer.unref();
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
