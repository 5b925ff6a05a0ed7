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
 *
 * The state is public fields on purpose: the generated sinks of
 * fused-latency.ts push and pop the stack in their own bodies (a call per
 * event less, and no sentinel to test), and the closure path's push() and
 * pop() below do the same steps. Both keep these invariants:
 *   - 0 <= depth <= cap, 0 <= bottom < cap (once the ring has its room);
 *   - the stack is ring[bottom], ring[bottom + 1]... (mod cap), depth slots;
 *   - every start that leaves without an end adds 1 to `evicted`, every end
 *     without a start 1 to `unmatchedEnds`.
 */

export class PendingStarts {
  readonly cap: number;
  readonly byKey = new Map<unknown, number>();
  /** The stack is a ring so that evicting its bottom is O(1); allocated by useStack(). */
  ring = new Float64Array(0);
  bottom = 0;
  depth = 0;
  evicted = 0;
  unmatchedEnds = 0;
  /** Set by a timed end's sink when it is built: starts are then only counted. */
  timed = false;
  timedStarts = 0;
  timedEnds = 0;

  constructor(cap: number) {
    this.cap = cap;
  }

  /** A start without a key field is bound: give the stack its room. */
  useStack(): void {
    if (this.ring.length === 0) this.ring = new Float64Array(this.cap);
  }

  /** A timed end is bound: what was kept for another rule can never pair now. */
  useTimed(): void {
    this.timed = true;
    this.byKey.clear();
    this.depth = 0;
  }

  get pending(): number {
    return this.byKey.size + this.depth + Math.max(0, this.timedStarts - this.timedEnds);
  }

  startKey(key: unknown, t: number): void {
    const map = this.byKey;
    if (map.delete(key)) this.evicted++;
    else if (map.size >= this.cap) {
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
    const map = this.byKey;
    const t = map.get(key);
    if (t === undefined) {
      this.unmatchedEnds++;
      return -1;
    }
    map.delete(key);
    return t;
  }

  // push and pop run on every event: small, so V8 inlines them with the
  // clock reads and the histogram; the ring wraps by a compare, not `%` (an
  // integer division costs more than the rest of a push).
  push(t: number): void {
    const cap = this.cap;
    const depth = this.depth === cap ? this.evictBottom() : this.depth;
    const at = this.bottom + depth;
    this.ring[at < cap ? at : at - cap] = t;
    this.depth = depth + 1;
  }

  /** The stack is full: drop its bottom (oldest) start, counted; returns the depth left. */
  evictBottom(): number {
    const bottom = this.bottom + 1;
    this.bottom = bottom === this.cap ? 0 : bottom;
    this.evicted++;
    return --this.depth;
  }

  /** The innermost start time, or -1 when none is pending (counted). */
  pop(): number {
    const depth = this.depth - 1;
    if (depth < 0) {
      this.unmatchedEnds++;
      return -1;
    }
    this.depth = depth;
    const at = this.bottom + depth;
    const cap = this.cap;
    return this.ring[at < cap ? at : at - cap] as number;
  }
}
