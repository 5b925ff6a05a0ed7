/**
 * The function an aggregation puts on a marker: it copies the arguments into
 * a scratch array owned by that marker's link and calls the sink, which reads
 * fields from the array. One shell is generated per arity, so a call has a
 * fixed parameter list and allocates nothing (no rest array, no
 * `arguments`). The generated text is ours alone (parameter names and
 * indexes); user text (a where expression) never reaches it.
 *
 * Where code generation is forbidden (a CSP without unsafe-eval, Node's
 * --disallow-code-generation-from-strings), a rest-parameter closure does
 * the same, with one array per call: slower, never broken.
 *
 * The scratch array is safe to reuse: a sink runs no user code, so it never
 * fires a marker that could re-enter it.
 */

export type Scratch = readonly unknown[];
export type Sink = (s: Scratch) => void;
type ShellFactory = (s: unknown[], sink: Sink) => (marker: never, ...args: never[]) => void;

const factories = new Map<number, ShellFactory | null>();

function generated(arity: number): ShellFactory | null {
  if (factories.has(arity)) return factories.get(arity) ?? null;
  const params = Array.from({ length: arity }, (_, i) => `a${i}`);
  const stores = params.map((p, i) => `s[${i}] = ${p};`).join(' ');
  let made: ShellFactory | null;
  try {
    made = new Function(
      's',
      'sink',
      `'use strict'; return function aggregate(m${arity === 0 ? '' : `, ${params.join(', ')}`}) { ${stores} sink(s); };`,
    ) as ShellFactory;
  } catch {
    made = null;
  }
  factories.set(arity, made);
  return made;
}

/** The link function for a marker of `arity` fields. */
export function makeShell(arity: number, sink: Sink): (marker: never, ...args: never[]) => void {
  // Holey arrays would make every read check for holes: fill it.
  const scratch: unknown[] = new Array(arity).fill(undefined);
  const factory = generated(arity);
  if (factory !== null) return factory(scratch, sink);
  return (_marker: never, ...args: never[]) => sink(args);
}
