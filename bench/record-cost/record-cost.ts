/**
 * What the control server and a streaming recording cost the host process
 * (issue 8's budgets; figures in docs/bench.md, "Control server and recording
 * cost"). Not a test: figures. On the built package (dist/), so no TypeScript
 * loader runs in the measured processes.
 *
 * 1. Start-up: fresh processes of bench/record-cost/start-app.mjs, started
 *    bare, with `--import markers` (the root) and with `--import
 *    markers/register` (the control server), interleaved: the time from
 *    spawn to the app's first line and the RSS it reports there. Then the
 *    wake-ups of an idle process (context switches of all its threads over
 *    IDLE_S seconds, in two windows) bare and with the control server.
 * 2. Recording: bench/record-cost/service.mjs (node:http, two markers fired
 *    per request, and --steps N more, `app:step`; started with --import
 *    markers/register) under a fixed
 *    request rate from bench/record-cost/load.mjs, a second process.
 *    Windows alternate: without a recording, then with `markers record
 *    PATTERN` (the CLI, a third process) streaming. For each window, the
 *    service's CPU time (process.cpuUsage(): every thread, the control
 *    worker included) per request served. The extra CPU per recorded event
 *    is (with − without) / (events per request), beside what `fire` of the
 *    same markers costs in record mode (fire-cost.mjs) in the same run, and
 *    the control worker's own CPU per event (its thread's schedstat: exact,
 *    where the whole process's CPU per request drifts between windows).
 *
 * Run: npm run bench:record-cost [-- --node all] [-- --rate 1000 --window 5 --rounds 5 --pattern '*']
 *      [-- --only startup|record] [-- --root DIR]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '../harness/args.js';
import { median } from '../harness/stats.js';
import { runUnderNodes } from '../harness/versions.js';

// --root DIR: measure another checkout's dist/ (with this folder copied into
// its bench/), e.g. main's, for a before/after comparison in one session.
const rootAt = process.argv.indexOf('--root');
const ROOT =
  rootAt > 0 && process.argv[rootAt + 1] !== undefined
    ? resolve(process.argv[rootAt + 1] as string)
    : fileURLToPath(new URL('../..', import.meta.url));
const HERE = join(ROOT, 'bench/record-cost');
const REGISTER = join(ROOT, 'dist/register.js');
const INDEX = join(ROOT, 'dist/index.js');
const CLI = join(ROOT, 'dist/cli.js');
const IDLE_S = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const range = (xs: readonly number[], digits: number): string =>
  `${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}`;

/** A child that answers one JSON line per stdin command. */
class LineChild {
  readonly child: ChildProcess;
  readonly #lines: Interface;
  readonly #waiting: ((line: string) => void)[] = [];
  readonly #early: string[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    this.#lines.on('line', (line) => {
      const next = this.#waiting.shift();
      if (next === undefined) this.#early.push(line);
      else next(line);
    });
  }

  next<T>(): Promise<T> {
    const early = this.#early.shift();
    if (early !== undefined) return Promise.resolve(JSON.parse(early) as T);
    return new Promise((resolve) => this.#waiting.push((line) => resolve(JSON.parse(line) as T)));
  }

  ask<T>(command: string): Promise<T> {
    this.child.stdin?.write(`${command}\n`);
    return this.next<T>();
  }

  async end(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    await exited;
  }
}

function contextSwitches(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    total += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
    total += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
  }
  return total;
}

/**
 * CPU time in ns of the process's threads named `name` (Linux: the first
 * field of /proc/PID/task/TID/schedstat, nanoseconds on the CPU), or
 * undefined where that is not readable. Exact, where the whole process's
 * CPU per request drifts by tens of µs from window to window: it isolates
 * what the control worker (drain, framing, socket) costs.
 */
function threadCpuNs(pid: number, name: string): number | undefined {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      if (comm !== name) continue;
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
    return total;
  } catch {
    return undefined;
  }
}

interface Variant {
  readonly name: string;
  readonly args: string[];
}

