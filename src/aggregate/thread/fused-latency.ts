/**
 * The generated function a latency aggregation puts on a start marker, in
 * the style of fused.ts (whose generated function serves the end marker,
 * with the elapsed time as its value). Per start it must only: skip the
 * clock when a timed end is bound (its `ms` is the latency, the start is
 * only counted), read the clock once, and keep the time where the end will
 * look for it:
 *
 *   by nesting: PendingStarts' ring, pushed in this body: past `cap` the
 *               bottom (oldest) start is evicted and counted, so nothing is
 *               allocated and memory is bounded;
 *   by key:     PendingStarts.startKey (a key started again replaces its
 *               older start, counted; past `cap` the oldest key goes,
 *               counted).
 *
 * The closure path (thread-aggregation.ts #startSink) does the same steps
 * through PendingStarts' methods; the generated text holds only parameter
 * names and our own constant names, never a marker's name or a field's.
 */
import {
  Builder,
  checkedIndex,
  envOf,
  factoryFor,
  type Helpers,
  type KeyPlan,
  keyCode,
  type LinkFn,
  wrap,
} from './fused.js';
import type { PendingStarts } from './pending.js';

export interface StartPlan {
  readonly arity: number;
  /** The start's pairing key (rule 1 or 3 of pairing/rule.ts), or null to pair by nesting. */
  readonly key: KeyPlan | null;
  readonly pair: PendingStarts;
}

function startSource(plan: StartPlan, b: Builder): string {
  // `timed` is known only once the end is bound, which may be later: read per event.
  // The rare branches are calls: V8 counts every bytecode of an inlinee
  // against one budget per optimised caller, two clock reads take 284 of
  // its 920, and a start left out of line costs a call per event.
  const body = ['if (p.timed) return void p.timedStarts++;'];
  if (plan.key === null) {
    body.push(
      'const t = clock.now();',
      'const d = p.depth === cap ? p.evictBottom() : p.depth;',
      'const at = p.bottom + d;',
      'p.ring[at < cap ? at : at - cap] = t;',
      'p.depth = d + 1;',
    );
  } else {
    // The key before the clock, as in the closure path (reading it runs no user code).
    body.push(`const k = ${keyCode(plan.key, b)};`, 'p.startKey(k, clock.now());');
  }
  return wrap('latencyStart', plan.arity, b, body);
}

/** The start marker's link function, or null where code generation is forbidden. */
export function latencyStartLink(plan: StartPlan, helpers: Helpers): LinkFn | null {
  checkedIndex(plan.arity);
  const b = new Builder();
  const factory = factoryFor(startSource(plan, b));
  if (factory === null) return null;
  return factory(envOf(b, helpers, null, 0, plan.pair));
}
