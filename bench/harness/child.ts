/**
 * One case, in a process of its own. Invoked by the runner as
 *   node --import tsx --allow-natives-syntax --expose-gc bench/harness/child.ts SUITE_FILE CASE [--quick] [--rounds N] [--no-gc]
 *
 * Loop cases: set up, let `prepare` build history, warm both loops until V8
 * has optimised them, size a round to a few milliseconds, then time rounds
 * that alternate baseline and case (ABBA order, so slow drift of the
 * machine's speed cancels). Each round yields case minus baseline; the
 * runner reports their median.
 */
import { pathToFileURL } from 'node:url';
import type { BenchCase, LoopCase, Suite } from './case.js';
import { compileLoop, type Loop } from './loop.js';
import { type ChildResult, type LoopResult, OptStatus, RESULT_PREFIX } from './protocol.js';
import { summarize } from './stats.js';

interface ChildOptions {
  readonly suiteFile: string;
  readonly caseName: string;
  readonly quick: boolean;
  readonly rounds: number | undefined;
  /** False with --no-gc: skip the collection after prepare, to see V8's behaviour without it. */
  readonly gc: boolean;
}

function parseArgs(argv: readonly string[]): ChildOptions {
  const [suiteFile, caseName, ...rest] = argv;
  if (suiteFile === undefined || caseName === undefined) {
    throw new Error('usage: child.ts SUITE_FILE CASE [--quick] [--rounds N] [--no-gc]');
  }
  let rounds: number | undefined;
  const at = rest.indexOf('--rounds');
  if (at >= 0) rounds = Number(rest[at + 1]);
  return {
    suiteFile,
    caseName,
    quick: rest.includes('--quick'),
    rounds,
    gc: !rest.includes('--no-gc'),
  };
}

// Both loops' results flow here so V8 cannot drop a loop as dead code.
let sink = 0;

function timeOne(loop: Loop, iterations: number): number {
  const start = process.hrtime.bigint();
  sink += loop(iterations);
  return Number(process.hrtime.bigint() - start) / iterations;
}

let getStatus: ((f: Loop) => number) | undefined;

/** Reads V8's optimisation status when the child runs with --allow-natives-syntax. */
function optimizationStatus(fn: Loop): number | null {
  if (!process.execArgv.includes('--allow-natives-syntax')) return null;
  // Parsed only under the flag: `%` is not JavaScript otherwise.
  getStatus ??= new Function('f', 'return %GetOptimizationStatus(f);') as (f: Loop) => number;
  return getStatus(fn);
}

const WARMUP_MS = 3000;

/** True when the loop runs TurboFan code; always true without natives syntax (cannot tell). */
function isOptimized(fn: Loop): boolean {
  const status = optimizationStatus(fn);
  return status === null || (status & OptStatus.TURBOFANNED) !== 0;
}

async function measureLoop(bench: LoopCase, options: ChildOptions): Promise<LoopResult> {
  const bindings = await bench.setup();
  const instrumented = compileLoop(`case ${bench.name}`, bindings, bench.body);
  const baseline = compileLoop(`baseline for ${bench.name}`, {}, '');
  await bench.prepare?.({
    bindings,
    run(iterations) {
      sink += instrumented(iterations);
    },
  });

  // Warm up until V8 has optimised both loops (not just on-stack-replaced
  // one call), so rounds time TurboFan code; give up after WARMUP_MS and
  // let the report show the state the loop was left in.
  // One collection after `prepare`, as an allocating application has many a
  // second. Without it V8 11.3 can leave a loop whose OSR code was
  // invalidated in Sparkplug until the next GC, which a loop that allocates
  // nothing never triggers (docs/bench.md, "Method").
  if (options.gc) (globalThis as { gc?: () => void }).gc?.();
  // Short calls first: every operation, the return included, gets type
  // feedback before V8 optimises, or the first optimised code (compiled
  // on-stack mid-loop) deopts at the loop exit on every call.
  for (let i = 0; i < 300; i++) {
    sink += baseline(1000);
    sink += instrumented(1000);
  }
  const warmupStart = Date.now();
  for (let i = 0; i < 1000 && Date.now() - warmupStart < WARMUP_MS; i++) {
    sink += baseline(100_000);
    sink += instrumented(100_000);
    if (i >= 10 && isOptimized(baseline) && isOptimized(instrumented)) break;
  }
  // Size a round so the slower loop takes about roundMs.
  const roundMs = options.quick ? 2 : 8;
  const probe = Math.max(timeOne(instrumented, 200_000), timeOne(baseline, 200_000));
  const iterations = Math.max(10_000, Math.round((roundMs * 1e6) / probe));

  const rounds = options.rounds ?? (options.quick ? 9 : 81);
  const base: number[] = [];
  const inst: number[] = [];
  const delta: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let b: number;
    let c: number;
    if (r % 2 === 0) {
      b = timeOne(baseline, iterations);
      c = timeOne(instrumented, iterations);
    } else {
      c = timeOne(instrumented, iterations);
      b = timeOne(baseline, iterations);
    }
    base.push(b);
    inst.push(c);
    delta.push(c - b);
  }
  const baselineSummary = summarize(base);
  const instrumentedSummary = summarize(inst);
  return {
    kind: 'loop',
    iterations,
    rounds,
    baseline: baselineSummary,
    instrumented: instrumentedSummary,
    delta: summarize(delta),
    ratio: instrumentedSummary.median / baselineSummary.median,
    optStatus: optimizationStatus(instrumented),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const suite = ((await import(pathToFileURL(options.suiteFile).href)) as { default: Suite })
    .default;
  const bench: BenchCase | undefined = suite.cases.find((c) => c.name === options.caseName);
  if (bench === undefined) throw new Error(`no case "${options.caseName}" in ${options.suiteFile}`);
  const result: ChildResult =
    bench.kind === 'loop'
      ? await measureLoop(bench, options)
      : { kind: 'custom', metrics: await bench.measure({ quick: options.quick }) };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  if (sink === 0.5) process.stdout.write('\n'); // keeps `sink` observable
  // A case may leave handles open (a logger, a recording); the result is out, so stop here.
  process.exit(0);
}

await main();
