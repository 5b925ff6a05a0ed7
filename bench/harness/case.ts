/**
 * What a benchmark suite is made of. A suite is a file in bench/suites/ whose
 * default export is a `Suite`; the runner discovers it by its file name, so
 * adding a suite is adding a file.
 *
 * Two kinds of case exist:
 *   - a loop case names a snippet of JavaScript that the harness pastes into
 *     its own copy of the hot loop; the runner reports its cost as the extra
 *     ns per iteration over the same loop without the snippet;
 *   - a custom case measures itself (throughput, latency) and returns figures.
 * Every case runs in a child process of its own, so the feedback and deopts
 * one case causes never reach another.
 */

/** Values the loop snippet refers to by name, created in the child process. */
export type Bindings = Readonly<Record<string, unknown>>;

/** What `prepare` gets: the case's own compiled loop, to build feedback history. */
export interface PrepareContext {
  readonly bindings: Bindings;
  /** Runs the case's loop for `iterations` iterations (result discarded). */
  run(iterations: number): void;
}

export interface LoopCase {
  readonly kind: 'loop';
  /** Unique across suites, kebab-case; `--filter` matches against `suite/name`. */
  readonly name: string;
  /** One line for the table. */
  readonly title: string;
  /** True for cases that measure someone else's library, shown as peers. */
  readonly peer?: boolean;
  /** The target from DESIGN.md, in extra ns per iteration; the report marks a miss. */
  readonly targetNs?: number;
  /** Creates what `body` refers to. Runs once, in the child, before anything else. */
  setup(): Bindings | Promise<Bindings>;
  /**
   * JavaScript pasted into the loop. In scope: `a` (an int32), `b` (a float),
   * `s` (a short string), and every key of the bindings as a `const`.
   */
  readonly body: string;
  /**
   * Runs after setup with the compiled case loop, before warm-up: the place
   * to enable and disable markers while the loop runs, so its feedback has a
   * history, as it would in a long-lived process.
   */
  prepare?(context: PrepareContext): void | Promise<void>;
}

/** A figure a custom case reports, e.g. events per second. */
export interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Optional spread of the same figure over rounds, e.g. p25 and p75. */
  readonly low?: number;
  readonly high?: number;
  /** The target, when DESIGN.md states one; `better` says which side passes. */
  readonly target?: { readonly value: number; readonly better: 'lower' | 'higher' };
}

export interface CustomCase {
  readonly kind: 'custom';
  readonly name: string;
  readonly title: string;
  readonly peer?: boolean;
  /** Runs in a child process of its own; `quick` asks for a short smoke run. */
  measure(options: { readonly quick: boolean }): Metric[] | Promise<Metric[]>;
}

export type BenchCase = LoopCase | CustomCase;

export interface Suite {
  /** A sentence for the report header. */
  readonly description: string;
  readonly cases: readonly BenchCase[];
}

/** Identity helper that gives suite files type checking without a cast. */
export function defineSuite(suite: Suite): Suite {
  return suite;
}
