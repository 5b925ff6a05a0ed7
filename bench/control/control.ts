/**
 * Control-path measurements (not a test: figures for docs/control.md).
 *
 * 1. Latency: from sending `record` (or `enable` + a first snapshot-free
 *    stream) over the socket to the first event's packet arriving at the
 *    client, against a target firing a marker every millisecond. Median and
 *    max over ROUNDS recordings.
 * 2. Idle overhead: a target that does nothing, with and without the control
 *    server, sampled over IDLE_S seconds: CPU time (utime+stime from
 *    /proc/PID/stat) and context switches of every thread (each wake-up of a
 *    thread is one voluntary switch).
 * 3. Start-up (issue 8's budget for the control server: 10 ms, 3 MiB):
 *    fresh processes of start-app.mjs, bare, with `--import markers` (the
 *    root) and with `--import markers/register`, interleaved, the first
 *    round dropped: the time from spawn to the app's first line, the RSS
 *    there and 1.5 s later; then the RSS once a first CLI request (`info`)
 *    has been answered (the control worker runs from then on); and the same
 *    for an application that starts one worker thread of its own.
 *
 * Run: npm run bench:control [-- --node all] [-- --only startup|latency|idle]
 *      [-- --rounds 10] [-- --root DIR] (it builds dist/ first: the target
 *      runs the built package, without a TypeScript loader; --root DIR
 *      measures another checkout's dist/, with bench/control/ copied into it,
 *      and builds nothing).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../../src/control/client.js';
import { socketPath } from '../../src/control/socket-dir.js';
import { parseBenchArgs } from '../harness/args.js';
import { median } from '../harness/stats.js';
import { runUnderNodes, takeNodeOptions } from '../harness/versions.js';

const { values: options } = parseBenchArgs(
  {
    args: takeNodeOptions(process.argv.slice(2)).rest,
    options: {
      only: { type: 'string' },
      rounds: { type: 'string', default: '11' },
      root: { type: 'string' },
    },
  },
  'Usage: npm run bench:control [-- --node all] [-- --only startup|latency|idle] [-- --rounds N] [-- --root DIR]',
);
const OWN_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROOT = options.root === undefined ? OWN_ROOT : resolve(options.root);
const APP = join(ROOT, 'bench/control/idle-app.mjs');
const START_APP = join(ROOT, 'bench/control/start-app.mjs');
const REGISTER = join(ROOT, 'dist/register.js');
const INDEX = join(ROOT, 'dist/index.js');
const ROUNDS = 20;
const IDLE_S = 20;
const START_ROUNDS = Number(options.rounds);

function start(env: NodeJS.ProcessEnv, register: boolean, mode: string): Promise<ChildProcess> {
  const args = [...(register ? ['--import', REGISTER] : []), APP, mode];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => child.stdout?.once('data', () => resolve(child)));
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  await exited;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

function switches(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? tid;
    // Node names its threads only partly (libuv workers, V8 platform): the tid tells them apart.
    const v = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
    const nv = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
    out.set(`${name}/${tid}`, v + nv);
  }
  return out;
}

async function idle(env: NodeJS.ProcessEnv, register: boolean): Promise<string> {
  const child = await start(env, register, 'idle');
  const pid = child.pid as number;
  // Start-up leaves GC work behind (V8 platform threads, the main thread) for
  // ~10 s; sample the steady state after it.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const cpu0 = cpuTicks(pid);
  const sw0 = switches(pid);
  await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
  const cpu1 = cpuTicks(pid);
  const sw1 = switches(pid);
  await stop(child);
  const wakeups = [...sw1].map(([k, v]) => `${k}:${v - (sw0.get(k) ?? v)}`).join(' ');
  const total = [...sw1].reduce((t, [k, v]) => t + v - (sw0.get(k) ?? v), 0);
  // CLK_TCK is 100 on Linux: one tick is 10 ms.
  const cpuPct = (((cpu1 - cpu0) * 10) / (IDLE_S * 1000)) * 100;
  return `${register ? 'with control server' : 'without'}: CPU ${cpuPct.toFixed(2)}% over ${IDLE_S}s, ${total} context switches in ${sw1.size} threads (${wakeups})`;
}

async function latency(env: NodeJS.ProcessEnv): Promise<string> {
  const child = await start(env, true, 'fire');
  const client = await ControlClient.connect(socketPath(child.pid as number, env), child.pid);
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let first: (() => void) | undefined;
    const arrived = new Promise<void>((resolve) => {
      first = resolve;
    });
    const t0 = performance.now();
    await client.request('record', { patterns: ['bench:*'] }, { onFrame: () => first?.() });
    await arrived;
    samples.push(performance.now() - t0);
    await client.request('stop');
  }
  client.close();
  await stop(child);
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] as number;
  return `record -> first event at the client: median ${median.toFixed(1)} ms, min ${samples[0]?.toFixed(1)} ms, max ${samples[samples.length - 1]?.toFixed(1)} ms over ${ROUNDS} recordings`;
}

/** One start of start-app.mjs: ms to its first line, RSS (MiB) there, 1.5 s later, and after a first `info`. */
async function startOnce(
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[],
  appArgs: readonly string[],
  contact: boolean,
): Promise<{ ms: number; cpuMs: number; first: number; settled: number; contacted: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, START_APP, ...appArgs], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  let cpuMs = Number.NaN;
  const next = (): Promise<number> =>
    new Promise((resolve) =>
      waiting.push((line) => {
        const sample = JSON.parse(line) as { rss: number; cpuMs: number };
        if (Number.isNaN(cpuMs)) cpuMs = sample.cpuMs;
        resolve(sample.rss / 2 ** 20);
      }),
    );
  const first = await next();
  const ms = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.stdin?.write('rss\n');
  const settled = await next();
  let contacted = Number.NaN;
  if (contact) {
    const client = await ControlClient.connect(socketPath(child.pid as number, env), child.pid);
    await client.request('info');
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.stdin?.write('rss\n');
    contacted = await next();
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  await exited;
  return { ms, cpuMs, first, settled, contacted };
}

