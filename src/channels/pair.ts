/**
 * An operation seen through diagnostics channels as a `x_start`/`x_end`
 * marker pair, joined by a key object the channels share (the request, a
 * tracing channel's context object).
 *
 * `begin` fires `x_start` and, only while `x_end` is enabled, remembers the
 * operation under its key in a WeakMap: the start time (`performance.now()`)
 * and the start's arguments, which `x_end` repeats before its own fields so
 * that a reader can tell which operation ended. `finish` fires `x_end` once
 * per operation with `ms` measured from its own start, whatever order
 * overlapping operations end in. An operation that never ends (an aborted
 * response, a subscriber that joined mid-operation) is simply collected with
 * its key: nothing is kept per operation that the application does not hold.
 */
import type { Marker } from '../marker/marker.js';

// performance.now bound on first use, not at import: the first read of the
// global `performance` loads eleven of Node's perf_hooks modules, which the
// import of markers does not need (test/core-import-footprint.test.ts).
let boundNow: (() => number) | undefined;
function now(): number {
  boundNow ??= performance.now.bind(performance);
  return boundNow();
}

export interface OpenOperation {
  readonly t0: number;
  readonly args: readonly unknown[];
  /** A value learnt between start and end (a status code), or 0. */
  status: number;
  /** The error message, empty while none was seen. */
  error: string;
}

/** A one-line description of anything thrown or published as an error. Never throws. */
export function errorText(error: unknown): string {
  let text: string;
  try {
    text =
      error instanceof Error
        ? error.message === ''
          ? error.name
          : error.message
        : error === undefined || error === null
          ? ''
          : String(error);
  } catch {
    text = '';
  }
  // Never empty: an empty `error` field means "no error".
  return text === '' ? 'error' : text;
}

/** The fields every x_end ends with. */
export const END_FIELDS = 'ms %f error %s';

type Fire = (...args: unknown[]) => void;

export class Pair {
  readonly start: Marker;
  readonly end: Marker;
  readonly #open = new WeakMap<object, OpenOperation>();

  constructor(start: Marker, end: Marker) {
    this.start = start;
    this.end = end;
  }

  begin(key: unknown, args: readonly unknown[]): void {
    if (this.end.fire !== undefined && typeof key === 'object' && key !== null) {
      this.#open.set(key, { t0: now(), args, status: 0, error: '' });
    }
    const fire = this.start.fire as Fire | undefined;
    if (fire !== undefined) fire(...args);
  }

  /** The operation open under `key`, to note a status or an error on it. */
  get(key: unknown): OpenOperation | undefined {
    return typeof key === 'object' && key !== null ? this.#open.get(key) : undefined;
  }

  /** Fires `x_end` for the operation under `key` (once), with `extra` between its start arguments and `ms`. */
  finish(key: unknown, extra: readonly unknown[] = []): void {
    const op = this.get(key);
    if (op === undefined) return;
    this.#open.delete(key as object);
    const ms = now() - op.t0;
    const fire = this.end.fire as Fire | undefined;
    if (fire !== undefined) fire(...op.args, ...extra, ms, op.error);
  }
}
