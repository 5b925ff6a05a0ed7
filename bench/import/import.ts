/**
 * What importing markers costs its host (not a test: figures for docs/bench.md).
 *
 * Each case is a fresh process of the Node under test that imports one thing
 * and reports, from inside, the import's wall time and the growth of RSS and
 * of the V8 heap across it; the parent also times the whole process, spawn to
 * exit. Cases run interleaved, ROUNDS times, and each figure is the median,
 * shown as the difference against a bare start (nothing imported) and
 * against `ms`, a one-file package: the module loader's own floor, which is
 * what the DESIGN's budget (<= 3 ms, <= 1 MiB) is measured over. Peers in the
 * same run: pino and @opentelemetry/api. "node internals" counts the modules
 * and bindings of Node itself the import loaded (process.moduleLoadList), a
 * figure no load on the machine disturbs.
 *
 * Run: npm run bench:import [-- --rounds N] [-- --node 24|all|PATH ...]
 * (it builds dist/ first: the package is imported as users get it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseBenchArgs } from '../harness/args.js';
import { nodeBinary, SUPPORTED_NODES } from '../harness/versions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// `preload`: Node built-ins imported before the clock starts. The root joins
// the process's threads with one BroadcastChannel, and loading Node's
// worker_threads for it is most of what the import costs: the case with it
// preloaded (as in any app with a worker) shows markers' own code alone.
const CASES: readonly {
  readonly name: string;
  readonly specifier: string | undefined;
  readonly preload?: string;
}[] = [
  { name: 'bare start', specifier: undefined },
  { name: 'ms (one file)', specifier: 'ms' },
  { name: 'markers', specifier: pathToFileURL(join(ROOT, 'dist/index.js')).href },
  {
    name: 'markers, w_t preloaded',
    specifier: pathToFileURL(join(ROOT, 'dist/index.js')).href,
    preload: 'node:worker_threads',
  },
  { name: 'markers core only', specifier: pathToFileURL(join(ROOT, 'dist/core.js')).href },
  { name: 'pino', specifier: 'pino' },
  { name: '@opentelemetry/api', specifier: '@opentelemetry/api' },
];

// Runs in the child: the import is timed from inside, so process start-up noise stays out.
const PROBE = `
if (process.argv[2]) await import(process.argv[2]);
const internals = process.moduleLoadList.length;
const before = process.memoryUsage();
const t0 = performance.now();
const specifier = process.argv[1];
if (specifier) await import(specifier);
const ms = performance.now() - t0;
const after = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms, rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed, internals: process.moduleLoadList.length - internals }));
`;

interface Sample {
  readonly ms: number;
  readonly rss: number;
  readonly heap: number;
  /** Node's own modules and bindings the import loaded (process.moduleLoadList): noise-free. */
  readonly internals: number;
  readonly wall: number;
}

function once(node: string, specifier: string | undefined, preload = ''): Sample {
  const start = performance.now();
  const r = spawnSync(node, ['--input-type=module', '-e', PROBE, specifier ?? '', preload], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const wall = performance.now() - start;
  if (r.status !== 0) throw new Error(`${node} ${specifier}: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<Sample, 'wall'>), wall };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const MiB = 1024 * 1024;
const fmt = (n: number, digits = 1): string => (n >= 0 ? '+' : '') + n.toFixed(digits);

function run(node: string, rounds: number): void {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const samples = CASES.map(() => [] as Sample[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of CASES.entries()) samples[i]?.push(once(node, c.specifier, c.preload));
  }
  const medians = samples.map((s) => ({
    ms: median(s.map((x) => x.ms)),
    rss: median(s.map((x) => x.rss)),
    heap: median(s.map((x) => x.heap)),
    internals: median(s.map((x) => x.internals)),
    wall: median(s.map((x) => x.wall)),
  }));
  const bare = medians[0] as (typeof medians)[number];
  const floor = medians[1] as (typeof medians)[number];
  process.stdout.write(`\nNode ${version} (${node}), ${rounds} rounds, medians\n`);
  process.stdout.write(
    'case                   import ms  vs ms   RSS MiB  vs ms   heap MiB  node internals  process ms  vs bare\n',
  );
  for (const [i, c] of CASES.entries()) {
    const m = medians[i] as (typeof medians)[number];
    process.stdout.write(
      `${c.name.padEnd(22)} ${m.ms.toFixed(2).padStart(9)}  ${fmt(m.ms - floor.ms, 2).padStart(6)}  ${(m.rss / MiB).toFixed(2).padStart(7)}  ${fmt((m.rss - floor.rss) / MiB, 2).padStart(6)}  ${(m.heap / MiB).toFixed(2).padStart(8)}  ${String(m.internals).padStart(14)}  ${m.wall.toFixed(1).padStart(10)}  ${fmt(m.wall - bare.wall).padStart(7)}\n`,
    );
  }
}

const IMPORT_USAGE =
  'usage: npm run bench:import -- [--rounds N] [--node 20|22|24|26|all|PATH]...\nexample: npm run bench:import -- --node all\n';
const { values } = parseBenchArgs(
  {
    options: {
      rounds: { type: 'string', default: '15' },
      node: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  },
  IMPORT_USAGE,
);
if (values.help) {
  process.stdout.write(IMPORT_USAGE);
  process.exit(0);
}
if (!existsSync(join(ROOT, 'dist/index.js'))) {
  process.stderr.write('dist/ is missing: npm run build\n');
  process.exit(1);
}
const rounds = Number(values.rounds);
// `--node 24` / `--node all` name the binaries of .runtimes/ as the other benchmarks do; a path is used as is.
const nodes = (values.node ?? [process.execPath]).flatMap((node) =>
  node === 'all'
    ? SUPPORTED_NODES.map(nodeBinary)
    : /^\d+$/.test(node)
      ? [nodeBinary(node)]
      : [node],
);
for (const node of nodes) {
  if (!existsSync(node)) {
    process.stderr.write(`no Node at ${node}; scripts/runtimes.sh installs the supported lines\n`);
    process.exit(2);
  }
}
for (const node of nodes) run(node, rounds);
