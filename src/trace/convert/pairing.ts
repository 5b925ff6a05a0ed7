/**
 * Pairing `x_start`/`x_begin` events with their `x_end` in a trace, for
 * asynchronous code where operations overlap on one thread and end in any
 * order (so "the innermost open slice" is the wrong answer).
 *
 * An end is matched, among the open starts of the same slice name on the
 * same thread, to:
 *   1. the one with the same `id` or `key` field value, when both carry it
 *      (user markers declare their key that way);
 *   2. otherwise, when the end carries `ms` (every channel marker's x_end:
 *      the duration measured from its own start, the runtime having joined
 *      the two by their shared channel object), the one whose fields in
 *      common are equal and whose timestamp is closest to `end - ms`;
 *   3. otherwise the most recent one with equal common fields, else the
 *      most recent one.
 * The aggregations' `latency` uses the same rules.
 */
import type { FieldValue } from '../reader/reader.js';

export const SLICE_OPEN = /^(.+)_(start|begin)$/;
export const SLICE_CLOSE = /^(.+)_end$/;
const KEY_FIELDS = ['id', 'key'] as const;
/** Fields of an end that are its own, never compared with the start's. */
const END_ONLY = new Set(['ms', 'error']);

export type Fields = Readonly<Record<string, FieldValue>>;

export interface OpenSlice<T> {
  readonly ts: bigint;
  readonly fields: Fields;
  readonly value: T;
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

function same(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    try {
      return BigInt(a as bigint) === BigInt(b as bigint);
    } catch {
      return false;
    }
  }
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function commonEqual(start: Fields, end: Fields): boolean {
  for (const name of Object.keys(end)) {
    if (END_ONLY.has(name) || !Object.hasOwn(start, name)) continue;
    if (!same(start[name], end[name])) return false;
  }
  return true;
}

/** The open slices of one scope (a thread), by slice name. */
export class SlicePairer<T> {
  readonly #open = new Map<string, OpenSlice<T>[]>();

  open(slice: string, ts: bigint, fields: Fields, value: T): void {
    let list = this.#open.get(slice);
    if (list === undefined) {
      list = [];
      this.#open.set(slice, list);
    }
    list.push({ ts, fields, value });
  }

  /** Removes and returns the open slice that `end` closes, or undefined. */
  close(slice: string, ts: bigint, fields: Fields): OpenSlice<T> | undefined {
    const list = this.#open.get(slice);
    if (list === undefined || list.length === 0) return undefined;
    const index = this.#match(list, ts, fields);
    if (index < 0) return undefined;
    const [found] = list.splice(index, 1);
    return found;
  }

  #match(list: readonly OpenSlice<T>[], ts: bigint, fields: Fields): number {
    for (const key of KEY_FIELDS) {
      if (!Object.hasOwn(fields, key)) continue;
      const keyed = list.findIndex(
        (open) => Object.hasOwn(open.fields, key) && same(open.fields[key], fields[key]),
      );
      if (keyed >= 0) return keyed;
      if (list.some((open) => Object.hasOwn(open.fields, key))) return -1;
    }
    const ms = fields.ms;
    let best = -1;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) {
      const target = Number(ts) - ms * 1e6;
      let distance = Number.POSITIVE_INFINITY;
      for (let i = 0; i < list.length; i++) {
        const open = list[i] as OpenSlice<T>;
        if (!commonEqual(open.fields, fields)) continue;
        const d = Math.abs(Number(open.ts) - target);
        if (d < distance) {
          distance = d;
          best = i;
        }
      }
      if (best >= 0) return best;
    }
    for (let i = list.length - 1; i >= 0; i--) {
      if (commonEqual((list[i] as OpenSlice<T>).fields, fields)) return i;
    }
    return list.length - 1;
  }
}
