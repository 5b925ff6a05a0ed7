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
 *
 * Run: npm run bench:control (it builds dist/ first: the target runs the
 * built package, without a TypeScript loader).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../../src/control/client.js';
import { socketPath } from '../../src/control/socket-dir.js';
import { runUnderNodes } from '../harness/versions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = join(ROOT, 'bench/control/idle-app.mjs');
const REGISTER = join(ROOT, 'dist/register.js');
const ROUNDS = 20;
const IDLE_S = 20;

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

const delegated = await runUnderNodes(fileURLToPath(import.meta.url), process.argv.slice(2));
if (delegated !== undefined) process.exit(delegated);
spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
console.log(`Node ${process.version} (V8 ${process.versions.v8})`);
const dir = mkdtempSync(join(tmpdir(), 'markers-bench-'));
const env = { ...process.env, MARKERS_SOCKET_DIR: join(dir, 'sockets') };
try {
  console.log(await latency(env));
  console.log(await idle(env, false));
  console.log(await idle(env, true));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
