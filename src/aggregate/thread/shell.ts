/**
 * The function an aggregation puts on a marker: it copies the arguments its
 * sink needs into a frame owned by that marker's link and calls the sink,
 * which reads fields from the frame. One shell is generated per (arity,
 * fields needed), so a call has a fixed parameter list and allocates
 * nothing: no rest array, no `arguments`, and no boxed double, because a
 * number goes into a Float64Array (its slot in the generic array holds the
 * NUM marker instead; a value of another type is stored as it is). The
 * generated text is ours alone (parameter names and indexes); user text (a
 * where expression) never reaches it.
 *
 * Where code generation is forbidden (a CSP without unsafe-eval, Node's
 * --disallow-code-generation-from-strings), a rest-parameter closure does
 * the same, with one array per call: slower, never broken.
 *
 * The frame is safe to reuse: a sink runs no user code, so it never fires a
 * marker that could re-enter it.
 */

export type Scratch = readonly unknown[];
export type Sink = (s: Scratch) => void;

/** In a frame's generic slot: the value is the number in the same slot of `numbers`. */
export const NUM: unique symbol = Symbol('markers.aggregate.number');

export interface Frame {
  readonly values: unknown[];
  readonly numbers: Float64Array;
}

export function newFrame(arity: number): Frame {
  // Holey arrays would make every read check for holes: fill it.
  return { values: new Array(arity).fill(undefined), numbers: new Float64Array(arity) };
}

/** Reads field i of a frame as a number (NaN when it holds no number). */
export function numberAt(frame: Frame, i: number): (s: Scratch) => number {
  const numbers = frame.numbers;
  return (s) => {
    const v = s[i];
    return v === NUM ? (numbers[i] as number) : typeof v === 'bigint' ? Number(v) : Number.NaN;
  };
}

type ShellFactory = (
  s: unknown[],
  f: Float64Array,
  NUM_: symbol,
  sink: Sink,
) => (marker: never, ...args: never[]) => void;

const factories = new Map<string, ShellFactory | null>();

function generated(
  arity: number,
  used: readonly number[],
  numeric: ReadonlySet<number>,
): ShellFactory | null {
  const key = `${arity}:${used.map((i) => (numeric.has(i) ? `n${i}` : i)).join(',')}`;
  if (factories.has(key)) return factories.get(key) ?? null;
  const params = Array.from({ length: arity }, (_, i) => `a${i}`);
  const stores = used
    .map((i) =>
      numeric.has(i)
        ? `if (typeof a${i} === 'number') { f[${i}] = a${i}; s[${i}] = NUM; } else s[${i}] = a${i};`
        : `s[${i}] = a${i};`,
    )
    .join(' ');
  let made: ShellFactory | null;
  try {
    made = new Function(
      's',
      'f',
      'NUM',
      'sink',
      `'use strict'; return function aggregate(m${arity === 0 ? '' : `, ${params.join(', ')}`}) { ${stores} sink(s); };`,
    ) as ShellFactory;
  } catch {
    made = null;
  }
  factories.set(key, made);
  return made;
}

/**
 * The link function for a marker of `arity` fields whose sink reads the
 * fields `used` (those in `numeric` hold numbers by format).
 */
export function makeShell(
  arity: number,
  frame: Frame,
  used: ReadonlySet<number>,
  numeric: ReadonlySet<number>,
  sink: Sink,
): (marker: never, ...args: never[]) => void {
  const sorted = [...used].filter((i) => i < arity).sort((x, y) => x - y);
  const factory = generated(arity, sorted, numeric);
  if (factory !== null) return factory(frame.values, frame.numbers, NUM, sink);
  const { values, numbers } = frame;
  return (_marker: never, ...args: never[]) => {
    for (const i of sorted) {
      const v: unknown = args[i];
      if (numeric.has(i) && typeof v === 'number') {
        numbers[i] = v;
        values[i] = NUM;
      } else values[i] = v;
    }
    sink(values);
  };
}