async function startup(env: NodeJS.ProcessEnv): Promise<string[]> {
  const variants = [
    { name: 'bare node', node: [] as string[], app: [] as string[], contact: false },
    { name: '--import markers (root)', node: ['--import', INDEX], app: [], contact: false },
    { name: '--import markers/register', node: ['--import', REGISTER], app: [], contact: true },
    { name: 'bare node, app with a worker', node: [], app: ['worker'], contact: false },
    { name: 'root, app with a worker', node: ['--import', INDEX], app: ['worker'], contact: false },
    {
      name: 'register, app with a worker',
      node: ['--import', REGISTER],
      app: ['worker'],
      contact: true,
    },
    { name: 'bare node, HTTP service', node: [], app: ['http'], contact: false },
    { name: 'root, HTTP service', node: ['--import', INDEX], app: ['http'], contact: false },
    { name: 'register, HTTP service', node: ['--import', REGISTER], app: ['http'], contact: true },
  ];
  const samples = new Map<
    string,
    { ms: number; cpuMs: number; first: number; settled: number; contacted: number }[]
  >();
  for (let round = 0; round < START_ROUNDS; round++) {
    for (const v of variants) {
      const sample = await startOnce(env, v.node, v.app, v.contact);
      // The first round warms the disk cache and the compile cache: not counted.
      if (round > 0) samples.set(v.name, [...(samples.get(v.name) ?? []), sample]);
    }
  }
  const of = (name: string, key: 'ms' | 'cpuMs' | 'first' | 'settled' | 'contacted'): number =>
    median((samples.get(name) ?? []).map((s) => s[key]));
  const out = [
    `start-up: medians of ${START_ROUNDS - 1} interleaved rounds: spawn to the first line (wall; CPU of all threads until then); RSS there, 1.5 s later, and 1.5 s after a first 'info' was answered`,
  ];
  for (const v of variants) {
    const [base, root] =
      v.app[0] === 'worker'
        ? ['bare node, app with a worker', 'root, app with a worker']
        : v.app[0] === 'http'
          ? ['bare node, HTTP service', 'root, HTTP service']
          : ['bare node', '--import markers (root)'];
    const over = (
      key: 'ms' | 'cpuMs' | 'first' | 'settled',
      from: string,
      unit: string,
      digits: number,
    ) => `${(of(v.name, key) - of(from, key)).toFixed(digits)}${unit}`;
    let line = `  ${v.name.padEnd(30)} ${of(v.name, 'ms').toFixed(1).padStart(6)} ms (CPU ${of(v.name, 'cpuMs').toFixed(1).padStart(5)} ms)  RSS ${of(v.name, 'first').toFixed(2).padStart(6)} / ${of(v.name, 'settled').toFixed(2).padStart(6)} MiB`;
    if (v.name !== base) {
      line += `  (over bare: +${over('ms', base, ' ms', 1)}, CPU +${over('cpuMs', base, ' ms', 1)}, +${over('first', base, '', 2)} / +${over('settled', base, ' MiB', 2)})`;
    }
    if (v.node.includes(REGISTER)) {
      line += `  (over the root: +${over('ms', root, ' ms', 1)}, CPU +${over('cpuMs', root, ' ms', 1)}, +${over('first', root, '', 2)} / +${over('settled', root, ' MiB', 2)}; after a first contact ${of(v.name, 'contacted').toFixed(2)} MiB, +${(of(v.name, 'contacted') - of(root, 'settled')).toFixed(2)} over the root)`;
    }
    out.push(line);
  }
  return out;
}

const delegated = await runUnderNodes(fileURLToPath(import.meta.url), process.argv.slice(2));
if (delegated !== undefined) process.exit(delegated);
if (options.root === undefined) {
  spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
console.log(`Node ${process.version} (V8 ${process.versions.v8}), ${ROOT}`);
const dir = mkdtempSync(join(tmpdir(), 'markers-bench-'));
const env = { ...process.env, MARKERS_SOCKET_DIR: join(dir, 'sockets') };
const only = options.only;
try {
  if (only === undefined || only === 'startup')
    for (const line of await startup(env)) console.log(line);
  if (only === undefined || only === 'latency') console.log(await latency(env));
  if (only === undefined || only === 'idle') {
    console.log(await idle(env, false));
    console.log(await idle(env, true));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
