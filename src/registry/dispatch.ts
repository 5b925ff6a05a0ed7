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
 * A probe's exception or rejected promise is handed to its link's subscription and never
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

// `new Function` is how a dispatcher gets a fixed parameter list without a
// rest array (an allocation per call) or `arguments`. One factory is compiled
// per (arity, link count) and reused for every marker of that shape. The
// source is written without whitespace: it is the same code, and a browser
// bundle carries these strings as they are (the minifier cannot shrink them).
function factory(arity: number, count: number): DispatcherFactory {
  const key = `${arity}/${count}`;
  let made = factories.get(key);
  if (made !== undefined) return made;
  // In the source: s the hit counter, m the marker, l the links; a0.. the
  // arguments of fire, passed on after the marker.
  let args = '';
  for (let i = 0; i < arity; i++) args += `,a${i}`;
  // One probe call: its exception or promise goes to its subscription, never to the caller of fire.
  const call = (fn: string, sub: string): string =>
    `try{const r=${fn}(m${args});if(typeof r?.then=="function")${sub}.settle(r,m)}catch(e){${sub}.fail(e,m)}`;
  let body = '';
  let calls = '';
  if (count <= UNROLL) {
    for (let i = 0; i < count; i++) {
      body += `const f${i}=l[${i}].fn,o${i}=l[${i}].subscription;`;
      calls += call(`f${i}`, `o${i}`);
    }
  } else {
    body = 'const n=l.length;';
    calls = `for(let i=0;i<n;i++){${call('l[i].fn', 'l[i].subscription')}}`;
  }
  body += `return function fire(${args.slice(1)}){s.hits++;${calls}};`;
  try {
    made = new Function('s', 'm', 'l', `'use strict';${body}`) as DispatcherFactory;
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
          link.subscription.settle(r as PromiseLike<unknown>, marker);
        }
      } catch (e) {
        link.subscription.fail(e, marker);
      }
    }
  };
}

/**
 * The dispatcher for `links` (at least one), called as `marker.fire(...)`.
 * `links` is the registry's frozen snapshot (a change of links makes a new
 * one), so the dispatcher keeps it as it is.
 */
export function buildDispatcher(
  arity: number,
  stats: HitCounter,
  marker: object,
  links: readonly Link[],
): Dispatcher {
  return factory(arity, links.length)(stats, marker, links);
}
