/**
 * The per-thread registry, the markers counterpart of the kernel's
 * kernel/tracepoint.c: the table from names to declaration sites, every
 * subscription (a connected probe, a recording, an aggregation), the link
 * list of each marker, and the transitions between them. What a marker
 * object is, and how its fire slot is filled and emptied, is marker/site.ts;
 * what a connected probe checks and counts is probe/.
 *
 * Link lists are copy-on-write: a change builds a new frozen array and a new
 * dispatcher over it, and publishes it with one store per site (markActive),
 * so a fire in progress finishes over the list it started with. The
 * transitions, per marker (see #setLinks):
 *   0 -> 1 links   the marker becomes active: every site gets a dispatcher, then activity()
 *   n -> m         every site gets a dispatcher over the new list
 *   1 -> 0         every site goes back to its off state, then activity()
 *
 * The registry is shared by every copy of the package loaded in this thread
 * (see global.ts), so everything that touches marker objects runs from here,
 * not from the module that exports `marker()`.
 */
import { REGISTRY_SLOT } from '../abi/globals.js';
import { coreError } from '../errors/core-codes.js';
import { type Field, parseFormat } from '../marker/format.js';
import { validateName } from '../marker/name.js';
import { createSite, markActive, markInactive, type Site } from '../marker/site.js';
import { VERSION } from '../version.js';
import { buildDispatcher, type HitCounter } from './dispatch.js';
import type { Link, MarkerEntryView, Subscription } from './link.js';
import { compilePattern } from './pattern.js';

export const MarkerMode = {
  OFF: 'off',
  CALL: 'call',
  RECORD: 'record',
  CALL_RECORD: 'call+record',
} as const;
export type MarkerMode = (typeof MarkerMode)[keyof typeof MarkerMode];

/** What `listMarkers` reports for one marker name. */
export interface MarkerInfo {
  readonly name: string;
  readonly format: string;
  readonly fields: readonly Field[];
  /** The pairing key field, when the marker declared one (`marker(name, format, { key })`). */
  readonly key?: string;
  /** Every site that declared this name, as file:line:column, in declaration order. */
  readonly locations: readonly string[];
  readonly enabled: boolean;
  readonly mode: MarkerMode;
  /** Connected probes (recorders not included). */
  readonly probes: number;
  /** Calls of fire while enabled. */
  readonly hits: number;
}

export interface MarkerEntry extends MarkerEntryView {
  readonly id: number;
  readonly sites: Site[];
  links: readonly Link[];
  readonly stats: HitCounter;
}

export class Registry {
  /** Bumped when the shape of this object changes incompatibly; see global.ts. */
  readonly abi = REGISTRY_SLOT.version;
  readonly version = VERSION;
  /** By name; protected for NodeRegistry's forget() and onActivity(). */
  protected readonly byName = new Map<string, MarkerEntry>();
  readonly #siteObjects = new WeakMap<object, MarkerEntry>();
  /** In connection order. */
  readonly #subscriptions = new Set<Subscription>();
  #nextSeq = 1;
  /** Entry ids are event ids in traces: never reused, even after forget(). */
  #nextId = 0;

