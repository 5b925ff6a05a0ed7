/**
 * The soak benchmark: `npm run bench:soak -- [--cycles N] [--only NAME]... [--json] [--quick]`.
 *
 * Does thousands of cycles of what an incident does to a live process
 * (record/stop, enable/disable from the CLI and in-process, probe module
 * load/unload), each scenario in a child process of its own, and reports
 * RSS and V8 heap per cycle: where they start and end, and the slope after
 * the warm-up (least squares over the samples past the first quarter), in
 * bytes per cycle. Bounded memory is a slope near zero; a leak is a slope
 * near what one cycle allocates (a 1 MiB ring per thread for the record
 * scenarios). Not a test: figures for docs/bench.md.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '../harness/args.js';
import type { Sample } from './scenario.js';

const SCENARIO = fileURLToPath(new URL('./scenario.ts', import.meta.url));

/** Default cycles per scenario; record-api starts a worker per cycle, so fewer. */
const DEFAULT_CYCLES: Record<string, number> = {
  record: 2000,
  'record-api': 200,
  'cli-enable': 1000,
  'cli-record': 500,
  connect: 5000,
  'load-unload': 2000,
};

const USAGE = `usage: npm run bench:soak -- [options]
  --cycles N     cycles per scenario (default: ${Object.entries(DEFAULT_CYCLES)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')})
  --only NAME    run only this scenario; repeatable
  --quick        a tenth of the cycles: a smoke test
  --json         one JSON document on stdout
example: npm run bench:soak -- --only record --cycles 1000`;

interface Outcome {
  readonly name: string;
  readonly cycles: number;
  readonly samples: readonly Sample[];
}

function runScenario(name: string, cycles: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', SCENARIO, name, String(cycles)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@soak '));
      if (code !== 0 || line === undefined) reject(new Error(`${name} exited with ${code}`));
      else resolve(JSON.parse(line.slice('@@soak '.length)) as Outcome);
    });
  });
}

/** Least-squares slope of y over cycle, for the samples past the first quarter. */
function slope(samples: readonly Sample[], y: (s: Sample) => number | null): number | null {
  const last = samples[samples.length - 1];
  if (last === undefined) return null;
  const points = samples
    .filter((s) => s.cycle >= last.cycle / 4)
    .map((s) => [s.cycle, y(s)] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null);
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, v] of points) {
    num += (x - mx) * (v - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function mb(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '-' : (bytes / 1e6).toFixed(1);
}

function perCycle(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / 1024).toFixed(2)} KiB`;
}

async function main(): Promise<number> {
  const { values } = parseBenchArgs(
    {
      options: {
        cycles: { type: 'string' },
        only: { type: 'string', multiple: true },
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = values.only ?? Object.keys(DEFAULT_CYCLES);
  const unknown = names.filter((n) => DEFAULT_CYCLES[n] === undefined);
  const fixed = values.cycles === undefined ? undefined : Number(values.cycles);
  if (unknown.length > 0 || (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 1))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const outcomes: Outcome[] = [];
  for (const name of names) {
    const base = fixed ?? (DEFAULT_CYCLES[name] as number);
    const cycles = values.quick ? Math.max(10, Math.floor(base / 10)) : base;
    process.stderr.write(`soak: ${name}, ${cycles} cycles\n`);
    outcomes.push(await runScenario(name, cycles));
  }
  const rows = outcomes.map((o) => {
    const first = o.samples[0];
    const last = o.samples[o.samples.length - 1];
    return {
      name: o.name,
      cycles: o.cycles,
      rssStart: first?.rss ?? null,
      rssEnd: last?.rss ?? null,
      heapStart: first?.heap ?? null,
      heapEnd: last?.heap ?? null,
      rssSlope: slope(o.samples, (s) => s.rss),
      heapSlope: slope(o.samples, (s) => s.heap),
      workerHeapSlope: slope(o.samples, (s) => s.workerHeap ?? null),
      samples: o.samples,
    };
  });
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2)}\n`,
    );
    return 0;
  }
  const header = [
    'scenario',
    'cycles',
    'RSS MB',
    'RSS/cycle',
    'heap MB',
    'heap/cycle',
    'worker heap/cycle',
  ];
  const table = rows.map((r) => [
    r.name,
    String(r.cycles),
    `${mb(r.rssStart)} -> ${mb(r.rssEnd)}`,
    perCycle(r.rssSlope),
    `${mb(r.heapStart)} -> ${mb(r.heapEnd)}`,
    perCycle(r.heapSlope),
    perCycle(r.workerHeapSlope),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  process.stdout.write(
    `markers soak — Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n${line(header)}\n${table.map(line).join('\n')}\n\n` +
      'RSS of the process holding the markers state (cli-enable, cli-record: the target); heap: V8 heap used after gc() (the\n' +
      "target of cli-enable and cli-record is not sampled); worker heap: the same in the record scenario's worker, which\n" +
      'collects before each sample too; /cycle: least-squares slope past the first quarter of the run.\n',
  );
  return 0;
}

process.exitCode = await main();
