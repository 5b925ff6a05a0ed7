/**
 * Builds the function that sits in a marker's fire slot while it is enabled.
 *
 * Each dispatcher is generated for the marker's exact arity, so a call passes
 * its arguments straight through with no rest array: nothing is allocated per
 * event. Two shapes exist:
 *   - one link: the link is a closure constant, the fast path;
 *   - several links: a loop over a frozen snapshot of the link list. Changing
 *     the links builds a new snapshot and a new dispatcher (copy-on-write), so
 *     a call in progress finishes over the list it started with.
 * A probe's exception or rejected promise is handed to its owner and never
 * reaches the caller of fire.
 */
import type { Link } from './link.js';

export interface HitCounter {
  hits: number;
}

type Dispatcher = (...args: unknown[]) => void;
type SingleFactory = (stats: HitCounter, marker: object, link: Link) => Dispatcher;
type ManyFactory = (stats: HitCounter, marker: object, links: readonly Link[]) => Dispatcher;

const singleFactories = new Map<number, SingleFactory>();
const manyFactories = new Map<number, ManyFactory>();

function argList(arity: number): string {
  return Array.from({ length: arity }, (_, i) => `a${i}`).join(', ');
}

// Called once per arity; `new Function` is how the dispatcher gets a fixed
// parameter list without a rest array (allocation per call) or `arguments`.
function singleFactory(arity: number): SingleFactory {
  let factory = singleFactories.get(arity);
  if (factory === undefined) {
    const args = argList(arity);
    const call = arity === 0 ? 'marker' : `marker, ${args}`;
    factory = new Function(
      'stats',
      'marker',
      'link',
      `'use strict';
const fn = link.fn;
const owner = link.owner;
return function fire(${args}) {
  stats.hits++;
  try {
    const r = fn(${call});
    if (r !== undefined && r !== null && typeof r.then === 'function') owner.settle(r, marker);
  } catch (e) {
    owner.fail(e, marker);
  }
};`,
    ) as SingleFactory;
    singleFactories.set(arity, factory);
  }
  return factory;
}

function manyFactory(arity: number): ManyFactory {
  let factory = manyFactories.get(arity);
  if (factory === undefined) {
    const args = argList(arity);
    const call = arity === 0 ? 'marker' : `marker, ${args}`;
    factory = new Function(
      'stats',
      'marker',
      'links',
      `'use strict';
const n = links.length;
return function fire(${args}) {
  stats.hits++;
  for (let i = 0; i < n; i++) {
    const link = links[i];
    try {
      const r = link.fn(${call});
      if (r !== undefined && r !== null && typeof r.then === 'function') link.owner.settle(r, marker);
    } catch (e) {
      link.owner.fail(e, marker);
    }
  }
};`,
    ) as ManyFactory;
    manyFactories.set(arity, factory);
  }
  return factory;
}

/** The dispatcher for `links` (at least one), called as `marker.fire(...)`. */
export function buildDispatcher(
  arity: number,
  stats: HitCounter,
  marker: object,
  links: readonly Link[],
): Dispatcher {
  const [first] = links;
  if (links.length === 1 && first !== undefined) return singleFactory(arity)(stats, marker, first);
  return manyFactory(arity)(stats, marker, Object.freeze(links.slice()));
}
