/**
 * Latency pairing: the starts waiting for their end, for one pair of
 * markers in one thread, kept as src/pairing/rule.ts says:
 *
 *   by key:     starts with a key field: a Map from the key value to the
 *               start time; a key that starts again before its end replaces
 *               the older start (counted as evicted);
 *   by nesting: starts without one: a stack of start times, the innermost
 *               start pairing with the next end, as call and return do;
 *   timed:      once a timed end (`ms %f error %s`) is bound, its `ms` is
 *               the latency and starts are only counted.
 *
 * Both hold at most `cap` starts: past it the oldest is evicted and counted,
 * so a start marker whose end never fires cannot grow memory.
 */

export class PendingStarts {
  readonly #cap: number;
  readonly #byKey = new Map<unknown, number>();
  // The stack is a ring so that evicting its bottom is O(1); allocated by useStack().
  #ring = new Float64Array(0);
  #bottom = 0;
  #depth = 0;
  evicted = 0;
  unmatchedEnds = 0;
  /** Set by a timed end's sink when it is built: starts are then only counted. */
  timed = false;
  timedStarts = 0;
  timedEnds = 0;

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** A start without a key field is bound: give the stack its room. */
  useStack(): void {
    if (this.#ring.length === 0) this.#ring = new Float64Array(this.#cap);
  }

  /** A timed end is bound: what was kept for another rule can never pair now. */
  useTimed(): void {
    this.timed = true;
    this.#byKey.clear();
    this.#depth = 0;
  }

  get pending(): number {
    return this.#byKey.size + this.#depth + Math.max(0, this.timedStarts - this.timedEnds);
  }

  startKey(key: unknown, t: number): void {
    const map = this.#byKey;
    if (map.delete(key)) this.evicted++;
    else if (map.size >= this.#cap) {
      // Maps iterate in insertion order: the first key is the oldest start.
      for (const oldest of map.keys()) {
        map.delete(oldest);
        break;
      }
      this.evicted++;
    }
    map.set(key, t);
  }

  /** The start time of `key`, or -1 when it has none (counted). */
  endKey(key: unknown): number {
    const t = this.#byKey.get(key);
    if (t === undefined) {
      this.unmatchedEnds++;
      return -1;
    }
    this.#byKey.delete(key);
    return t;
  }

  push(t: number): void {
    const cap = this.#cap;
    if (this.#depth === cap) {
      this.#bottom = (this.#bottom + 1) % cap;
      this.#depth--;
      this.evicted++;
    }
    this.#ring[(this.#bottom + this.#depth) % cap] = t;
    this.#depth++;
  }

  /** The innermost start time, or -1 when none is pending (counted). */
  pop(): number {
    if (this.#depth === 0) {
      this.unmatchedEnds++;
      return -1;
    }
    this.#depth--;
    return this.#ring[(this.#bottom + this.#depth) % this.#cap] as number;
  }
}
