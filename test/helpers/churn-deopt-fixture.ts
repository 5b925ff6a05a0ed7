/**
 * Run in a child process with --allow-natives-syntax (see
 * test/registry-churn-monomorphic.test.ts and bench/deopt-check.ts).
 *
 * Two call sites fire a marker while it goes through many enable/disable
 * cycles, running hot between the toggles as in a live service: `useConst`
 * fires a module-level marker, `useParam` fires the marker it is given. After
 * 30 and after 1,000 cycles it reports, as one JSON line on stderr:
 *   - whether each marker object still has the hidden class (map) it was born
 *     with (%HaveSameMap against a twin made from the same prototype at start);
 *   - whether the object the registry swaps prototypes on is still in fast mode,
 *     and the state object it points at (the holder of `fire`), off and on;
 *   - V8's optimisation status of each function, re-optimised after the cycles;
 *   - its status after the marker is enabled once more. That must deoptimise:
 *     code that folded `fire` to undefined depends on the prototype chain,
 *     while code doing a generic (megamorphic) lookup of `fire` handles any
 *     state and does not deoptimise. So the control tells the two apart;
 *   - the same control the other way: code optimised while the marker is
 *     enabled, then the marker disabled. A compiler that met `fire` on a
 *     dictionary-mode holder made a generic load there, which no toggle
 *     ever throws away: the disabled marker then costs a lookup for good.
 *
 * %-calls are compiled with `new Function` because they are not TypeScript.
 */

import { connect, type Marker, marker } from '../../src/index.js';
import type { Checkpoint } from './churn-report.js';

type Natives = {
  prepare(f: unknown): void;
  optimizeNext(f: unknown): void;
  status(f: unknown): number;
  sameMap(a: unknown, b: unknown): boolean;
  fast(o: unknown): boolean;
  print(o: unknown): void;
};

const natives: Natives = {
  prepare: new Function('f', '%PrepareFunctionForOptimization(f);') as Natives['prepare'],
  optimizeNext: new Function('f', '%OptimizeFunctionOnNextCall(f);') as Natives['optimizeNext'],
  status: new Function('f', 'return %GetOptimizationStatus(f);') as Natives['status'],
  sameMap: new Function('a', 'b', 'return %HaveSameMap(a, b);') as Natives['sameMap'],
  fast: new Function('o', 'return %HasFastProperties(o);') as Natives['fast'],
  print: new Function('o', '%DebugPrint(o);') as Natives['print'],
};

const FORMAT = 'x %d y %f s %s';
const markerConst = marker('churn:const', FORMAT);
const markerParam = marker('churn:param', FORMAT);

/** An object with the map a marker object is born with: same prototype, same own properties. */
function twinOf(m: Marker<typeof FORMAT>): object {
  const own = (key: 'name' | 'format' | 'fields' | 'location') => ({
    value: m[key],
    enumerable: true,
  });
  return Object.create(Object.getPrototypeOf(m) as object, {
    name: own('name'),
    format: own('format'),
    fields: own('fields'),
    location: own('location'),
  });
}
const twinConst = twinOf(markerConst);
const twinParam = twinOf(markerParam);
const protoConst = Object.getPrototypeOf(markerConst) as object;

let probeCalls = 0;
const probe = (): void => {
  probeCalls++;
};

function useConst(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    markerConst.fire?.(i, sum, 'GET');
    sum += i * 0.5;
  }
  return sum;
}

function useParam(m: Marker<typeof FORMAT>, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    m.fire?.(i, sum, 'GET');
    sum += i * 0.5;
  }
  return sum;
}

const runConst = (n: number): number => useConst(n);
const runParam = (n: number): number => useParam(markerParam, n);

function optimize(run: (n: number) => number, f: unknown): number {
  // Nothing compiled in the background may land between the reads below.
  natives.prepare(f);
  run(10);
  run(10);
  natives.optimizeNext(f);
  run(10);
  return natives.status(f);
}

/** One enable/disable cycle of both markers, each function running hot in both states. */
async function cycle(): Promise<void> {
  runConst(2000);
  runParam(2000);
  const a = connect(markerConst, probe);
  const b = connect(markerParam, probe);
  runConst(2000);
  runParam(2000);
  await a.disconnect();
  await b.disconnect();
}

/**
 * V8's own description of `f`, feedback included, which %DebugPrint writes
 * to stdout: the parent reads the state of the inline cache that loads
 * `fire` (MONOMORPHIC, POLYMORPHIC, MEGAMORPHIC), the only property load in
 * these functions. V8 buffers that output apart from process.stdout, so the
 * parent goes by order: const-30, param-30, const-1000, param-1000.
 */
function printFeedback(f: unknown): void {
  natives.print(f);
}

async function checkpoint(cycles: number): Promise<Checkpoint> {
  printFeedback(useConst);
  printFeedback(useParam);
  const optimizedConst = optimize(runConst, useConst);
  const optimizedParam = optimize(runParam, useParam);
  const sameMapConst = natives.sameMap(markerConst, twinConst);
  const sameMapParam = natives.sameMap(markerParam, twinParam);
  const fastProto = natives.fast(protoConst);
  const stateFastOff = natives.fast(Object.getPrototypeOf(protoConst));
  // Control: enabling the marker must throw away code that folded it away.
  // V8 does that either at once (a code dependency) or, after many lazy
  // deopts of the same function, at its next call (a check in the code).
  // Generic code (a megamorphic lookup of `fire`) survives both.
  const a = connect(markerConst, probe);
  const b = connect(markerParam, probe);
  const stateFastOn = natives.fast(Object.getPrototypeOf(protoConst));
  const atOnceConst = natives.status(useConst);
  const atOnceParam = natives.status(useParam);
  runConst(10);
  runParam(10);
  const afterEnableConst = [atOnceConst, natives.status(useConst)];
  const afterEnableParam = [atOnceParam, natives.status(useParam)];
  // The other way: optimised while enabled, then disabled.
  const enabledConst = optimize(runConst, useConst);
  const enabledParam = optimize(runParam, useParam);
  await a.disconnect();
  await b.disconnect();
  const enabledThenDisabledConst = [enabledConst, natives.status(useConst)];
  const enabledThenDisabledParam = [enabledParam, natives.status(useParam)];
  return {
    cycles,
    sameMapConst,
    sameMapParam,
    fastProto,
    optimizedConst,
    optimizedParam,
    afterEnableConst,
    afterEnableParam,
    stateFastOff,
    stateFastOn,
    enabledThenDisabledConst,
    enabledThenDisabledParam,
  };
}

/**
 * The bits of %GetOptimizationStatus that mean "runs optimised code" differ
 * between V8 versions (V8 14 renumbered them), so they are measured here: a
 * function optimised on purpose minus one that only ever ran interpreted.
 */
function optimizedBits(): number {
  const hot = (x: number): number => x + 1;
  const cold = (x: number): number => x - 1;
  natives.prepare(hot);
  hot(1);
  hot(2);
  natives.optimizeNext(hot);
  hot(3);
  cold(1);
  return natives.status(hot) & ~natives.status(cold);
}

const checkpoints: Checkpoint[] = [];
const optimized = optimizedBits();
let done = 0;
for (const target of [30, 1000]) {
  for (; done < target; done++) await cycle();
  checkpoints.push(await checkpoint(done));
  done++; // the checkpoint's control was one more cycle
}

// On stderr: stdout carries V8's %DebugPrint output, buffered on its own.
process.stderr.write(`@@report ${JSON.stringify({ optimized, checkpoints, probeCalls })}\n`);
