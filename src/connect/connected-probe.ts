/**
 * A connected probe: the subscription that links one probe function to
 * every marker its pattern matches, and the handle `connect()` returns. Its
 * policy lives here, apart from the registry proper: markers of another
 * format are refused (refusal.ts), a failing probe is warned about once and
 * counted, and async calls are counted in flight.
 *
 * Quiescence (the kernel's synchronize_sched()): disconnect first removes the
 * probe from every marker, so no new call can start, then waits until the
 * calls already started have finished. A synchronous call can only be in
 * flight on the current stack, which unwinds before any promise callback runs;
 * an asynchronous one is counted from the moment the probe returns a thenable
 * until that thenable settles (settle below).
 */
import { shown } from '../errors/shown.js';
import { emitMarkersWarning } from '../errors/warn.js';
import type { Marker } from '../marker/marker.js';
import type { Link, MarkerEntryView, Subscription } from '../registry/link.js';
import type { Pattern } from '../registry/pattern.js';
import type { Registry } from '../registry/registry.js';
import { type Refusal, refusal, refused } from './refusal.js';

export interface SkippedMarker {
  readonly name: string;
  readonly format: string;
  readonly location: string;
  readonly reason: Refusal;
}

/** The handle `connect()` returns. */
export interface Probe {
  readonly name: string;
  readonly pattern: string;
  /** Names of the markers the probe is connected to now. */
  readonly markers: readonly string[];
  /** Matching markers the probe was not connected to, and why. */
  readonly skipped: readonly SkippedMarker[];
  /** Exceptions thrown and promises rejected by the probe so far. */
  readonly errors: number;
  /** Calls that returned a promise that has not settled yet. */
  readonly inflight: number;
  readonly connected: boolean;
  /**
   * Removes the probe from every marker, then resolves once no call of it is
   * in flight. Idempotent: every call returns the same promise.
   */
  disconnect(): Promise<void>;
}

export type ProbeFunction = (marker: never, ...args: never[]) => unknown;

export class ConnectedProbe implements Subscription, Probe {
  readonly kind = 'probe';
  seq = 0;
  // Set by the constructor (declared only: no field initialisers to carry).
  declare readonly pattern: string;
  declare readonly name: string;
  declare readonly matcher: Pattern;
  readonly #registry: Registry;
  readonly #fn: ProbeFunction;
  readonly #format: string | undefined;
  readonly #markers = new Set<string>();
  readonly #skipped: SkippedMarker[] = [];
  #inflight = 0;
  #drained: (() => void) | undefined;
  #errors = 0;
  #disconnected: Promise<void> | undefined;

  constructor(
    registry: Registry,
    matcher: Pattern,
    fn: ProbeFunction,
    format: string | undefined,
    name: string,
  ) {
    this.#registry = registry;
    this.#fn = fn;
    this.#format = format;
    this.pattern = matcher.source;
    this.name = name;
    this.matcher = matcher;
  }

  get markers(): readonly string[] {
    return [...this.#markers];
  }
  get skipped(): readonly SkippedMarker[] {
    return [...this.#skipped];
  }
  get errors(): number {
    return this.#errors;
  }
  get inflight(): number {
    return this.#inflight;
  }
  get connected(): boolean {
    return this.#disconnected === undefined;
  }

  bind(entry: MarkerEntryView): Link | undefined {
    const reason = refusal(entry, this.#fn, this.#format);
    if (reason !== undefined) {
      this.#skipped.push({
        name: entry.name,
        format: entry.format,
        // A declared marker has a first location; bind only ever sees declared ones.
        location: entry.locations[0] as string,
        reason,
      });
      // An exact name was asked for, so its refusal is worth a warning; a glob just skips.
      if (this.matcher.exact) {
        const error = refused(this.name, entry, reason, this.#format);
        emitMarkersWarning(error.message, error.code);
      }
      return undefined;
    }
    this.#markers.add(entry.name);
    return { kind: 'probe', fn: this.#fn, subscription: this };
  }

  /**
   * Counts `result` in flight until it settles. It is the probe's own
   * thenable, whose `then` may call both callbacks, one twice, or throw
   * after calling one: adopted by a real promise, it settles once whatever
   * `then` does, so each call is released once and the count never goes
   * below zero. Counted after the chain is made (its callbacks run later):
   * if adopting it throws, the dispatcher reports that and nothing was counted.
   */
  settle(result: PromiseLike<unknown>, marker: object): void {
    Promise.resolve(result)
      .then(undefined, (error: unknown) => this.fail(error, marker))
      .then(() => {
        if (--this.#inflight === 0) this.#drained?.();
      });
    this.#inflight++;
  }

  /** Counts the error; the first one of the probe is also a warning. */
  fail(error: unknown, marker: object): void {
    if (++this.#errors !== 1) return;
    emitMarkersWarning(
      `probe "${this.name}" failed on marker "${(marker as Marker).name}": ${shown(error)} (fire's caller was not affected; later errors only count in probe.errors)`,
      'ERR_PROBE_FAILED',
    );
  }

  disconnect(): Promise<void> {
    if (this.#disconnected !== undefined) return this.#disconnected;
    this.#registry.unsubscribe(this);
    this.#markers.clear();
    this.#disconnected = new Promise<void>((resolve) => {
      this.#drained = resolve;
      if (this.#inflight === 0) resolve();
    });
    return this.#disconnected;
  }
}
