/**
 * What a child process reports to the runner: one line on stdout starting
 * with RESULT_PREFIX, followed by JSON. Anything else the child or a library
 * prints is passed through and ignored.
 */
import type { Metric } from './case.js';
import type { Summary } from './stats.js';
import { statusBits } from './v8-status.js';

export const RESULT_PREFIX = '@@bench-result ';

export interface LoopResult {
  readonly kind: 'loop';
  readonly iterations: number;
  readonly rounds: number;
  /** ns per iteration of the uninstrumented loop, over rounds. */
  readonly baseline: Summary;
  /** ns per iteration of the case's loop, over rounds. */
  readonly instrumented: Summary;
  /** Per round: case minus the baseline run next to it, ns per iteration. */
  readonly delta: Summary;
  /** Median case time over median baseline time. */
  readonly ratio: number;
  /**
   * V8's optimisation status bits of the case loop after the last round
   * (from %GetOptimizationStatus), or null when natives syntax is off.
   */
  readonly optStatus: number | null;
}

export interface CustomResult {
  readonly kind: 'custom';
  readonly metrics: readonly Metric[];
}

export type ChildResult = LoopResult | CustomResult;

/** %GetOptimizationStatus bits that matter here, for this process's V8 (see v8-status.ts). */
export const OptStatus = statusBits();
