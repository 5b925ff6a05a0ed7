/**
 * The trace clock: nanoseconds on the monotonic clock, counted from a
 * process-wide origin, with that origin's Unix-epoch time as the CTF clock
 * offset, so readers print wall-clock times.
 *
 * Choice (measured on the project's 2-core machine, Node 20.20, see
 * docs/record.md): performance.now() through a bound reference, ~40 ns.
 * The alternatives cost as much and are worse: Date.now() (~39 ns) has
 * millisecond resolution and follows wall-clock jumps; process.hrtime()
 * (~43 ns) allocates an array; process.hrtime.bigint() (~52 ns) allocates a
 * BigInt. performance.now() itself allocates a short-lived array inside Node 20
 * (it calls process.hrtime()): that is the only per-event allocation of the
 * recording, and no faster clock exists without native code.
 *
 * Precision: performance.now() has nanosecond resolution on Linux (it is
 * hrtime-based). Every thread adds its own performance.timeOrigin, a double
 * around 1.7e12 ms whose unit in the last place is ~0.24 µs, so streams of
 * different threads agree to within a microsecond. Within one stream the
 * encoder clamps timestamps so they never decrease.
 *
 * Values stay below 2^53 ns (104 days from the origin), so they are exact
 * doubles and are written as u64 with two u32 stores, allocating nothing.
 */

// Bound once: calling through the bound function skips the receiver brand
// check on every event (measured ~6 ns cheaper) and stays inlinable.
const now = performance.now.bind(performance);

/** The bound performance.now the generated encoders call. */
export const monotonicNowMs: () => number = now;

/**
 * This thread's offset, in ns, from a recording's origin. Worker threads
 * have their own timeOrigin, so each thread computes its offset from the
 * origin the recording passes to every thread; a timestamp is then
 * base + performance.now() * 1e6 in every thread.
 */
export function threadBaseNs(originMs: number): number {
  return (performance.timeOrigin - originMs) * 1e6;
}

/** The clock origin of a recording started now: whole milliseconds of the Unix epoch. */
export function clockOriginMs(): number {
  return Math.floor(performance.timeOrigin + performance.now());
}
