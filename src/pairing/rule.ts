/**
 * How an `x_end` finds the `x_start` (or `x_begin`) it ends: the one rule
 * that the trace converters (Perfetto slices, trace/convert/pairing.ts) and
 * the latency aggregation (aggregate/thread/) both follow, so that the same
 * events pair the same way in a trace and live.
 *
 * Each side is classified from its own declaration alone (its fields and the
 * pairing key it declared), never from the other side: an aggregation builds
 * a start's sink before the end may even be declared. In order:
 *
 *   1. A side that **declared a key** (`marker(name, format, { key })`) pairs
 *      by that field (rule 3).
 *   2. An end whose fields end with `ms %f error %s` is **timed**: the
 *      runtime joined it to its start (a catalogue or channel marker, by the
 *      object the channels share) and measured `ms` from that start. The
 *      latency is its `ms`; a converter closes the open start nearest to
 *      `end - ms` whose fields in common are equal.
 *   3. Otherwise an end with a **key field** (the declared one, else a field
 *      named `id`, else one named `key`) closes the open start whose key
 *      field holds an equal value, and only such a start: an end whose key
 *      no open start has is unmatched, and starts with no key field are
 *      never its match.
 *   4. Otherwise (no key, not timed) the end closes the most recent open
 *      start that has no key field, as a return closes the innermost call.
 *
 * An explicit key (`markers latency --key FIELD`) is a declared key for
 * every side: the user chose what pairs.
 */

/** What the rule reads of a marker or an event class. */
export interface PairSide {
  readonly fields: readonly { readonly name: string; readonly type: string }[];
  /** The pairing key field the marker declared, if any. */
  readonly key?: string | undefined;
}

/** The fields an end of a runtime-joined pair ends with (channels/pair.ts END_FIELDS). */
const TIMED_TAIL = [
  ['ms', 'float64'],
  ['error', 'string'],
] as const;

/** The index of a timed end's `ms` field, or -1 when the end is not timed (rule 2). */
export function timedIndex(side: PairSide, explicitKey?: string): number {
  if (explicitKey !== undefined || side.key !== undefined) return -1;
  const f = side.fields;
  const n = f.length;
  if (n < 2) return -1;
  const ms = f[n - 2] as PairSide['fields'][number];
  const error = f[n - 1] as PairSide['fields'][number];
  const [[msName, msType], [errorName, errorType]] = TIMED_TAIL;
  return ms.name === msName &&
    ms.type === msType &&
    error.name === errorName &&
    error.type === errorType
    ? n - 2
    : -1;
}

/** The index of a side's key field (rules 1 and 3), or -1 when it has none. */
export function keyIndex(side: PairSide, explicitKey?: string): number {
  const names = side.fields.map((f) => f.name);
  if (explicitKey !== undefined) return names.indexOf(explicitKey);
  if (side.key !== undefined) return names.indexOf(side.key);
  const id = names.indexOf('id');
  return id >= 0 ? id : names.indexOf('key');
}

/** Whether two key values are the same key: numbers and bigints compare by value. */
export function sameKey(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if (
      (typeof a !== 'bigint' && typeof a !== 'number') ||
      (typeof b !== 'bigint' && typeof b !== 'number')
    )
      return false;
    try {
      return BigInt(a) === BigInt(b);
    } catch {
      return false;
    }
  }
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
