/**
 * Pairing `x_start`/`x_begin` events with their `x_end` in a trace, for
 * asynchronous code where operations overlap on one thread and end in any
 * order (so "the innermost open slice" is the wrong answer).
 *
 * The rule is src/pairing/rule.ts, the one the latency aggregation follows:
 * a declared key (from the trace's env, see metadata.ts), else a timed end
 * (`ms %f error %s`: the runtime joined it to its start by the channels'
 * shared object), else an `id` or `key` field, else nesting. Here it is
 * applied among the open starts of the same slice name on the same thread;
 * a timed end closes the one whose fields in common are equal and whose
 * timestamp is closest to `end - ms`.
 */
import { keyIndex, type PairSide, sameKey, timedIndex } from '../../pairing/rule.js';
import type { FieldValue } from '../reader/reader.js';

export const SLICE_OPEN = /^(.+)_(start|begin)$/;
export const SLICE_CLOSE = /^(.+)_end$/;
/** Fields of a timed end that are its own, never compared with the start's. */
const END_ONLY = new Set(['ms', 'error']);

export type Fields = Readonly<Record<string, FieldValue>>;

export interface OpenSlice<T> {
  readonly ts: bigint;
  readonly fields: Fields;
  /** Whether the start has a key field, and its value. */
  readonly keyed: boolean;
  readonly key: FieldValue | undefined;
  readonly value: T;
}

/** What the rule makes of one event class, computed once. */
interface SideRule {
  /** The key field's name, or undefined. */
  readonly key: string | undefined;
  readonly timed: boolean;
}

/** `provider:x` for `provider:x_start` / `provider:x_begin`, else undefined. */
export function sliceOpening(name: string): string | undefined {
  const colon = name.indexOf(':');
  const m = SLICE_OPEN.exec(name.slice(colon + 1));
  return m === null ? undefined : `${name.slice(0, colon)}:${m[1]}`;
}

/** `provider:x` for `provider:x_end`, else undefined. */
export function sliceClosing(name: string): string | undefined {
  const colon = name.indexOf(':');
  const event = name.slice(colon + 1);
  if (SLICE_OPEN.test(event)) return undefined;
  const m = SLICE_CLOSE.exec(event);
  return m === null ? undefined : `${name.slice(0, colon)}:${m[1]}`;
}

function commonEqual(start: Fields, end: Fields): boolean {
  for (const name of Object.keys(end)) {
    if (END_ONLY.has(name) || !Object.hasOwn(start, name)) continue;
    if (!sameKey(start[name], end[name])) return false;
  }
  return true;
}

/** The open slices of one scope (a thread), by slice name. */
export class SlicePairer<T> {
  readonly #open = new Map<string, OpenSlice<T>[]>();
  readonly #rules = new WeakMap<PairSide, SideRule>();

  #rule(side: PairSide): SideRule {
    let rule = this.#rules.get(side);
    if (rule === undefined) {
      const k = keyIndex(side);
      rule = { key: k < 0 ? undefined : side.fields[k]?.name, timed: timedIndex(side) >= 0 };
      this.#rules.set(side, rule);
    }
    return rule;
  }

  /** `side` is the start's event class (its fields and declared key). */
  open(slice: string, ts: bigint, fields: Fields, side: PairSide, value: T): void {
    let list = this.#open.get(slice);
    if (list === undefined) {
      list = [];
      this.#open.set(slice, list);
    }
    const { key } = this.#rule(side);
    list.push({
      ts,
      fields,
      keyed: key !== undefined,
      key: key === undefined ? undefined : fields[key],
      value,
    });
  }

  /** Removes and returns the open slice that this end closes, or undefined (unmatched). */
  close(slice: string, ts: bigint, fields: Fields, side: PairSide): OpenSlice<T> | undefined {
    const list = this.#open.get(slice);
    if (list === undefined || list.length === 0) return undefined;
    const index = this.#match(list, ts, fields, this.#rule(side));
    if (index < 0) return undefined;
    const [found] = list.splice(index, 1);
    return found;
  }

  #match(list: readonly OpenSlice<T>[], ts: bigint, fields: Fields, rule: SideRule): number {
    if (rule.timed) {
      // Rule 2: the start nearest to end - ms, among those with equal common fields if any.
      const target = Number(ts) - (fields.ms as number) * 1e6;
      let best = -1;
      let bestCommon = false;
      let distance = Number.POSITIVE_INFINITY;
      for (let i = 0; i < list.length; i++) {
        const open = list[i] as OpenSlice<T>;
        const common = commonEqual(open.fields, fields);
        if (bestCommon && !common) continue;
        const d = Math.abs(Number(open.ts) - target);
        if ((common && !bestCommon) || d < distance) {
          distance = d;
          best = i;
          bestCommon = common;
        }
      }
      return best;
    }
    if (rule.key !== undefined) {
      // Rule 3: only a keyed start with an equal key.
      const key = fields[rule.key];
      return list.findIndex((open) => open.keyed && sameKey(open.key, key));
    }
    // Rule 4: the most recent start without a key.
    for (let i = list.length - 1; i >= 0; i--) if (!(list[i] as OpenSlice<T>).keyed) return i;
    return -1;
  }
}