async function startup(env: NodeJS.ProcessEnv, rounds: number): Promise<void> {
  const variants: Variant[] = [
    { name: 'bare node', args: [] },
    { name: '--import markers (root)', args: ['--import', INDEX] },
    { name: '--import markers/register', args: ['--import', REGISTER] },
  ];
  const ms = new Map<string, number[]>();
  const rss = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const t0 = performance.now();
      const app = new LineChild([...variant.args, join(HERE, 'start-app.mjs')], env);
      const first = await app.next<{ rss: number }>();
      const elapsed = performance.now() - t0;
      await app.end();
      // The first round warms the disk cache and the compile cache: not counted.
      if (round === 0) continue;
      ms.set(variant.name, [...(ms.get(variant.name) ?? []), elapsed]);
      rss.set(variant.name, [...(rss.get(variant.name) ?? []), first.rss / 2 ** 20]);
    }
  }
  const bareMs = median(ms.get('bare node') ?? []);
  const bareRss = median(rss.get('bare node') ?? []);
  console.log(
    `start-up: spawn to the app's first line, RSS there (median of ${rounds - 1} interleaved rounds)`,
  );
  for (const variant of variants) {
    const t = median(ms.get(variant.name) ?? []);
    const r = median(rss.get(variant.name) ?? []);
    const extra =
      variant.args.length === 0
        ? ''
        : `  (+${(t - bareMs).toFixed(1)} ms, +${(r - bareRss).toFixed(2)} MiB over bare)`;
    console.log(
      `  ${variant.name.padEnd(28)} ${t.toFixed(1).padStart(7)} ms  ${r.toFixed(2).padStart(7)} MiB${extra}`,
    );
  }
  // Two windows: V8 finishes start-up work (its memory reducer's GCs, on
  // platform threads) in the first seconds after start, on Node 20 at about
  // 8 s, so the first window shows start-up and the second the steady idle.
  console.log(`idle: context switches of all threads, ${IDLE_S} s windows after 5 s of settling`);
  for (const variant of [variants[0], variants[2]] as Variant[]) {
    const app = new LineChild([...variant.args, join(HERE, 'start-app.mjs')], env);
    await app.next();
    await sleep(5000);
    const pid = app.child.pid as number;
    const s0 = contextSwitches(pid);
    await sleep(IDLE_S * 1000);
    const s1 = contextSwitches(pid);
    await sleep(IDLE_S * 1000);
    const s2 = contextSwitches(pid);
    await app.end();
    console.log(
      `  ${variant.name.padEnd(28)} ${s1 - s0} switches in 5-${5 + IDLE_S} s, ${s2 - s1} in ${5 + IDLE_S}-${5 + 2 * IDLE_S} s`,
    );
  }
}

interface CpuSample {
  readonly cpuUs: number;
  readonly served: number;
}

async function window(
  service: LineChild,
  seconds: number,
): Promise<{ cpu: number; served: number }> {
  const a = await service.ask<CpuSample>('cpu');
  await sleep(seconds * 1000);
  const b = await service.ask<CpuSample>('cpu');
  return { cpu: b.cpuUs - a.cpuUs, served: b.served - a.served };
}

async function fireCost(
  env: NodeJS.ProcessEnv,
): Promise<{ requestNs: number; responseNs: number; stepNs: number }> {
  // From the sources (tsx): it drives the consumer, which is no entry of dist/.
  const child = new LineChild(['--import', 'tsx', join(HERE, 'fire-cost.mjs')], env);
  const result = await child.next<{ requestNs: number; responseNs: number; stepNs: number }>();
  await child.end();
  return result;
}

