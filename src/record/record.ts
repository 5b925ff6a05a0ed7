/**
 * record(): the in-process recording API of the DESIGN. The session and the
 * file writing run in a consumer worker (consumer-worker.ts), off the
 * application's thread; this module only forwards the calls to it.
 */
import { once } from 'node:events';
import { resolve } from 'node:path';
import { threadId, type Worker } from 'node:worker_threads';
import { MarkersError } from '../errors/markers-error.js';
import { spawnInternalWorker } from '../threads/spawn.js';
import { prepareTraceDirectory } from '../trace/writer.js';
import { type RecordingOptions, type RecordingStats, resolveOptions } from './session.js';

export interface RecordOptions extends RecordingOptions {
  /** The trace directory: created, and refused if it exists and is not empty. */
  readonly output: string;
}

export interface Recording {
  readonly output: string;
  /** Live counters: recorded, discarded, overwritten, lost, per thread. */
  stats(): Promise<RecordingStats>;
  /** Writes what the buffers hold now into `dir` (a new or empty directory); the recording goes on. */
  snapshot(dir: string): Promise<RecordingStats>;
  /** Stops recording in every thread and finishes the trace directory. Idempotent. */
  stop(): Promise<RecordingStats>;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { code: string; message: string };
}

const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './consumer-worker.ts' : './consumer-worker.js',
  import.meta.url,
);

class WorkerRecording implements Recording {
  readonly output: string;
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #stopped: Promise<RecordingStats> | undefined;

  constructor(worker: Worker, output: string) {
    this.#worker = worker;
    this.output = output;
    worker.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.ok) pending.resolve(reply.result);
      else {
        const error = reply.error ?? { code: 'ERR_HANDLER_FAILED', message: 'no error given' };
        pending.reject(new MarkersError(error.code, error.message));
      }
    });
    worker.on('error', (error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  call(op: string, extra: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Awaiting a reply keeps the process alive; an idle consumer does not.
      this.#worker.ref();
      this.#worker.postMessage({ id, op, ...extra });
    });
  }

  stats(): Promise<RecordingStats> {
    return this.call('stats') as Promise<RecordingStats>;
  }

  snapshot(dir: string): Promise<RecordingStats> {
    const path = resolve(dir);
    prepareTraceDirectory(path);
    return this.call('snapshot', { dir: path }) as Promise<RecordingStats>;
  }

  stop(): Promise<RecordingStats> {
    this.#stopped ??= (async () => {
      try {
        return (await this.call('stop')) as RecordingStats;
      } finally {
        await this.#worker.terminate();
      }
    })();
    return this.#stopped;
  }
}

async function start(options: RecordOptions): Promise<Recording> {
  resolveOptions(options);
  if (typeof options.output !== 'string' || options.output === '') {
    throw new MarkersError('ERR_INVALID_ARGUMENT', 'record() needs an output directory', {
      option: 'output',
    });
  }
  const output = resolve(options.output);
  prepareTraceDirectory(output);
  const worker = spawnInternalWorker(WORKER_URL, 'markers-consumer');
  // The consumer never keeps the application alive: stop() is what finishes the trace.
  worker.unref();
  const [first] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([error]) => {
      throw error;
    }),
  ])) as [unknown];
  if (first !== 'ready') throw new Error(`markers consumer worker sent ${String(first)}`);
  const recording = new WorkerRecording(worker, output);
  const { output: _, ...sessionOptions } = options;
  try {
    await recording.call('start', { options: sessionOptions, dir: output, caller: threadId });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return recording;
}

/**
 * What record() returns: the Recording at once, and a promise of it that
 * resolves once every thread records (or rejects if the recording could not
 * start). Both `record(o).stop()` and `await record(o)` work; awaiting makes
 * sure no event fired afterwards is missed, because each thread attaches its
 * recorder from its own event loop.
 */
export interface PendingRecording extends Recording, PromiseLike<Recording> {
  /** The same promise `await record(...)` waits for. */
  readonly ready: Promise<Recording>;
  catch<T = never>(
    onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null,
  ): Promise<Recording | T>;
}

class StartingRecording implements PendingRecording {
  readonly output: string;
  readonly ready: Promise<Recording>;
  #observed = false;

  constructor(output: string, started: Promise<Recording>) {
    this.output = output;
    this.ready = started;
    // A recording that fails to start must not crash the application as an
    // unhandled rejection; unless someone awaits it, it is a warning.
    started.catch((error: unknown) => {
      if (this.#observed) return;
      const code = (error as { code?: unknown })?.code;
      process.emitWarning(
        `markers: the recording into ${output} did not start: ${(error as Error)?.message ?? String(error)}`,
        { type: 'MarkersWarning', code: typeof code === 'string' ? code : 'ERR_RECORDING_START' },
      );
    });
  }

  // biome-ignore lint/suspicious/noThenProperty: a PromiseLike on purpose, so `await record(...)` works
  then<T1 = Recording, T2 = never>(
    onFulfilled?: ((value: Recording) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    this.#observed = true;
    return this.ready.then(onFulfilled, onRejected);
  }

  catch<T = never>(
    onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null,
  ): Promise<Recording | T> {
    this.#observed = true;
    return this.ready.catch(onRejected);
  }

  async stats(): Promise<RecordingStats> {
    this.#observed = true;
    return (await this.ready).stats();
  }

  async snapshot(dir: string): Promise<RecordingStats> {
    this.#observed = true;
    return (await this.ready).snapshot(dir);
  }

  async stop(): Promise<RecordingStats> {
    this.#observed = true;
    return (await this.ready).stop();
  }
}

/**
 * Starts recording the markers `options.markers` matches, in every thread
 * (and threads started later), into the trace directory `options.output`.
 * Returns the Recording at once; await it to know every thread records.
 *
 * @throws (through the promise) MarkersError ERR_INVALID_ARGUMENT,
 *   ERR_INVALID_PATTERN, ERR_TRACE_DIR_NOT_EMPTY, ERR_TRACE_WRITE.
 */
export function record(options: RecordOptions): PendingRecording {
  const output =
    typeof options?.output === 'string' && options.output !== '' ? resolve(options.output) : '';
  return new StartingRecording(output, start(options));
}