  /**
   * Declares a marker site. A second declaration of a name must use the
   * same format (ERR_FORMAT_MISMATCH otherwise); the same location declaring
   * again (a `marker()` call inside a function) gets its first object back.
   */
  declare(name: string, format: string, location: string, key?: string): object {
    validateName(name);
    let entry = this.byName.get(name);
    if (entry !== undefined) {
      if (entry.format !== format || entry.key !== key) {
        // The format differs, or else the pairing key does.
        const f = entry.format !== format;
        const what = (fmt: string, k?: string) => (f ? `format "${fmt}"` : `key ${k}`);
        throw coreError(
          'ERR_FORMAT_MISMATCH',
          `marker "${name}" declared at ${location} with ${what(format, key)}, but first at ${entry.locations[0]} with ${what(entry.format, entry.key)}`,
          { marker: name, format, expected: entry.format, location, declared: entry.locations[0] },
        );
      }
      const same = entry.sites.find((site) => site.location === location);
      if (same !== undefined) return same.object;
    } else {
      const fields = parseFormat(format, name);
      if (key !== undefined && !fields.some((f) => f.name === key)) {
        throw coreError(
          'ERR_INVALID_KEY',
          `marker "${name}": key ${key} is not a field of format "${format}"`,
          { marker: name, key },
        );
      }
      entry = {
        id: this.#nextId++,
        name,
        format,
        fields,
        key,
        sites: [],
        locations: [],
        links: [],
        stats: { hits: 0 },
      };
      this.byName.set(name, entry);
    }
    const site = createSite(entry, location);
    this.#siteObjects.set(site.object, entry);
    entry.sites.push(site);
    (entry.locations as string[]).push(location);
    if (entry.sites.length === 1) {
      for (const subscription of this.#subscriptions) this.#bind(entry, subscription);
    } else if (entry.links.length > 0) {
      /* n -> n, one site more: the new site joins the active marker */
      markActive(site, buildDispatcher(entry.fields.length, entry.stats, site.object, entry.links));
    }
    return site.object;
  }

  /** The entry behind a marker object from any copy of the package, or undefined. */
  entryOf(object: unknown): MarkerEntry | undefined {
    // A WeakMap answers undefined for a key that is not an object.
    return this.#siteObjects.get(object as object);
  }

  entries(): IterableIterator<MarkerEntry> {
    return this.byName.values();
  }

  /**
   * Attaches a subscription to every matching marker, now and later. The
   * caller has checked everything that could fail: bind does not throw.
   */
  subscribe(subscription: Subscription): void {
    subscription.seq = this.#nextSeq++;
    this.#subscriptions.add(subscription);
    for (const entry of this.byName.values()) this.#bind(entry, subscription);
  }

  /** Detaches a subscription from every marker. Idempotent. */
  unsubscribe(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    for (const entry of this.byName.values()) {
      const links = entry.links.filter((link) => link.subscription !== subscription);
      if (links.length !== entry.links.length) this.#setLinks(entry, links);
    }
  }

  /** Markers whose name matches `pattern` (all when omitted), in declaration order. */
  list(pattern?: string): MarkerInfo[] {
    const matcher = pattern === undefined ? undefined : compilePattern(pattern);
    const out: MarkerInfo[] = [];
    for (const entry of this.byName.values()) {
      if (matcher !== undefined && !matcher.matches(entry.name)) continue;
      const probes = entry.links.filter((link) => link.kind === 'probe').length;
      const recorders = entry.links.length - probes;
      out.push({
        name: entry.name,
        format: entry.format,
        fields: entry.fields,
        ...(entry.key === undefined ? {} : { key: entry.key }),
        locations: [...entry.locations],
        enabled: entry.links.length > 0,
        // The values of MarkerMode, written out so that a bundle which does not import it leaves it out.
        mode:
          probes > 0 ? (recorders > 0 ? 'call+record' : 'call') : recorders > 0 ? 'record' : 'off',
        probes,
        hits: entry.stats.hits,
      });
    }
    return out;
  }

  /** Links `entry` to `subscription` if its pattern matches and it wants to. */
  #bind(entry: MarkerEntry, subscription: Subscription): void {
    if (!subscription.matcher.matches(entry.name)) return;
    const link = subscription.bind(entry);
    if (link === undefined) return;
    // Keep links in connection order: a subscription made earlier runs first,
    // even when the marker appears after both were made.
    this.#setLinks(
      entry,
      [...entry.links, link].sort((a, b) => a.subscription.seq - b.subscription.seq),
    );
  }

  /** Publishes `links` as the marker's list, and makes every site follow it. */
  #setLinks(entry: MarkerEntry, links: readonly Link[]): void {
    const was = entry.links.length > 0;
    entry.links = Object.freeze(links);
    const is = links.length > 0;
    for (const site of entry.sites) {
      if (is) {
        /* 0 -> 1, or n -> m: a dispatcher of its own over the new snapshot,
           a constant that optimised callers can fold and inline */
        markActive(site, buildDispatcher(entry.fields.length, entry.stats, site.object, links));
      } else {
        /* 1 -> 0: back to the off state, where V8 folds `fire?.()` away */
        markInactive(site);
      }
    }
    /* 0 -> 1 or 1 -> 0: the activity hooks are told after the fire slots are in place */
    if (was !== is) this.activity(entry.name, is);
  }

  /**
   * Called when marker `name` gains its first link (`active`) or loses its
   * last; nothing to do here. NodeRegistry (node-registry.ts) tells the
   * activity hooks of channel markers, which the browser core has none of.
   */
  protected activity(_name: string, _active: boolean): void {}
}
