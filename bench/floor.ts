/**
 * `npm run bench:floor -- SUITE/CASE... [--rounds N]`: what a loop case costs
 * when nothing preempts it. On a loaded machine the runner's medians spread
 * by tens of ns (a core shared with other jobs); the fastest of many short
 * rounds does not. Each case runs in a process of its own (as in the
 * runner): its loop and the baseline loop (harness/loop.ts) alternate, N
 * rounds of 100,000 iterations each, and the figure is min(case) −
 * min(baseline), ns per iteration. Compare variants by alternating runs of
 * this, as docs/bench.md does for the aggregations.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from './harness/args.js';
import { discoverSuites } from './harness/discover.js';
import { compileLoop } from './harness/loop.js';

const ITERATIONS = 100_000;

async function child(id: string, rounds: number): Promise<void> {
  const [suiteName, caseName] = id.split('/');
  const suites = await discoverSuites(fileURLToPath(new URL('./suites/', import.meta.url)));
  const bench = suites
    .find((s) => s.name === suiteName)
    ?.suite.cases.find((c) => c.name === caseName);
  if (bench === undefined || bench.kind !== 'loop') throw new Error(`no loop case "${id}"`);
  const bindings = await bench.setup();
  const loop = compileLoop(`case ${bench.name}`, bindings, bench.body);
  const base = compileLoop(`baseline for ${bench.name}`, {}, '');
  let sink = 0;
  await bench.prepare?.({
    bindings,
    run(n) {
      sink += loop(n);
    },
  });
  // Short calls first, as the runner does, so every operation has feedback.
  for (let i = 0; i < 300; i++) sink += loop(1000) + base(1000);
  for (let i = 0; i < 30; i++) sink += loop(ITERATIONS) + base(ITERATIONS);
  let minCase = Number.POSITIVE_INFINITY;
  let minBase = Number.POSITIVE_INFINITY;
  const time = (f: (n: number) => number): number => {
    const start = process.hrtime.bigint();
    sink += f(ITERATIONS);
    return Number(process.hrtime.bigint() - start) / ITERATIONS;
  };
  for (let r = 0; r < rounds; r++) {
    minCase = Math.min(minCase, time(loop));
    minBase = Math.min(minBase, time(base));
  }
  process.stdout.write(
    `${id}\t${(minCase - minBase).toFixed(2)} ns\t(case ${minCase.toFixed(2)}, baseline ${minBase.toFixed(2)}, ${process.version})\n`,
  );
  if (sink === 0.5) process.stdout.write('\n'); // keeps `sink` observable
  process.exit(0);
}

const FLOOR_USAGE = 'usage: npm run bench:floor -- SUITE/CASE... [--rounds N]\n';

async function main(): Promise<number> {
  const { values, positionals } = parseBenchArgs(
    {
      allowPositionals: true,
      options: {
        rounds: { type: 'string', default: '400' },
        child: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    FLOOR_USAGE,
  );
  const rounds = Number(values.rounds);
  if (values.help || !Number.isInteger(rounds) || rounds < 1 || positionals.length === 0) {
    process.stderr.write(FLOOR_USAGE);
    return values.help ? 0 : 2;
  }
  if (values.child) {
    await child(positionals[0] as string, rounds);
    return 0;
  }
  for (const id of positionals) {
    const run = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--child',
        '--rounds',
        String(rounds),
        id,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (run.status !== 0) return run.status ?? 1;
  }
  return 0;
}

process.exitCode = await main();
