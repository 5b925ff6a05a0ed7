/**
 * A link joins one marker to one thing that runs when it fires: a probe
 * (call mode) or a recorder (record mode). Links are created by a
 * Subscription, which owns them and receives their errors.
 */
import type { Pattern } from './pattern.js';

export const LinkKind = { PROBE: 'probe', RECORD: 'record' } as const;
export type LinkKind = (typeof LinkKind)[keyof typeof LinkKind];

/** Receives what a link's function did besides returning: a promise, or an error. */
export interface LinkOwner {
  /** `result` is a thenable the function returned; the owner tracks it until it settles. */
  settle(result: PromiseLike<unknown>, marker: object): void;
  /** The function threw. Must not throw itself. */
  fail(error: unknown, marker: object): void;
}

export interface Link {
  readonly kind: LinkKind;
  /** Called as fn(marker, ...args). */
  readonly fn: (marker: never, ...args: never[]) => unknown;
  readonly owner: LinkOwner;
  readonly subscription: Subscription;
}

/** Anything attached by pattern: a connected probe, or a recording. */
export interface Subscription {
  readonly matcher: Pattern;
  readonly kind: LinkKind;
  /** Order of connection; links on a marker run in increasing seq. Set by the registry. */
  seq: number;
  /**
   * The link to add to a marker that matches the pattern, now or when it is
   * declared later; undefined to leave that marker alone (the subscription
   * records why). Must not throw.
   */
  bind(entry: MarkerEntryView): Link | undefined;
}

/** What a subscription may read of a marker while binding. */
export interface MarkerEntryView {
  readonly name: string;
  readonly format: string;
  readonly fields: readonly import('../marker/format.js').Field[];
  /** The field that pairs this marker's x_start with its x_end, as declared; see pairing/rule.ts. */
  readonly key: string | undefined;
  readonly locations: readonly string[];
  readonly links: readonly Link[];
}