async function recording(
  env: NodeJS.ProcessEnv,
  dir: string,
  options: { rate: number; seconds: number; rounds: number; pattern: string; steps: number },
): Promise<void> {
  const service = new LineChild(['--import', REGISTER, join(HERE, 'service.mjs')], {
    ...env,
    MARKERS_BENCH_STEPS: String(options.steps),
  });
  const { port } = await service.next<{ port: number }>();
  const load = new LineChild([join(HERE, 'load.mjs'), String(port), String(options.rate)], env);
  // One CLI command first: the control worker starts and Node's channels
  // become markers (listen.ts) before any window, so the windows with and
  // without a recording differ by the recording only.
  await new Promise((resolve) =>
    spawn(process.execPath, [CLI, 'list', '-p', String(service.child.pid)], {
      cwd: ROOT,
      env,
      stdio: 'ignore',
    }).once('exit', resolve),
  );
  // Connections and the JIT settle.
  await sleep(3000);
  const without: number[] = [];
  const withRec: number[] = [];
  const perRequestEvents: number[] = [];
  const controlNsPerEvent: number[] = [];
  let lost = 0;
  const pid = service.child.pid as number;
  for (let round = 0; round < options.rounds; round++) {
    const a = await window(service, options.seconds);
    without.push(a.cpu / a.served);
    const before = await service.ask<CpuSample>('cpu');
    const cli = spawn(
      process.execPath,
      [
        CLI,
        'record',
        '--json',
        '-p',
        String(service.child.pid),
        options.pattern,
        '-o',
        join(dir, `trace-${round}`),
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    cli.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    // The recording starts, its encoders are built and its first packets sent.
    await sleep(2000);
    const c0 = threadCpuNs(pid, 'markers-control');
    const b = await window(service, options.seconds);
    const c1 = threadCpuNs(pid, 'markers-control');
    withRec.push(b.cpu / b.served);
    cli.kill('SIGINT');
    await exited;
    const after = await service.ask<CpuSample>('cpu');
    const report = JSON.parse(out) as { events: number; lost: number };
    const perRequest = report.events / (after.served - before.served);
    perRequestEvents.push(perRequest);
    if (c0 !== undefined && c1 !== undefined) {
      controlNsPerEvent.push((c1 - c0) / (b.served * perRequest));
    }
    lost += report.lost;
  }
  await load.end();
  await service.end();
  const fire = await fireCost(env);
  const base = median(without);
  const rec = median(withRec);
  const evPerReq = median(perRequestEvents);
  const perEventNs = ((rec - base) / evPerReq) * 1000;
  // The fire of the markers a request fires, weighted by how many of each.
  const fireNs =
    (fire.requestNs + fire.responseNs + options.steps * fire.stepNs) / (2 + options.steps);
  console.log(
    `recording '${options.pattern}' streamed to markers record, ${options.rate} req/s, ${options.steps} app:step markers per request, ${options.rounds} × ${options.seconds} s windows each way`,
  );
  console.log(`  CPU per request without recording  ${base.toFixed(1)} µs  (${range(without, 1)})`);
  console.log(`  CPU per request while recording    ${rec.toFixed(1)} µs  (${range(withRec, 1)})`);
  console.log(
    `  events per request                 ${evPerReq.toFixed(2)}  (lost over all recordings: ${lost})`,
  );
  console.log(`  extra CPU per recorded event       ${perEventNs.toFixed(0)} ns`);
  if (controlNsPerEvent.length > 0) {
    console.log(
      `  of which the control worker        ${median(controlNsPerEvent).toFixed(0)} ns  (${range(controlNsPerEvent, 0)}; its own thread's CPU, exact)`,
    );
  }
  console.log(
    `  fire in record mode (same markers)  ${fire.requestNs.toFixed(1)} / ${fire.responseNs.toFixed(1)} / ${fire.stepNs.toFixed(1)} ns (app:request / app:response / app:step), ${fireNs.toFixed(1)} ns per event of a request`,
  );
  console.log(
    `  ratio to fire                      ${(perEventNs / fireNs).toFixed(1)}× (budget 4×)`,
  );
}

const delegated = await runUnderNodes(fileURLToPath(import.meta.url), process.argv.slice(2));
if (delegated !== undefined) process.exit(delegated);
const RECORD_COST_USAGE =
  'usage: npm run bench:record-cost -- [--rate N] [--window S] [--rounds N] [--startup-rounds N] [--pattern P] [--steps N] [--only startup|record] [--root DIR]\n';
const { values } = parseBenchArgs(
  {
    options: {
      rate: { type: 'string', default: '1000' },
      window: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '5' },
      'startup-rounds': { type: 'string', default: '21' },
      pattern: { type: 'string', default: '*' },
      steps: { type: 'string', default: '0' },
      only: { type: 'string' },
      root: { type: 'string' },
    },
  },
  RECORD_COST_USAGE,
);
console.log(`Node ${process.version} (V8 ${process.versions.v8}), ${ROOT}`);
const dir = mkdtempSync(join(tmpdir(), 'markers-record-cost-'));
const env = { ...process.env, MARKERS_SOCKET_DIR: join(dir, 'sockets') };
try {
  if (values.only !== 'record') await startup(env, Number(values['startup-rounds']));
  if (values.only !== 'startup') {
    await recording(env, dir, {
      rate: Number(values.rate),
      seconds: Number(values.window),
      rounds: Number(values.rounds),
      pattern: values.pattern,
      steps: Number(values.steps),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
