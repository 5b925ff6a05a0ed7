/**
 * What record() returns before anything of the recording code has loaded: the
 * Recording at once, thenable, whose methods wait for the real one. Shared
 * by the lazy root export (index.ts) and record.ts; it imports nothing at run
 * time, so the core's import stays light.
 */

import type { RecordingStats } from '../abi/recording-stats.js';
import { warnUnlessObserved } from '../errors/warn.js';
import type { RecordingOptions } from './options.js';

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

export class StartingRecording implements PendingRecording {
  readonly output: string;
  readonly ready: Promise<Recording>;
  #observed = false;

  constructor(output: string, started: Promise<Recording>) {
    this.output = output;
    this.ready = started;
    // A recording that fails to start must not crash the application as an
    // unhandled rejection; unless someone awaits it, it is a warning.
    warnUnlessObserved(
      started,
      () => this.#observed,
      `markers: the recording into ${output} did not start`,
      'ERR_RECORDING_START',
    );
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
