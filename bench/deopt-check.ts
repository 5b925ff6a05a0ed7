/**
 * The deopt check, for people: `npm run bench:deopt`.
 *
 * Runs test/helpers/deopt-fixture.ts in a child process, twice:
 *   1. with --allow-natives-syntax, printing V8's optimisation status of a
 *      function that fires marker A after each step (other markers enabled,
 *      a pattern enabled, other marker disabled, then A itself enabled);
 *   2. with --trace-deopt as well, printing every deopt V8 reports for that
 *      function, so a regression shows its reason ("wrong map", ...).
 * Exits 1 when a step that must keep the code optimised did not.
 * test/registry-enable-no-foreign-deopt.test.ts asserts the same steps.
 * `--node V` (repeatable, or all) runs it under .runtimes/nodeV instead.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
process.exitCode = failed ? 1 : 0;
