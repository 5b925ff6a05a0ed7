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
import { coreError } from '../errors/core-codes.js';
import type { MarkersError } from '../errors/markers-error.js';
import { emitMarkersWarning } from '../errors/warn.js';
import { parseFormat } from '../marker/format.js';
import type { Link, LinkOwner, MarkerEntryView, Subscription } from './link.js';
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

type Refusal = SkippedMarker['reason'];

/** Why `fn`, expecting `format` (if given), may not be linked to `entry`; undefined when it may. */
function refusal(
  entry: MarkerEntryView,
  fn: unknown,
  format: string | undefined,
): Refusal | undefined {
  return format !== undefined && entry.format !== format
    ? 'format-mismatch'
    : entry.links.some((link) => link.kind === 'probe' && link.fn === fn)
      ? 'already-connected'
      : undefined;
}

/**
 * The error of a refusal: thrown by connect() for the markers that exist,
 * emitted as a warning for an exact-name marker declared later (its
 * declaration must not throw: that would break the library declaring it).
 */
function refused(
  probe: string,
  entry: MarkerEntryView,
  reason: Refusal,
  format: string | undefined,
): MarkersError {
  const declared = entry.locations[0];
  const what = `probe "${probe}" cannot connect to marker "${entry.name}" declared at ${declared}: `;
  return reason === 'format-mismatch'
    ? coreError(
        'ERR_FORMAT_MISMATCH',
        `${what}the probe expects format "${format}", the marker has "${entry.format}"`,
        { marker: entry.name, format, expected: entry.format, declared, probe },
      )
    : coreError('ERR_ALREADY_CONNECTED', `${what}the same function is already connected to it`, {
        marker: entry.name,
        probe,
      });
}

/** What was thrown, as text: "Name: message" for an Error (its toString); never throws. */
function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    return typeof error;
  }
}

class ProbeSubscription implements Subscription, LinkOwner, Probe {
  readonly kind = 'probe';
  seq = 0;
  readonly pattern: string;
  readonly name: string;
  readonly matcher: Pattern;
  readonly #registry: Registry;
  readonly #fn: ProbeFunction;
  readonly #format: string | undefined;
  readonly #markers = new Set<string>();
  readonly #skipped: SkippedMarker[] = [];
  /** Resolves the disconnect promise once no call is in flight. */
  #drained: (() => void) | undefined;
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
    return { kind: 'probe', fn: this.#fn, owner: this, subscription: this };
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
    if (++this.#errors !== 1) return;
    emitMarkersWarning(
      `probe "${this.name}" failed on marker "${String((marker as { name?: unknown }).name)}": ${describe(error)} (the caller of fire was not affected; later errors of this probe are counted in probe.errors, not reported)`,
      'ERR_PROBE_FAILED',
    );
  }

  #release(): void {
    if (--this.#inflight === 0) this.#drained?.();
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
  // A marker object connects by its name.
  const named = registry.entryOf(target)?.name ?? target;
  if (typeof fn !== 'function') {
    throw coreError(
      'ERR_INVALID_PROBE',
      `probe for ${typeof named === 'string' ? `"${named}"` : String(named)} must be a function, got ${fn === null ? 'null' : typeof fn}`,
      { pattern: String(named) },
    );
  }
  const matcher = compilePattern(named);
  const format = options.format;
  if (format !== undefined) parseFormat(format, matcher.source);
  const name = options.name ?? (fn.name || 'anonymous');
  for (const entry of registry.entries()) {
    if (!matcher.matches(entry.name)) continue;
    // An exact name of another format is refused; a glob skips such markers (see bind).
    const reason = refusal(entry, fn, matcher.exact ? format : undefined);
    if (reason !== undefined) throw refused(name, entry, reason, format);
  }
  const probe = new ProbeSubscription(registry, matcher, fn as ProbeFunction, format, name);
  registry.subscribe(probe);
  return probe;
}
