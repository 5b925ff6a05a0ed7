/**
 * `node --import tsx bench/record-floor/instructions.ts [--node V]`:
 * instructions per event of record mode's fire path and of its floor
 * (docs/bench.md, "Record mode against its floor"), counted by valgrind's
 * callgrind, which a loaded machine does not disturb as it does wall-clock
 * figures.
 *
 * Each loop (loops.ts, bundled by esbuild so that no TypeScript loader runs
 * under valgrind) runs twice, with 20,000 and 2,020,000 measured events
 * after the same warm-up; the difference of the two totals over 2,000,000
 * is one event, start-up and compilation cancelling out. V8 runs with
 * --single-threaded (no concurrent compiler or GC threads). JIT code has no
 * symbols for callgrind, hence totals rather than a profile. Slow: several
 * minutes per figure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseBenchArgs } from '../harness/args.js';

const SMALL = 20_000;
const LARGE = 2_020_000;

function total(node: string, bundle: string, loop: string, events: number, dir: string): number {
  const out = join(dir, `callgrind.${loop}.${events}`);
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      '--smc-check=all',
      node,
      '--single-threaded',
      bundle,
      loop,
      String(events),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`valgrind (${loop}, ${events}) failed:\n${run.stderr}`);
  const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(out, 'utf8'));
  if (totals === null) throw new Error(`no totals in ${out}`);
  return Number(totals[1]);
}

async function main(): Promise<number> {
  const usage = 'usage: node --import tsx bench/record-floor/instructions.ts [--node V]\n';
  const { values } = parseBenchArgs({ options: { node: { type: 'string' } } }, usage);
  const node =
    values.node === undefined
      ? process.execPath
      : fileURLToPath(new URL(`../../.runtimes/node${values.node}/bin/node`, import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'markers-callgrind-'));
  try {
    const bundle = join(dir, 'loops.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./loops.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'warning',
    });
    const perEvent: Record<string, number> = {};
    for (const loop of ['record', 'floor']) {
      const small = total(node, bundle, loop, SMALL, dir);
      const large = total(node, bundle, loop, LARGE, dir);
      perEvent[loop] = (large - small) / (LARGE - SMALL);
      process.stdout.write(
        `${loop}\t${(perEvent[loop] as number).toFixed(1)} instructions/event\n`,
      );
    }
    const over = (perEvent.record as number) - (perEvent.floor as number);
    process.stdout.write(`record over floor\t${over.toFixed(1)} instructions/event\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
