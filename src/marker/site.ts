/**
 * A declaration site: the marker object `marker()` returns, and its fire
 * slot. This file knows nothing of probes, links or the registry; the
 * registry decides when a site is active and calls the two verbs below from
 * its labelled transitions (registry/registry.ts).
 *
 * Each site is three objects, a fixed chain:
 *
 *   marker object --> hook --> off   (fire: undefined, never written)
 *   (name, format,         \-> on    (fire: the dispatcher; a fresh object per change)
 *    fields, location)
 *
 * Only the hook's prototype ever changes: markActive points it at a fresh
 * `on` object whose `fire` is the dispatcher, markInactive points it back at
 * `off`, and V8 folds `fire?.()` away again.
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
 */
import type { Field } from './format.js';

export interface Site {
  /** What `marker()` returns: name, format, fields and location, read-only. */
  readonly object: object;
  /** The marker object's prototype, for its whole life; its own prototype is `off` or an `on`. */
  readonly hook: object;
  /** The off state; `fire` on it is undefined and never written. */
  readonly off: object;
  readonly location: string;
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

/** A new, inactive site: a chain of its own gives each marker a hidden class of its own. */
export function createSite(
  declared: { readonly name: string; readonly format: string; readonly fields: readonly Field[] },
  location: string,
): Site {
  const off = markerState();
  const hook = Object.create(off);
  fastPrototype(hook);
  const shown = (value: unknown): PropertyDescriptor => ({ value, enumerable: true });
  const object = Object.create(hook, {
    name: shown(declared.name),
    format: shown(declared.format),
    fields: shown(declared.fields),
    location: shown(location),
  });
  return { object, hook, off, location };
}

/**
 * Puts `fire` in the site's fire slot: a fresh `on` whose fire is a constant
 * of its own, so optimised callers can fold the dispatcher and inline what it
 * calls. Called again with a new `fire` whenever the dispatcher changes.
 */
export function markActive(site: Site, fire: (...args: never[]) => void): void {
  Object.setPrototypeOf(site.hook, markerState(fire));
}

/** Empties the fire slot: back to the state whose fire was never written. */
export function markInactive(site: Site): void {
  Object.setPrototypeOf(site.hook, site.off);
}
