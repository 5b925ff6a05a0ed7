/**
 * The per-thread registry, the markers counterpart of the kernel's
 * kernel/marker.c: it knows every declared marker and every subscription
 * (probe or recording), checks formats, and rebuilds fire slots when either
 * side changes.
 *
 * Each declaration site is three objects, a fixed chain:
 *
 *   marker object --> hook --> off   (fire: undefined, never written)
 *   (name, format,         \-> on    (fire: the dispatcher; a fresh object per change)
 *    fields, location)
 *
 * State changes, per marker, all on the hook's prototype:
 *   0 -> 1 links   point the hook at a fresh `on` object whose `fire` is the dispatcher
 *   n -> n±1       the same, over a new snapshot (copy-on-write)
 *   1 -> 0 links   point the hook back at `off`: V8 folds `fire?.()` away again.
 *
 * Why the hook: the marker object's own prototype never changes, so its
 * hidden class (map) is the one it was born with for its whole life. Swapping
 * the marker object's own prototype gave it a new map on every swap (V8
 * caches prototype transitions per source map, so the maps form an
 * ever-growing chain); after a few enable/disable cycles every inline cache
 * that loads `fire` went megamorphic, and a disabled marker cost a generic
 * lookup (7 ns) for good. With the hook, every load of `fire` sees one map,
 * stays monomorphic, and optimised code folds it through the prototype chain
 * under a map-stability dependency: a change deoptimises the code that uses
 * this marker (and no other), and the re-optimised code folds the new state.
 * The hook has no properties of its own and only its prototype changes, so
 * it stays a fast-mode object; its old maps and old `on` objects are garbage.
 *
 * Every object of the chain must also be a fast-mode (not dictionary-mode)
 * prototype whenever a compiler can look at it; see fastPrototype().
 *
 * Each declaration site has its own chain, so its hidden class is its own:
 * enabling one marker never deoptimises code that uses another.
 *
 * The registry is shared by every copy of the package loaded in this thread
 * (see global.ts), so everything that touches marker objects lives here,
 * not in the module that exports `marker()`.
 */
import { REGISTRY_SLOT } from '../abi/globals.js';
import { coreError } from '../errors/core-codes.js';
import { type Field, parseFormat } from '../marker/format.js';
import { validateName } from '../marker/name.js';
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

interface Site {
  readonly object: object;
  /** The marker object's prototype, for its whole life; its own prototype is `off` or an `on`. */
  readonly hook: object;
  /** The off state; `fire` on it is undefined and never written. */
  readonly off: object;
  readonly location: string;
}

export interface MarkerEntry extends MarkerEntryView {
  readonly id: number;
  readonly sites: Site[];
  links: readonly Link[];
  readonly stats: HitCounter;
}

/**
 * Told when a marker name gains its first link in this thread (0 -> 1: a
 * probe or a recorder now wants its events) and loses its last (1 -> 0).
 * Channel markers subscribe to their diagnostics channel only in between.
 * Both run inside the registry's update and must not throw (they are guarded).
 */
export interface ActivityHook {
  activate(): void;
  deactivate(): void;
}

/** The prototype shared by every marker object: only what is the same for all. */
const MarkerPrototype = Object.defineProperties(
  {},
  {
    [Symbol.toStringTag]: { value: 'Marker' },
    toJSON: {
      value(this: { name: string; format: string; location: string; enabled: boolean }) {
        return {
          name: this.name,
          format: this.format,
          location: this.location,
          enabled: this.enabled,
        };
      },
    },
  },
);

/**
 * Makes `state` a fast-mode prototype for good, before it is linked under a
 * hook where optimising compilers can see it.
 *
 * V8 turns an object into a dictionary when it first becomes a prototype
 * (expecting methods to be added to it), and turns it back only when a
 * property lookup walks the chain up to it; but that walk stops at the first
 * prototype already marked fast, which the hook is after its first lookup.
 * So every `on` swapped in under a hook stayed a dictionary for good, and
 * optimised code cannot fold a load from a dictionary-mode prototype: code
 * compiled while a marker was enabled called the generic LoadIC for `fire`,
 * which depends on no map, so no later toggle threw it away and the
 * disabled marker kept costing a lookup (6-15 ns) for the life of the
 * process. Whether that happened depended on whether the last compilation
 * of a caller fell in an enabled phase: the bimodal 1,000-cycle figures of
 * docs/bench.md. (The same befell `off` when a marker was enabled before
 * its first lookup.)
 *
 * Object.create makes `state` a prototype (a dictionary, still private to
 * us), and a for-in over the new object runs V8's walk from it, which marks
 * `state` fast and converts it: V8 then never normalises it again, here or
 * when it is linked. test/registry-churn-monomorphic.test.ts checks the
 * outcome with V8 itself on every supported Node.
 */
function fastPrototype(state: object): void {
  for (const key in Object.create(state)) void key;
}

/**
 * An `off` (no dispatcher) or `on` state object: what a marker's hook points
 * at, made a fast-mode prototype before anything can see it.
 */
function markerState(fire?: (...args: never[]) => void): object {
  const state = Object.create(MarkerPrototype, {
    fire: { value: fire },
    enabled: { value: fire !== undefined },
  });
  fastPrototype(state);
  return state;
}

