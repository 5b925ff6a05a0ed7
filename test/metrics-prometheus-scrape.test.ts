// The metrics agent against the real engine: two instrumented child
// processes, the real `markers metrics` CLI, and a real Prometheus (Debian's
// package) scraping it every second. The answers of Prometheus' HTTP API are
// checked against what the processes fired; a third process started later
// appears, one killed is dropped while the agent carries on, and the text the
// agent serves passes promtool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type App, makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { type MetricsAgent, startMetricsAgent } from './helpers/metrics-agent.js';
import { type Prometheus, startPrometheus } from './helpers/prometheus.js';

const FIXTURE = join(ROOT, 'test/fixtures/metrics-app.ts');

const sockets = makeSocketDir();
const apps: App[] = [];
let agent: MetricsAgent;
let prom: Prometheus;

async function startFixture(): Promise<App> {
  const app = await startApp(sockets.dir, [], { script: FIXTURE });
  apps.push(app);
  return app;
}

before(async () => {
  await startFixture();
  await startFixture();
  agent = await startMetricsAgent({
    config: {
      aggregations: [
        { name: 'requests', markers: 'app:request', by: ['status'] },
        { name: 'request_duration', markers: 'app:*', hist: 'ms', buckets: [5, 10, 50, 100] },
      ],
    },
    args: ['--rescan', '300ms'],
    env: { MARKERS_SOCKET_DIR: sockets.dir },
  });
  await agent.waitForTargets(2, 'the agent to attach both processes');
  prom = await startPrometheus([`127.0.0.1:${agent.port}`]);
});

after(async () => {
  await agent?.stop();
  await prom?.stop();
  await Promise.all(apps.map((a) => a.stop()));
  sockets.remove();
});

test('Prometheus sees exactly what the processes fired, by status, and the rates and quantiles agree', async () => {
  const [a, b] = apps as [App, App];
  // A first batch makes the series exist in Prometheus, so rate() sees the increase of the second.
  a.send('fire 40\n');
  b.send('fire 20\n');
  await prom.waitFor('sum(markers_requests_total)', (r) => Number(r[0]?.value[1]) === 60);
  a.send('fire 360\n');
  b.send('fire 180\n');
  await a.waitFor('fired 400');
  await b.waitFor('fired 200');
  // 3 of every 4 requests are 200s; ms cycles through 2, 7, 20, 70.
  const counts = await prom.waitFor(
    'sum by (status) (markers_requests_total)',
    (r) =>
      r.length === 2 &&
      r.every((s) => Number(s.value[1]) === (s.metric.status === '200' ? 450 : 150)),
  );
  assert.equal(counts.length, 2);
  const perProcess = await prom.query('markers_requests_total{status="500"}');
  assert.deepEqual(
    perProcess.map((s) => Number(s.value[1])).sort((x, y) => x - y),
    [50, 100],
  );
  assert.ok(perProcess.every((s) => /metrics-app\.ts/.test(s.metric.command ?? '')));
  const le10 = await prom.waitFor(
    // Prometheus negotiates OpenMetrics, whose canonical le is a float.
    'sum(markers_request_duration_bucket{le="10.0"})',
    (r) => Number(r[0]?.value[1]) === 300,
  );
  assert.equal(Number(le10[0]?.value[1]), 300, 'values <= 10 (2 and 7) are half of 600');
  const [sum] = await prom.query('sum(markers_request_duration_sum)');
  assert.equal(Number(sum?.value[1]), 150 * (2 + 7 + 20 + 70));
  // Rates over a window that holds the bursts.
  // rate() needs two samples of each series in its window: wait for them.
  const rates = await prom.waitFor(
    'sum by (status) (rate(markers_requests_total[20s]))',
    (r) => r.length === 2,
  );
  const rate = Object.fromEntries(rates.map((s) => [s.metric.status, Number(s.value[1])]));
  assert.ok((rate['200'] ?? 0) > 0 && (rate['500'] ?? 0) > 0, JSON.stringify(rates));
  assert.ok(Math.abs((rate['200'] as number) / (rate['500'] as number) - 3) < 0.5);
  const [p50] = await prom.waitFor(
    'histogram_quantile(0.5, sum by (le) (rate(markers_request_duration_bucket[20s])))',
    (r) => r.length === 1,
  );
  const median = Number(p50?.value[1]);
  assert.ok(median > 5 && median <= 10, `p50 ${median} lies in the (5, 10] bucket`);
  const [p99] = await prom.waitFor(
    'histogram_quantile(0.99, sum by (le) (rate(markers_request_duration_bucket[20s])))',
    (r) => r.length === 1,
  );
  const high = Number(p99?.value[1]);
  assert.ok(high > 50 && high <= 100, `p99 ${high} lies in the (50, 100] bucket`);
});

test('the served text passes promtool, and OpenMetrics is served when asked for', async () => {
  const text = await agent.scrape();
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}\n${text}`);
  assert.match(text, /^markers_agent_build_info\{version="[^"]+",node="v\d+/m);
  const om = await agent.scrape('application/openmetrics-text;version=1.0.0');
  assert.ok(om.endsWith('# EOF\n'));
  const bad = await fetch(agent.url.replace('/metrics', '/other'));
  assert.equal(bad.status, 404);
  await bad.text();
});

test('a process started later appears; a process killed is dropped and the agent carries on', async () => {
  const c = await startFixture();
  await prom.waitFor('markers_agent_targets', (r) => Number(r[0]?.value[1]) === 3);
  c.send('fire 40\n');
  await c.waitFor('fired 40');
  await prom.waitFor(
    `sum(markers_requests_total{pid="${c.pid}"})`,
    (r) => Number(r[0]?.value[1]) === 40,
  );
  const [a] = apps as [App];
  a.child.kill('SIGKILL');
  await prom.waitFor('markers_agent_targets', (r) => Number(r[0]?.value[1]) === 2);
  await prom.waitFor(`markers_requests_total{pid="${a.pid}"}`, (r) => r.length === 0);
  const [up] = await prom.query('up{job="markers"}');
  assert.equal(up?.value[1], '1');
  const [dropped] = await prom.query('markers_agent_targets_dropped_total');
  assert.ok(Number(dropped?.value[1]) >= 1);
});
