/**
 * What the root export's aggregate() returns before the aggregation code has
 * loaded: the aggregation at once, thenable, whose methods wait for the real
 * one (as record() does, see record/pending.ts). It imports nothing at run
 * time but the core's warning helper, so `import 'markers'` stays light.
 *
 * Option errors (a bad pattern, a `where` that does not parse) arrive
 * through the promise, since checking them needs the aggregation code.
 */

import type { AggregateSpec } from '../abi/aggregate.js';
import { warnUnlessObserved } from '../errors/warn.js';
import type { Aggregation, PendingAggregation } from './aggregate.js';

export class StartingAggregation implements PendingAggregation {
  readonly id: string;
  readonly ready: Promise<Aggregation>;
  /** Boxed: a promise resolved with a thenable would wait for the thenable instead. */
  readonly #loaded: Promise<{ readonly real: PendingAggregation }>;
  #real: PendingAggregation | undefined;
  #observed = false;

  constructor(id: string, load: () => Promise<{ readonly real: PendingAggregation }>) {
    this.id = id;
    this.#loaded = load().then((box) => {
      this.#real = box.real;
      return box;
    });
    this.ready = this.#loaded.then((box) => box.real.ready);
    // An aggregation that fails to start must not crash the application as an
    // unhandled rejection; unless someone awaits it, it is a warning.
    warnUnlessObserved(
      this.ready,
      () => this.#observed,
      'markers: the aggregation did not start',
      'ERR_AGGREGATE_START',
    );
  }

  /** The checked options; undefined until the aggregation code has loaded (await the aggregation). */
  get spec(): AggregateSpec | undefined {
    return this.#real?.spec;
  }

  get markers(): readonly string[] {
    return this.#real?.markers ?? [];
  }

  get problems(): Aggregation['problems'] {
    return this.#real?.problems ?? [];
  }

  // biome-ignore lint/suspicious/noThenProperty: a PromiseLike on purpose, so `await aggregate(...)` works
  then<T1 = Aggregation, T2 = never>(
    onFulfilled?: ((value: Aggregation) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    this.#observed = true;
    return this.ready.then(onFulfilled, onRejected);
  }

  async read(): ReturnType<Aggregation['read']> {
    this.#observed = true;
    return (await this.ready).read();
  }

  async snapshot(): ReturnType<Aggregation['snapshot']> {
    this.#observed = true;
    return (await this.ready).snapshot();
  }

  /** Detaches everywhere; works on an aggregation whose start failed too (nothing to detach). */
  async stop(): ReturnType<Aggregation['stop']> {
    this.#observed = true;
    return (await this.#loaded).real.stop();
  }
}
