/**
 * Builds the function that sits in a marker's fire slot while it is enabled.
 *
 * Each dispatcher is generated for the marker's exact arity, so a call passes
 * its arguments straight through with no rest array: nothing is allocated per
 * event. Every dispatcher walks a snapshot of the link list taken when it was
 * built; changing the links builds a new snapshot and a new dispatcher
 * (copy-on-write), so a call in progress finishes over the list it started
 * with. Two shapes exist:
 *   - up to UNROLL links: each link's function is a closure constant and the
 *     calls are unrolled, so V8 can inline every probe (one link is the fast
 *     path the benchmarks measure);
 *   - more: a loop over the frozen snapshot array.
 * Where code generation is forbidden, closureDispatcher serves every shape.
 * A probe's exception or rejected promise is handed to its owner and never
 * reaches the caller of fire.
 */
import type { Link } from './link.js';

export interface HitCounter {
  hits: number;
}

type Dispatcher = (...args: unknown[]) => void;
type DispatcherFactory = (stats: HitCounter, marker: object, links: readonly Link[]) => Dispatcher;

/** Link counts up to this get an unrolled dispatcher; past it, a loop. */
const UNROLL = 16;

const factories = new Map<string, DispatcherFactory>();

function argList(arity: number): string {
  return Array.from({ length: arity }, (_, i) => `a${i}`).join(', ');
}

// `new Function` is how a dispatcher gets a fixed parameter list without a
// rest array (an allocation per call) or `arguments`. One factory is compiled
// per (arity, link count) and reused for every marker of that shape.
function factory(arity: number, count: number): DispatcherFactory {
  const key = `${arity}/${count}`;
  let made = factories.get(key);
  if (made !== undefined) return made;
  const args = argList(arity);
  const tail = arity === 0 ? '' : `, ${args}`;
  let body: string;
  if (count <= UNROLL) {
    const setup: string[] = [];
    const calls: string[] = [];
    for (let i = 0; i < count; i++) {
      setup.push(`const f${i} = links[${i}].fn, o${i} = links[${i}].owner;`);
      calls.push(`  try {
    const r = f${i}(marker${tail});
    if (r !== undefined && r !== null && typeof r.then === 'function') o${i}.settle(r, marker);
  } catch (e) {
    o${i}.fail(e, marker);
  }`);
    }
    body = `${setup.join('\n')}
return function fire(${args}) {
  stats.hits++;
${calls.join('\n')}
};`;
  } else {
    body = `const n = links.length;
return function fire(${args}) {
  stats.hits++;
  for (let i = 0; i < n; i++) {
    const link = links[i];
    try {
      const r = link.fn(marker${tail});
      if (r !== undefined && r !== null && typeof r.then === 'function') link.owner.settle(r, marker);
    } catch (e) {
      link.owner.fail(e, marker);
    }
  }
};`;
  }
  try {
    made = new Function('stats', 'marker', 'links', `'use strict';\n${body}`) as DispatcherFactory;
  } catch {
    // Code generation is forbidden here (a CSP without unsafe-eval, an edge
    // worker, --disallow-code-generation-from-strings): same behaviour, slower.
    made = closureDispatcher;
  }
  factories.set(key, made);
  return made;
}

/**
 * The dispatcher without `new Function`: a rest parameter (an array per
 * call) and a loop. Slower, never broken.
 */
function closureDispatcher(stats: HitCounter, marker: object, links: readonly Link[]): Dispatcher {
  return function fire(...args: unknown[]): void {
    stats.hits++;
    for (const link of links) {
      try {
        const r = (link.fn as (m: object, ...a: unknown[]) => unknown)(marker, ...args);
        if (typeof (r as PromiseLike<unknown> | null)?.then === 'function') {
          link.owner.settle(r as PromiseLike<unknown>, marker);
        }
      } catch (e) {
        link.owner.fail(e, marker);
      }
    }
  };
}

/** The dispatcher for `links` (at least one), called as `marker.fire(...)`. */
export function buildDispatcher(
  arity: number,
  stats: HitCounter,
  marker: object,
  links: readonly Link[],
): Dispatcher {
  return factory(arity, links.length)(stats, marker, Object.freeze(links.slice()));
}
