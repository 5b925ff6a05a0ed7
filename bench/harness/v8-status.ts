/**
 * What the bits of V8's %GetOptimizationStatus mean, on every supported Node.
 *
 * The layout is V8's (src/runtime/runtime.h, OptimizationStatus) and it
 * moved: V8 up to 13.x (Node 20, 22, 24) has kAlwaysOptimize at bit 2; V8 14
 * (Node 26: 14.6) dropped it, and every later bit moved down by one, so the
 * old masks read TurboFan code as "interpreted". Read the bits through
 * statusBits() of the V8 that produced them (the same binary runs a case
 * and its runner). V8 14 releases before 14.6 are untested.
 */
export interface StatusBits {
  readonly OPTIMIZED: number;
  readonly TURBOFANNED: number;
  readonly INTERPRETED: number;
  readonly BASELINE: number;
}

const UP_TO_V8_13: StatusBits = {
  OPTIMIZED: 1 << 4,
  TURBOFANNED: 1 << 6,
  INTERPRETED: 1 << 7,
  BASELINE: 1 << 15,
};

const FROM_V8_14: StatusBits = {
  OPTIMIZED: 1 << 3,
  TURBOFANNED: 1 << 5,
  INTERPRETED: 1 << 6,
  BASELINE: 1 << 14,
};

/** The bit layout of `v8Version` (default: this process's V8). */
export function statusBits(v8Version: string = process.versions.v8): StatusBits {
  const major = Number.parseInt(v8Version, 10);
  return major >= 14 ? FROM_V8_14 : UP_TO_V8_13;
}

export function isTurboFanned(status: number, bits: StatusBits = statusBits()): boolean {
  return (status & bits.TURBOFANNED) !== 0;
}
