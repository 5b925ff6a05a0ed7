/**
 * A link joins one marker to one thing that runs when it fires: a probe
 * (call mode) or a recording's encoder (record mode). Links are made by a
 * Subscription, which owns them and receives what their functions did
 * besides returning.
 */
import type { Field } from '../marker/format.js';
import type { Pattern } from './pattern.js';

/**
 * What a link's function is: a probe, called with the marker and the
 * arguments (a connected probe or an aggregation's sink), or a ring writer,
 * a recording's generated encoder that writes the event into the thread's
 * ring. listMarkers() counts the probes; a marker's mode says which kinds it has.
 */
export const LinkKind = { PROBE: 'probe', RING_WRITER: 'ring-writer' } as const;
export type LinkKind = (typeof LinkKind)[keyof typeof LinkKind];

export interface Link {
  readonly kind: LinkKind;
  /** Called as fn(marker, ...args). */
  readonly fn: (marker: never, ...args: never[]) => unknown;
  /** What made the link: the dispatcher hands it the function's promise or error. */
  readonly subscription: Subscription;
}

/** Anything attached by pattern: a connected probe, a recording, an aggregation. */
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
  /**
   * A link's function returned `result`, a thenable; the subscription tracks
   * it until it settles. Must not throw.
   */
  settle(result: PromiseLike<unknown>, marker: object): void;
  /** A link's function threw `error`. Must not throw. */
  fail(error: unknown, marker: object): void;
}

/** What a subscription may read of a marker while binding. */
export interface MarkerEntryView {
  readonly name: string;
  readonly format: string;
  readonly fields: readonly Field[];
  /** The field that pairs this marker's x_start with its x_end, as declared; see pairing/rule.ts. */
  readonly key: string | undefined;
  readonly locations: readonly string[];
  readonly links: readonly Link[];
}