export class Registry {
  /** Bumped when the shape of this object changes incompatibly; see global.ts. */
  readonly abi = REGISTRY_SLOT.version;
  readonly version = VERSION;
  readonly #entries = new Map<string, MarkerEntry>();
  readonly #siteObjects = new WeakMap<object, MarkerEntry>();
  /** In connection order. */
  readonly #subscriptions = new Set<Subscription>();
  /** By marker name; may be set before the name is declared. */
  readonly #activity = new Map<string, ActivityHook>();
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
    let entry = this.#entries.get(name);
    if (entry !== undefined) {
      if (entry.format !== format || entry.key !== key) {
        // The format differs, or else the pairing key does.
        const f = entry.format !== format;
        throw coreError(
          'ERR_FORMAT_MISMATCH',
          `marker "${name}" declared at ${location} with ${f ? `format "${format}"` : `key ${key}`}, but it was declared at ${entry.locations[0]} with ${f ? `format "${entry.format}"` : `key ${entry.key}`}`,
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
      this.#entries.set(name, entry);
    }
    const site = this.#createSite(entry, location);
    entry.sites.push(site);
    (entry.locations as string[]).push(location);
    if (entry.sites.length === 1) {
      for (const subscription of this.#subscriptions) this.#bind(entry, subscription);
    } else if (entry.links.length > 0) {
      this.#install(entry, site);
    }
    return site.object;
  }

  #createSite(entry: MarkerEntry, location: string): Site {
    // A chain per site gives each marker a hidden class of its own.
    const off = markerState();
    const hook = Object.create(off);
    fastPrototype(hook);
    const shown = (value: unknown): PropertyDescriptor => ({ value, enumerable: true });
    const object = Object.create(hook, {
      name: shown(entry.name),
      format: shown(entry.format),
      fields: shown(entry.fields),
      location: shown(location),
    });
    this.#siteObjects.set(object, entry);
    return { object, hook, off, location };
  }

  /** The entry behind a marker object from any copy of the package, or undefined. */
  entryOf(object: unknown): MarkerEntry | undefined {
    // A WeakMap answers undefined for a key that is not an object.
    return this.#siteObjects.get(object as object);
  }

  entries(): IterableIterator<MarkerEntry> {
    return this.#entries.values();
  }

  /**
   * Calls `hook.activate()` whenever marker `name` goes from no link to one in
   * this thread, and `hook.deactivate()` on the way back; at once if it is
   * active already. One hook per name. Returns a function that removes it
   * (without calling deactivate: the caller undoes its own side).
   */
  onActivity(name: string, hook: ActivityHook): () => void {
    this.#activity.set(name, hook);
    const entry = this.#entries.get(name);
    if (entry !== undefined && entry.links.length > 0) this.#notify(hook, true);
    return () => {
      if (this.#activity.get(name) === hook) this.#activity.delete(name);
    };
  }

  #notify(hook: ActivityHook, active: boolean): void {
    try {
      if (active) hook.activate();
      else hook.deactivate();
    } catch {
      // The hook is our own code (channels); it must not break enable/disable.
    }
  }

  /**
   * Attaches a subscription to every matching marker, now and later. The
   * caller has checked everything that could fail: bind does not throw.
   */
  subscribe(subscription: Subscription): void {
    subscription.seq = this.#nextSeq++;
    this.#subscriptions.add(subscription);
    for (const entry of this.#entries.values()) this.#bind(entry, subscription);
  }

  /** Detaches a subscription from every marker. Idempotent. */
  unsubscribe(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    for (const entry of this.#entries.values()) {
      const links = entry.links.filter((link) => link.subscription !== subscription);
      if (links.length !== entry.links.length) this.#setLinks(entry, links);
    }
  }

  /**
   * Forgets the markers declared only at sites `isGone` accepts and connected
   * to nothing: what a refused probe module declared. Their objects stay
   * usable (`fire` stays undefined); they are no longer listed or connected.
   * A marker with links is kept, since a probe or recording holds it.
   * Returns the names forgotten.
   */
  forget(isGone: (location: string) => boolean): string[] {
    const forgotten: string[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.links.length > 0 || !entry.sites.every((site) => isGone(site.location))) continue;
      this.#entries.delete(entry.name);
      forgotten.push(entry.name);
    }
    return forgotten;
  }

  /** Markers whose name matches `pattern` (all when omitted), in declaration order. */
  list(pattern?: string): MarkerInfo[] {
    const matcher = pattern === undefined ? undefined : compilePattern(pattern);
    const out: MarkerInfo[] = [];
    for (const entry of this.#entries.values()) {
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

  #setLinks(entry: MarkerEntry, links: readonly Link[]): void {
    const was = entry.links.length > 0;
    entry.links = Object.freeze(links);
    for (const site of entry.sites) this.#install(entry, site);
    const is = links.length > 0;
    if (was !== is) {
      /* 0 -> 1 or 1 -> 0 links: the activity hook, after the fire slots are in place */
      const hook = this.#activity.get(entry.name);
      if (hook !== undefined) this.#notify(hook, is);
    }
  }

  #install(entry: MarkerEntry, site: Site): void {
    const state =
      entry.links.length === 0
        ? /* n -> 0: back to the state whose fire was never written (if not there yet) */
          site.off
        : /* 0 -> 1, or n -> m: a fresh `on` whose fire is a constant of its own, so
             optimised callers can fold the dispatcher and inline the probes */
          markerState(buildDispatcher(entry.fields.length, entry.stats, site.object, entry.links));
    if (Object.getPrototypeOf(site.hook) !== state) Object.setPrototypeOf(site.hook, state);
  }
}
