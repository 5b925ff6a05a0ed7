/**
 * The progress notices of a streaming recording (record-commands.ts).
 *
 * Every wake-up of the control worker costs the target CPU whatever it does:
 * a bare Atomics.waitAsync wake-up with nothing to run took 57 µs of the
 * worker's CPU on Node 24 and 68 µs on Node 26 on this project's VMs. A
 * recording's packets wake the worker already (about once a second at
 * `markers record`'s 1 s packets), so notices ride on those: a packet sent at
 * least MIN_GAP_MS after the last notice sends one. The timer, for when no
 * packets flow, fires every IDLE_MS and is never pushed back: Node's timers
 * keep the libuv timer at a pushed-back timer's old deadline, so a timer
 * refreshed on every packet woke the worker once more per packet, for
 * nothing (seen with strace: a wake-up 500 ms after each packet).
 */

/** Notices at most this often, riding on packets. */
export const MIN_GAP_MS = 500;
/** A notice at least this often while no packets flow (nothing changes then but liveness). */
export const IDLE_MS = 5000;

export class ProgressNotices {
  readonly #send: () => void;
  readonly #timer: ReturnType<typeof setInterval>;
  #last = performance.now();
  #stopped = false;

  constructor(send: () => void) {
    this.#send = send;
    this.#timer = setInterval(() => this.packetSent(), IDLE_MS);
    // A recording never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** A packet of the recording has gone out (or the idle timer fired): a notice, if one is due. */
  packetSent(): void {
    if (this.#stopped || performance.now() - this.#last < MIN_GAP_MS) return;
    this.#last = performance.now();
    this.#send();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
