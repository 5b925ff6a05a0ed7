/**
 * What a scrape of the metrics agent costs, for 1, 10 and 50 instrumented
 * processes with 100 groups each (a count by route and a histogram of ms by
 * route with 8 buckets): the scrape latency seen by Prometheus (an HTTP GET
 * of /metrics), the bytes served, and the CPU each scrape costs every target
 * (utime + stime from /proc/PID/stat, all threads, over ROUNDS scrapes of
 * idle targets, minus the same idle span without scrapes).
 *
 * Not a test: figures for docs/metrics.md. Run: npm run bench:metrics
 * (it builds dist/ first: the targets run the built package).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = join(ROOT, 'bench/metrics/groups-app.mjs');
const REGISTER = join(ROOT, 'dist/register.js');
const BIN = join(ROOT, 'dist/cli.js');
const ROUNDS = 20;
const GROUPS = 100;
const CLK_TCK = 100;
const counts = (process.env.BENCH_TARGETS ?? '1,10,50').split(',').map(Number);

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function startTarget(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', REGISTER, APP, String(GROUPS)], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => child.stdout?.once('data', () => resolve(child)));
}

async function waitFor(url: string, check: (text: string) => boolean): Promise<string> {
  for (let i = 0; i < 600; i++) {
    try {
      const text = await (await fetch(url)).text();
      if (check(text)) return text;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never satisfied the check`);
}

async function measure(n: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'markers-bench-metrics-'));
  const env = { ...process.env, MARKERS_SOCKET_DIR: join(dir, 'sockets') };
  const targets: ChildProcess[] = [];
  for (let i = 0; i < n; i++) targets.push(await startTarget(env));
  const config = join(dir, 'metrics.json');
  writeFileSync(
    config,
    JSON.stringify({
      aggregations: [
        { name: 'bench_requests', markers: 'bench:req', by: ['route'] },
        {
          name: 'bench_duration',
          markers: 'bench:req',
          by: ['route'],
          hist: 'ms',
          buckets: [1, 2, 5, 10, 20, 50, 100, 200],
        },
      ],
    }),
  );
  let err = '';
  const agent = spawn(
    process.execPath,
    [BIN, 'metrics', '--config', config, '--listen', '127.0.0.1:0', '--rescan', '200ms'],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  agent.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  let port: string | undefined;
  while (port === undefined) {
    port = /:(\d+)\/metrics/.exec(err)?.[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitFor(url, (t) => t.includes(`markers_agent_targets ${n}\n`));
  for (const t of targets) t.stdin?.write('go\n');
  await waitFor(
    url,
    (t) => (t.match(/^markers_bench_requests_total\{/gm)?.length ?? 0) === n * GROUPS,
  );
  const idleStart = targets.map((t) => cpuMs(t.pid as number));
  const agentIdle = cpuMs(agent.pid as number);
  const spanStart = performance.now();
  await new Promise((r) => setTimeout(r, 2000));
  const idleSpan = performance.now() - spanStart;
  const idleCpu = targets.reduce(
    (s, t, i) => s + cpuMs(t.pid as number) - (idleStart[i] as number),
    0,
  );
  const agentIdleCpu = cpuMs(agent.pid as number) - agentIdle;

  const before = targets.map((t) => cpuMs(t.pid as number));
  const agentBefore = cpuMs(agent.pid as number);
  const latencies: number[] = [];
  let bytes = 0;
  const scrapeStart = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const text = await (await fetch(url)).text();
    latencies.push(performance.now() - t0);
    bytes = text.length;
  }
  const scrapeSpan = performance.now() - scrapeStart;
  const scrapeCpu = targets.reduce(
    (s, t, i) => s + cpuMs(t.pid as number) - (before[i] as number),
    0,
  );
  const agentCpu = cpuMs(agent.pid as number) - agentBefore;
  latencies.sort((a, b) => a - b);
  agent.kill('SIGTERM');
  for (const t of targets) t.stdin?.end();
  await Promise.all(targets.map((t) => new Promise((r) => t.once('exit', r))));
  rmSync(dir, { recursive: true, force: true });
  const idleRate = idleCpu / idleSpan;
  return {
    targets: n,
    series: n * GROUPS * (1 + 8 + 1 + 3),
    bytes,
    'scrape p50 ms': latencies[Math.floor(ROUNDS / 2)] as number,
    'scrape max ms': latencies[ROUNDS - 1] as number,
    'target CPU ms per scrape (each)': Math.max(0, scrapeCpu - idleRate * scrapeSpan) / ROUNDS / n,
    'agent CPU ms per scrape':
      Math.max(0, agentCpu - (agentIdleCpu / idleSpan) * scrapeSpan) / ROUNDS,
  };
}

spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
console.log(`node ${process.version}, ${ROUNDS} scrapes per case, ${GROUPS} groups per target`);
const rows = [];
for (const n of counts) rows.push(await measure(n));
console.table(
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, Number.isInteger(v) ? v : Number(v.toFixed(2))]),
    ),
  ),
);
