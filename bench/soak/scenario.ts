/**
 * One soak scenario, in a process of its own (run by bench/soak/soak.ts with
 * --expose-gc). Runs CYCLES cycles of one operation and prints one JSON line:
 * samples of { cycle, rss, heap } taken after a gc(), every `every` cycles.
 *
 *   record         RecordingConsumer start/stop in this process, with a worker
 *                  firing into it (1 MiB rings per thread)
 *   record-api     record()/stop(): a consumer worker per recording
 *   cli-enable     a target with a worker and the control server, driven over
 *                  its socket with the CLI's own client: enable, disable
 *                  (the flight recorder); RSS is the target's, from /proc
 *   cli-record     the same target, a streaming recording (`markers record`'s
 *                  request) started, its first packet received, stopped
 *   connect        connect()/disconnect() of a probe on a marker that fires
 *   load-unload    loadProbeModule()/unload() of one probe module file
 */
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { connectTarget } from '../../src/control/discovery.js';
import { connect, loadProbeModule, marker, record } from '../../src/index.js';
import { RecordingConsumer } from '../../src/record/consumer/consumer.js';
import { makeSocketDir, startApp } from '../../test/helpers/control.js';
import { startWorker } from '../../test/helpers/workers.js';

export interface Sample {
  readonly cycle: number;
  /** Resident set size of the process that holds the markers state, bytes. */
  readonly rss: number;
  /** V8 heap used in this process after a gc (null when RSS is another process's). */
  readonly heap: number | null;
  /** The same in the scenario's worker, when it has one in this process. */
  readonly workerHeap?: number;
}

const [name, cyclesArg] = process.argv.slice(2);
const cycles = Number(cyclesArg);
const every = Math.max(1, Math.floor(cycles / 40));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const samples: Sample[] = [];
// The coordinator's channel never keeps a process alive; an application does.
const alive = setInterval(() => {}, 1000);
const WORKER = new URL('../../test/fixtures/record-churn-worker.ts', import.meta.url);
const PROBE = fileURLToPath(new URL('../../test/fixtures/probe-churn-module.mjs', import.meta.url));

function sample(cycle: number, workerHeap?: number): void {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  samples.push({ cycle, rss, heap: heapUsed, ...(workerHeap === undefined ? {} : { workerHeap }) });
}

/**
 * A worker of the scenario collects its garbage before each sample too: a
 * thread that allocates little rarely runs a full collection by itself, and
 * the garbage it keeps in the meantime is RSS that no leak explains.
 */
async function collectIn(worker: Worker): Promise<number> {
  const reply = once(worker, 'message') as Promise<[{ heap: number }]>;
  worker.postMessage('gc');
  return (await reply)[0].heap;
}

async function loop(step: (i: number) => Promise<void>, worker?: Worker): Promise<void> {
  for (let i = 0; i < cycles; i++) {
    await step(i);
    if ((i + 1) % every === 0) {
      sample(i + 1, worker === undefined ? undefined : await collectIn(worker));
    }
  }
}

async function recordScenario(): Promise<void> {
  const worker = await startWorker(WORKER);
  const m = marker('churn:main', 'i %d');
  const sink = { packet() {}, finish() {} };
  await loop(async (i) => {
    const consumer = await RecordingConsumer.start(
      { markers: 'churn:*', bufferSize: 1 << 20, subBufferSize: 64 * 1024 },
      sink,
    );
    m.fire?.(i);
    const fired = once(worker, 'message');
    worker.postMessage({ fire: 10 });
    await fired;
    await consumer.stop();
  }, worker);
  await worker.terminate();
}

async function recordApiScenario(): Promise<void> {
  const m = marker('churn:main', 'i %d');
  const base = join(tmpdir(), `markers-soak-${process.pid}`);
  await loop(async (i) => {
    const output = `${base}-${i}`;
    const recording = await record({
      markers: 'churn:*',
      output,
      bufferSize: 1 << 20,
      subBufferSize: 64 * 1024,
    });
    m.fire?.(i);
    await recording.stop();
    rmSync(output, { recursive: true, force: true });
  });
}

type Client = Awaited<ReturnType<typeof connectTarget>>;

/**
 * A target with a worker and the control server, firing, driven over its
 * socket with the CLI's own client: `cycle` runs `cycles` times, and the
 * target's RSS (from /proc) is sampled as it goes.
 */
async function drivingTarget(cycle: (client: Client) => Promise<void>): Promise<void> {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, ['workers=1', 'fire']);
  const rss = (): number =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'))?.[1]) * 1024;
  try {
    const client = await connectTarget(app.pid, {
      ...process.env,
      MARKERS_SOCKET_DIR: sockets.dir,
    });
    for (let i = 0; i < cycles; i++) {
      await cycle(client);
      if ((i + 1) % every === 0) samples.push({ cycle: i + 1, rss: rss(), heap: null });
    }
    client.close();
  } finally {
    await app.stop();
    sockets.remove();
  }
}

function cliEnableScenario(): Promise<void> {
  return drivingTarget(async (client) => {
    await client.request('enable', { patterns: ['app:*', 'worker:*'], bufferSize: 1 << 20 });
    await client.request('disable', { patterns: [] });
  });
}

function cliRecordScenario(): Promise<void> {
  return drivingTarget(async (client) => {
    // Each cycle waits for a packet frame: the write from a ring slot, the
    // slot's hand-back and the progress notice all run.
    let packet!: () => void;
    const packetSeen = new Promise<void>((resolve) => {
      packet = resolve;
    });
    await client.request(
      'record',
      { patterns: ['app:*', 'worker:*'], bufferSize: 1 << 20, flushMs: 5, incremental: true },
      {
        onFrame: (frame) => {
          if ((frame.header as { type?: string }).type === 'packet') packet();
        },
      },
    );
    await packetSeen;
    await client.request('stop');
  });
}

async function connectScenario(): Promise<void> {
  const m = marker('churn:connect', 'a %d b %f s %s');
  const probe = (): void => {};
  await loop(async (i) => {
    const handle = connect(m, probe);
    m.fire?.(i, i / 2, 'GET');
    await handle.disconnect();
    m.fire?.(i, i / 2, 'GET');
  });
}

async function loadUnloadScenario(): Promise<void> {
  const m = marker('churn:probe', 'i %d');
  await loop(async (i) => {
    const loaded = await loadProbeModule(PROBE);
    m.fire?.(i);
    await loaded.unload();
  });
}

const scenarios: Record<string, () => Promise<void>> = {
  record: recordScenario,
  'record-api': recordApiScenario,
  'cli-enable': cliEnableScenario,
  'cli-record': cliRecordScenario,
  connect: connectScenario,
  'load-unload': loadUnloadScenario,
};

const run = name === undefined ? undefined : scenarios[name];
if (run === undefined || !Number.isInteger(cycles) || cycles < 1) {
  process.stderr.write(`usage: scenario.ts ${Object.keys(scenarios).join('|')} CYCLES\n`);
  process.exit(2);
}
if (name !== 'cli-enable' && name !== 'cli-record') sample(0);
await run();
process.stdout.write(`@@soak ${JSON.stringify({ name, cycles, samples })}\n`);
clearInterval(alive);
process.exit(0);
