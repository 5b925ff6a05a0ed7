/**
 * A serial operation queue: operations run one at a time, in the order they
 * were queued, each once the one before it has settled (resolved or
 * rejected). A failing operation rejects its own promise and nothing else:
 * the queue goes on with the next one, so one bad request cannot wedge the
 * ones behind it.
 *
 * What uses it: the probe module manager (one load or unload at a time), the
 * flight recorder's commands (two CLIs cannot interleave a restart), the
 * control client's frame handlers (frames handled in arrival order) and a
 * recording's drains (never two over one ring).
 */

const settle = (): void => {};

export class SerialQueue {
  /** The last operation queued, settled either way: it never rejects. */
  #tail: Promise<void> = Promise.resolve();

  /** Queues `operation`; resolves or rejects as it does, once it ran. */
  run<T>(operation: () => T | PromiseLike<T>): Promise<T> {
    const next = this.#tail.then(operation);
    this.#tail = next.then(settle, settle);
    return next;
  }

  /** Resolves once every operation queued so far has settled; never rejects. */
  settled(): Promise<void> {
    return this.#tail;
  }
}
