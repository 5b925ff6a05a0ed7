/**
 * The root export's aggregate(): the same contract as aggregate.ts, whose
 * code (the thread fan-out, node:crypto, the coordinator) is imported on the
 * first call, not when markers is imported. The options are checked here, at
 * once, so a bad spec or where expression still throws synchronously; the
 * returned aggregation forwards to the real one once it is loaded.
 */
import { loadOnce } from '../lazy.js';
import type {
  AggregateSnapshot,
  Aggregation,
  PendingAggregation,
  ThreadProblem,
} from './aggregate.js';
import type { AggregateResult } from './snapshot/summarize.js';
import { type AggregateOptions, type AggregateSpec, resolveSpec } from './spec.js';

const load = loadOnce(() => import('./aggregate.js'));

class OnDemandAggregation implements PendingAggregation {
  readonly id: string;
  readonly spec: AggregateSpec;
  readonly ready: Promise<Aggregation>;
  // Boxed: a promise resolved with a PendingAggregation (a thenable) would adopt it.
  readonly #made: Promise<{ readonly real: PendingAggregation }>;
  #real: PendingAggregation | undefined;

  constructor(spec: AggregateSpec, made: Promise<{ readonly real: PendingAggregation }>) {
    this.id = spec.id;
    this.spec = spec;
    this.#made = made;
    this.ready = made.then(({ real }) => {
      this.#real = real;
      return real.ready;
    });
    // Unobserved, a failed start must not crash the host (as in aggregate.ts).
    this.ready.catch(() => {});
  }

  get markers(): readonly string[] {
    return this.#real?.markers ?? [];
  }

  get problems(): readonly ThreadProblem[] {
    return this.#real?.problems ?? [];
  }

  // biome-ignore lint/suspicious/noThenProperty: a PromiseLike on purpose, as aggregate.ts's
  then<T1 = Aggregation, T2 = never>(
    onFulfilled?: ((value: Aggregation) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.ready.then(onFulfilled, onRejected);
  }

  // The real aggregation's own methods, so a failed start behaves as there.
  async read(): Promise<AggregateResult> {
    return (await this.#made).real.read();
  }

  async snapshot(): Promise<AggregateSnapshot> {
    return (await this.#made).real.snapshot();
  }

  async stop(): Promise<AggregateResult> {
    return (await this.#made).real.stop();
  }
}

/** See aggregate.ts. @throws MarkersError at once for options that are wrong anywhere. */
export function aggregate(
  options: AggregateOptions,
  internal: { readonly timeoutMs?: number } = {},
): PendingAggregation {
  const id = globalThis.crypto.randomUUID();
  const spec = resolveSpec(options, id);
  return new OnDemandAggregation(
    spec,
    load().then((module) => ({ real: module.aggregate(options, { ...internal, id }) })),
  );
}
