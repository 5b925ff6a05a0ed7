/**
 * Run in a child process with --allow-natives-syntax (see
 * test/registry-enable-no-foreign-deopt.test.ts and bench/deopt-check.ts).
 * Optimises a function that fires marker A, then changes the state of other
 * markers and of A, and reports V8's optimisation status of that function
 * after each step as one JSON line on stdout.
 *
 * %-calls are compiled with `new Function` because they are not TypeScript.
 */
import { connect, marker } from '../../src/index.js';

type Natives = {
  prepare(f: unknown): void;
  optimizeNext(f: unknown): void;
  status(f: unknown): number;
};

const natives: Natives = {
  prepare: new Function('f', '%PrepareFunctionForOptimization(f);') as Natives['prepare'],
  optimizeNext: new Function('f', '%OptimizeFunctionOnNextCall(f);') as Natives['optimizeNext'],
  status: new Function('f', 'return %GetOptimizationStatus(f);') as Natives['status'],
};

const markerA = marker('deopt:a', 'x %d y %f s %s');
const markerB = marker('deopt:b', 'x %d y %f s %s');
const markerC = marker('deopt:c', '');

let hits = 0;
function useA(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    markerA.fire?.(i, sum, 'GET');
    sum += i * 0.5;
  }
  return sum;
}

function optimize(): number {
  natives.prepare(useA);
  useA(10);
  useA(10);
  natives.optimizeNext(useA);
  useA(10);
  return natives.status(useA);
}

const steps: Record<string, number> = {};
steps.optimized = optimize();

// Other markers change state: A's users must keep their code.
const probeB = connect(markerB, () => {
  hits++;
});
useA(10);
steps.afterOtherEnabled = natives.status(useA);
connect('deopt:*', () => {}, { format: '' }); // a pattern that enables C only
useA(10);
steps.afterPatternEnabled = natives.status(useA);
await probeB.disconnect();
useA(10);
steps.afterOtherDisabled = natives.status(useA);

// Control: enabling A itself must deoptimise, or the check above proves nothing.
const probeA = connect(markerA, () => {
  hits++;
});
useA(10);
steps.afterSelfEnabled = natives.status(useA);
await probeA.disconnect();

process.stdout.write(`${JSON.stringify({ steps, hits, markerCEnabled: markerC.enabled })}\n`);
