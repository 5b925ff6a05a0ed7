/**
 * The deopt check, for people: `npm run bench:deopt`.
 *
 * Runs test/helpers/deopt-fixture.ts in a child process, twice:
 *   1. with --allow-natives-syntax, printing V8's optimisation status of a
 *      function that fires marker A after each step (other markers enabled,
 *      a pattern enabled, other marker disabled, then A itself enabled);
 *   2. with --trace-deopt as well, printing every deopt V8 reports for that
 *      function, so a regression shows its reason ("wrong map", ...).
 * Then the churn check, test/helpers/churn-deopt-fixture.ts: two call sites
 * (a module-level marker, and a marker passed as a parameter) through 30 and
 * 1,000 enable/disable cycles with the code running hot between them; it
 * prints whether each marker kept its hidden class, the state of the
 * inline cache that loads `fire` (it must stay MONOMORPHIC), whether the
 * holder of `fire` is a fast-mode object off and on, and whether code
 * optimised in either state is thrown away by the next toggle (code that
 * survives one loads `fire` generically: a lookup per call for good).
 * Exits 1 when a step that must keep the code optimised did not, or a churn
 * check fails. test/registry-enable-no-foreign-deopt.test.ts and
 * test/registry-churn-monomorphic.test.ts assert the same.
 * `--node V` (repeatable, or all) runs it under .runtimes/nodeV instead.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runChurnFixture } from '../test/helpers/churn-report.js';
import { statusBits } from './harness/v8-status.js';
import { runUnderNodes } from './harness/versions.js';

const delegated = await runUnderNodes(fileURLToPath(import.meta.url), process.argv.slice(2));
if (delegated !== undefined) process.exit(delegated);

const FIXTURE = fileURLToPath(new URL('../test/helpers/deopt-fixture.ts', import.meta.url));
// The fixture runs on this same binary: its status bits are this V8's.
const { TURBOFANNED, INTERPRETED, BASELINE } = statusBits();

/** Steps after which useA must still run TurboFan code; the last one is the control. */
const EXPECT: Record<string, boolean> = {
  optimized: true,
  afterOtherEnabled: true,
  afterPatternEnabled: true,
  afterOtherDisabled: true,
  afterSelfEnabled: false,
};

function run(extra: readonly string[]): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', '--allow-natives-syntax', ...extra, FIXTURE],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
}

function describe(status: number): string {
  if (status & TURBOFANNED) return 'optimised (TurboFan)';
  if (status & BASELINE) return 'Sparkplug (deoptimised)';
  if (status & INTERPRETED) return 'interpreted (deoptimised)';
  return `status ${status.toString(2)}`;
}

const lines = run([]).trim().split('\n');
const report = JSON.parse(lines[lines.length - 1] ?? '{}') as { steps: Record<string, number> };
let failed = false;
process.stdout.write(`Node ${process.version} (V8 ${process.versions.v8})\n`);
process.stdout.write('useA() fires marker deopt:a; its V8 state after each step:\n');
for (const [step, keep] of Object.entries(EXPECT)) {
  const status = report.steps[step];
  const kept = status !== undefined && (status & TURBOFANNED) !== 0;
  const ok = kept === keep;
  if (!ok) failed = true;
  const want = keep ? 'must stay optimised' : 'control: must deopt';
  process.stdout.write(
    `  ${ok ? 'ok  ' : 'FAIL'} ${step.padEnd(20)} ${describe(status ?? 0).padEnd(26)} (${want})\n`,
  );
}

const traced = run(['--trace-deopt'])
  .split('\n')
  // Eager deopts print "bailout"; invalidated dependencies print "marking dependent code".
  .filter((line) => line.includes('useA') && /bailout|marking dependent code/.test(line))
  .map((line) => line.replace(/0x[0-9a-f]+/g, '').replace(/\s+/g, ' '));
process.stdout.write(
  `\n--trace-deopt lines for useA (${traced.length}; expected 1, the control):\n`,
);
for (const line of traced) process.stdout.write(`  ${line.slice(0, 160)}\n`);

// The churn check (V8 prints %DebugPrint with C stdio: the helper gives the
// child's stdout a file).
{
  const churn = runChurnFixture();
  const states = churn.loadStates;
  const report = churn.report ?? { optimized: 0, checkpoints: [], probeCalls: 0 };
  const runsOptimized = (status: number | undefined): boolean =>
    ((status ?? 0) & report.optimized) === report.optimized;
  process.stdout.write(
    '\nchurn: the fire load after live enable/disable cycles (must stay MONOMORPHIC):\n',
  );
  report.checkpoints.forEach((c, i) => {
    const [constState, paramState] = [states[2 * i], states[2 * i + 1]];
    const ok =
      c.sameMapConst &&
      c.sameMapParam &&
      constState === 'MONOMORPHIC' &&
      paramState === 'MONOMORPHIC';
    // Thrown away by the next toggle: not optimised right after it (or after one more call).
    const dropped = [
      c.afterEnableConst[1],
      c.afterEnableParam[1],
      c.enabledThenDisabledConst[1],
      c.enabledThenDisabledParam[1],
    ].every((status) => !runsOptimized(status));
    const fast = c.stateFastOff && c.stateFastOn;
    if (!ok || !dropped || !fast) failed = true;
    process.stdout.write(
      `  ${ok && dropped && fast ? 'ok  ' : 'FAIL'} ${String(c.cycles).padStart(5)} cycles  module-level ${constState ?? '?'}, same map ${c.sameMapConst}; parameter ${paramState ?? '?'}, same map ${c.sameMapParam}; fire's holder fast off ${c.stateFastOff}, on ${c.stateFastOn}; code thrown away by the next toggle ${dropped}\n`,
    );
  });
  if (report.checkpoints.length === 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
