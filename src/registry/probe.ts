/**
 * Connected probes: the subscription that links one probe function to every
 * marker its pattern matches, and the handle `connect()` returns.
 *
 * Quiescence (the kernel's synchronize_sched()): disconnect first removes the
 * probe from every marker, so no new call can start, then waits until the
 * calls already started have finished. A synchronous call can only be in
 * flight on the current stack, which unwinds before any promise callback runs;
 * an asynchronous one is counted from the moment the probe returns a promise
 * until that promise settles.
 */
// The core's codes only: a browser bundle leaves the rest of the table out.
import { CoreErrorCode as ErrorCode } from '../errors/core-codes.js';
import { MarkersError } from '../errors/markers-error.js';
import { emitMarkersWarning } from '../errors/warn.js';
import { parseFormat } from '../marker/format.js';
import {
  type Link,
  LinkKind,
  type LinkOwner,
  type MarkerEntryView,
  type Subscription,
} from './link.js';
import { compilePattern, type Pattern } from './pattern.js';
import type { Registry } from './registry.js';

export interface ConnectOptions {
  /** The format the probe expects; markers with another format are refused (exact name) or skipped (pattern). */
  readonly format?: string;
  /** A name for reports and warnings; defaults to the function's name. */
  readonly name?: string;
}

export interface SkippedMarker {
  readonly name: string;
  readonly format: string;
  readonly location: string;
  readonly reason: 'format-mismatch' | 'already-connected';
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

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return typeof error;
  }
}

class ProbeSubscription implements Subscription, LinkOwner, Probe {
  readonly kind = LinkKind.PROBE;
  seq = 0;
  readonly pattern: string;
  readonly name: string;
  readonly matcher: Pattern;
  readonly #registry: Registry;
  readonly #fn: ProbeFunction;
  readonly #format: string | undefined;
  readonly #markers = new Set<string>();
  readonly #skipped: SkippedMarker[] = [];
  readonly #drained: (() => void)[] = [];
  #errors = 0;
  #inflight = 0;
  #disconnected: Promise<void> | undefined;

  constructor(
    registry: Registry,
    matcher: Pattern,
    fn: ProbeFunction,
    format: string | undefined,
    name: string,
  ) {
    this.#registry = registry;
    this.matcher = matcher;
    this.pattern = matcher.source;
    this.#fn = fn;
    this.#format = format;
    this.name = name;
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
    const reason =
      this.#format !== undefined && entry.format !== this.#format
        ? 'format-mismatch'
        : entry.links.some((link) => link.kind === LinkKind.PROBE && link.fn === this.#fn)
          ? 'already-connected'
          : undefined;
    if (reason !== undefined) {
      this.#skipped.push({
        name: entry.name,
        format: entry.format,
        location: entry.locations[0] ?? 'unknown',
        reason,
      });
      // A marker declared after an exact-name connect cannot throw at its
      // declaration (that would break the library declaring it), so say it here.
      if (this.matcher.exact) {
        this.#warn(
          `probe "${this.name}" was not connected to marker "${entry.name}" declared at ${entry.locations[0]}: ${
            reason === 'format-mismatch'
              ? `the probe expects format "${this.#format}", the marker has "${entry.format}"`
              : 'the same function is already connected to it'
          }`,
          reason === 'format-mismatch' ? ErrorCode.FORMAT_MISMATCH : ErrorCode.ALREADY_CONNECTED,
        );
      }
      return undefined;
    }
    this.#markers.add(entry.name);
    return { kind: LinkKind.PROBE, fn: this.#fn, owner: this, subscription: this };
  }

  settle(result: PromiseLike<unknown>, marker: object): void {
    this.#inflight++;
    try {
      result.then(
        () => this.#release(),
        (error: unknown) => {
          this.fail(error, marker);
          this.#release();
        },
      );
    } catch (error) {
      this.fail(error, marker);
      this.#release();
    }
  }

  fail(error: unknown, marker: object): void {
    this.#errors++;
    if (this.#errors !== 1) return;
    const markerName = (marker as { name?: unknown }).name;
    this.#warn(
      `probe "${this.name}" failed on marker "${String(markerName)}": ${describe(error)}. The caller of fire was not affected; later errors of this probe are counted, not reported.`,
      'ERR_PROBE_FAILED',
    );
  }

  #warn(message: string, code: string): void {
    emitMarkersWarning(message, code);
  }

  #release(): void {
    this.#inflight--;
    if (this.#inflight === 0) {
      for (const resolve of this.#drained.splice(0)) resolve();
    }
  }

  disconnect(): Promise<void> {
    if (this.#disconnected !== undefined) return this.#disconnected;
    this.#registry.unsubscribe(this);
    this.#markers.clear();
    this.#disconnected = new Promise<void>((resolve) => {
      if (this.#inflight === 0) resolve();
      else this.#drained.push(resolve);
    });
    return this.#disconnected;
  }
}

/**
 * Connects `fn` to the markers `target` names. Everything that can fail is
 * checked before anything is attached, so a failed connect changes nothing.
 */
export function connectProbe(
  registry: Registry,
  target: unknown,
  fn: unknown,
  options: ConnectOptions = {},
): Probe {
  if (typeof fn !== 'function') {
    const what = describeTarget(registry, target);
    throw new MarkersError(
      ErrorCode.INVALID_PROBE,
      `probe for ${what} must be a function, got ${fn === null ? 'null' : typeof fn}`,
      { pattern: what },
    );
  }
  const entryOfTarget = registry.entryOf(target);
  const matcher = compilePattern(entryOfTarget !== undefined ? entryOfTarget.name : target);
  const format = options.format;
  if (format !== undefined) parseFormat(format, matcher.source);
  const name = options.name ?? (fn.name !== '' ? fn.name : 'anonymous');
  const matching = [...registry.entries()].filter((entry) => matcher.matches(entry.name));
  for (const entry of matching) {
    if (matcher.exact && format !== undefined && entry.format !== format) {
      throw new MarkersError(
        ErrorCode.FORMAT_MISMATCH,
        `probe "${name}" expects marker "${entry.name}" to have format "${format}", but it was declared at ${entry.locations[0]} with format "${entry.format}"`,
        {
          marker: entry.name,
          format,
          expected: entry.format,
          declared: entry.locations[0],
          probe: name,
        },
      );
    }
    if (entry.links.some((link) => link.kind === LinkKind.PROBE && link.fn === fn)) {
      throw new MarkersError(
        ErrorCode.ALREADY_CONNECTED,
        `probe "${name}" is already connected to marker "${entry.name}"; disconnect it first`,
        { marker: entry.name, probe: name },
      );
    }
  }
  const probe = new ProbeSubscription(registry, matcher, fn as ProbeFunction, format, name);
  registry.subscribe(probe);
  return probe;
}

function describeTarget(registry: Registry, target: unknown): string {
  const entry = registry.entryOf(target);
  if (entry !== undefined) return `marker "${entry.name}"`;
  return typeof target === 'string' ? `"${target}"` : String(target);
}
