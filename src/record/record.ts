/**
 * record(): the in-process recording API of the DESIGN. The consumer and the
 * file writing run in a consumer worker (consumer/consumer-worker.ts), off the
 * application's thread; this module only forwards the calls to it.
 */
import { resolve } from 'node:path';
import { threadId, type Worker } from 'node:worker_threads';
import type { ConsumerOp, ConsumerOps, PortReply, PortRequest } from '../abi/ports.js';
import type { RecordingStats } from '../abi/recording-stats.js';
import { fromWireError } from '../abi/wire-error.js';
import { ErrorCode, MarkersError } from '../errors/markers-error.js';
import { ownFile } from '../own-files.js';
import { whenReady } from '../threads/ready.js';
import { spawnInternalWorker } from '../threads/spawn.js';
import { prepareTraceDirectory } from '../trace/writer.js';
import { resolveOptions } from './options.js';
import {
  type PendingRecording,
  type Recording,
  type RecordOptions,
  StartingRecording,
} from './pending.js';

export type { PendingRecording, Recording, RecordOptions };

/** How long stop() waits for the consumer's goodbye before terminating it anyway. */
const CLOSE_WAIT_MS = 1000;

const WORKER_URL = ownFile('consumer-worker');

class WorkerRecording implements Recording {
  readonly output: string;
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #stopped: Promise<RecordingStats> | undefined;
  #exited = false;

  constructor(worker: Worker, output: string) {
    this.#worker = worker;
    this.output = output;
    worker.on('message', (reply: PortReply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      // The consumer's error with its code and details, as if thrown here.
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(fromWireError(reply.error));
    });
    worker.once('exit', () => {
      this.#exited = true;
    });
    worker.on('error', (error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  call<Op extends ConsumerOp>(
    op: Op,
    args: ConsumerOps[Op]['args'],
  ): Promise<ConsumerOps[Op]['result']> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // Awaiting a reply keeps the process alive; an idle consumer does not.
      this.#worker.ref();
      this.#worker.postMessage({ id, op, args } satisfies PortRequest);
    });
  }

  stats(): Promise<RecordingStats> {
    return this.call('stats', {}) as Promise<RecordingStats>;
  }

  /** Ends the consumer worker, after it told the other threads it is leaving (bounded wait). */
  async close(): Promise<void> {
    if (!this.#exited) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.call('close', {}).catch(() => {}),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.#worker.terminate();
  }

  snapshot(dir: string): Promise<RecordingStats> {
    const path = resolve(dir);
    prepareTraceDirectory(path);
    return this.call('snapshot', { dir: path }) as Promise<RecordingStats>;
  }

  stop(): Promise<RecordingStats> {
    this.#stopped ??= (async () => {
      try {
        return (await this.call('stop', {})) as RecordingStats;
      } finally {
        await this.close();
      }
    })();
    return this.#stopped;
  }
}

/** Starts a recording and resolves once every thread records (the lazy root record() calls this). */
export async function startRecording(options: RecordOptions): Promise<Recording> {
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
  try {
    await whenReady(worker, { what: 'recording consumer', code: ErrorCode.WORKER_START });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const recording = new WorkerRecording(worker, output);
  const { output: _, ...recordingOptions } = options;
  try {
    await recording.call('start', { options: recordingOptions, dir: output, caller: threadId });
  } catch (error) {
    await recording.close();
    throw error;
  }
  return recording;
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
  return new StartingRecording(output, startRecording(options));
}
