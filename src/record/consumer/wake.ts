/**
 * When the consumer looks at its rings: it sleeps on each ring's W.WAKE
 * (Atomics.waitAsync) and runs `onWake` after each packet the producer
 * publishes and each change of the ring's state (abi/ring.ts, reader
 * protocol: wake-ups). No timer: a pending waitAsync keeps no event loop
 * alive, and a recording with no events wakes nothing. Only where waitAsync
 * is missing does it poll every POLL_MS.
 */

import { W } from '../../abi/ring.js';
import type { RingReader } from './ring-reader.js';

const POLL_MS = 20;
/**
 * Longest sleep on a ring whose WAKE word was never bumped: a producer from
 * an older copy of markers never bumps it (abi/ring.ts). A ring whose WAKE is
 * not 0 has a producer that bumps it, and its consumer sleeps unbounded: a
 * bounded Atomics.waitAsync posts a delayed task that wakes the thread once
 * more when it expires, even when a notify ended the wait long before. That
 * doubled the cost of every packet's wake-up: 229 against 101 µs of the
 * waiting thread's CPU on Node 24, 195 against 94 on Node 26 (a worker woken
 * every 250 ms, 10 s bound; schedstat).
 */
const SLEEP_BOUND_MS = 10_000;

/** ES2024's Atomics.waitAsync (Node >= 16, Bun, Deno), typed here since the project's lib is ES2023. */
interface AtomicsWaitAsync {
  waitAsync?(
    array: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}

export class Waker {
  readonly #onWake: () => void;
  /** True once the consumer stopped (or is finishing at exit): every loop ends. */
  readonly #done: () => boolean;
  #rings: RingReader[] = [];
  #sleeping = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(onWake: () => void, done: () => boolean) {
    this.#onWake = onWake;
    this.#done = done;
  }

  /** Starts watching `rings`, and those add() gives later. */
  start(rings: Iterable<RingReader>): void {
    if (typeof (Atomics as unknown as AtomicsWaitAsync).waitAsync === 'function') {
      this.#sleeping = true;
      for (const ring of rings) this.add(ring);
    } else {
      this.#timer = setInterval(this.#onWake, POLL_MS);
      this.#timer.unref();
    }
  }

  /** A ring that joined after start() (a thread started later): it gets its own sleeper. */
  add(ring: RingReader): void {
    if (!this.#sleeping) return;
    this.#rings.push(ring);
    void this.#sleepOn(ring);
  }

  /** One loop per ring; it ends with the consumer. */
  async #sleepOn(ring: RingReader): Promise<void> {
    const ctl = ring.ctl;
    while (!this.#done()) {
      const seen = Atomics.load(ctl, W.WAKE);
      this.#onWake();
      if (this.#done()) return;
      const atomics = Atomics as unknown as Required<AtomicsWaitAsync>;
      const wait =
        seen === 0
          ? atomics.waitAsync(ctl, W.WAKE, seen, SLEEP_BOUND_MS)
          : atomics.waitAsync(ctl, W.WAKE, seen);
      if (wait.async) await wait.value;
    }
  }

  /** Ends the loops and the timer (before the rings are released and maybe reused). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (!this.#sleeping) return;
    this.#sleeping = false;
    for (const ring of this.#rings) Atomics.notify(ring.ctl, W.WAKE);
  }
}
