// Remote write, judged by a real Prometheus started with its remote-write
// receiver: what the agent pushes must come back from /api/v1/query with the
// same names, labels (escaping included) and values.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseMetricsConfig } from '../src/metrics/config.js';
import { aggregationFamilies } from '../src/metrics/families.js';
import { loadSnappy, remoteWriter } from '../src/metrics/remote-write.js';
import { makeSocketDir, ROOT, startApp } from './helpers/control.js';
import { startMetricsAgent } from './helpers/metrics-agent.js';
import { type Prometheus, startPrometheus } from './helpers/prometheus.js';

let prom: Prometheus;
before(async () => {
  prom = await startPrometheus([]);
});
after(async () => {
  await prom?.stop();
});

test('pushed counters and histograms are stored by Prometheus as sent', async () => {
  const config = parseMetricsConfig({
    aggregations: [
      { name: 'pushed', markers: 'app:*', by: ['status'] },
      { name: 'pushed_duration', markers: 'app:done', hist: 'ms', buckets: [1, 10] },
    ],
  });
  const families = aggregationFamilies(config.aggregations, [
    {
      pid: 4242,
      command: 'node "a b".js',
      readings: new Map([
        [
          'pushed',
          {
            groups: [
              { key: { status: 200 }, count: 17, sum: 0 },
              { key: { status: 500 }, count: 2, sum: 0 },
            ],
            dropped: 0,
            otherCount: 0,
          },
        ],
        [
          'pushed_duration',
          {
            groups: [{ key: {}, count: 5, sum: 23, cumulative: [1, 3] }],
            dropped: 0,
            otherCount: 0,
          },
        ],
      ]),
    },
  ]);
  await remoteWriter(`${prom.url}/api/v1/write`, loadSnappy()).push(families);
  const counts = await prom.waitFor('markers_pushed_total', (r) => r.length === 2);
  const byStatus = Object.fromEntries(counts.map((s) => [s.metric.status, s.value[1]]));
  assert.deepEqual(byStatus, { '200': '17', '500': '2' });
  assert.equal(counts[0]?.metric.command, 'node "a b".js');
  assert.equal(counts[0]?.metric.pid, '4242');
  const buckets = await prom.waitFor('markers_pushed_duration_bucket', (r) => r.length === 3);
  const byLe = Object.fromEntries(buckets.map((s) => [s.metric.le, s.value[1]]));
  assert.deepEqual(byLe, { '1.0': '1', '10.0': '3', '+Inf': '5' });
  const [sum] = await prom.query('markers_pushed_duration_sum');
  assert.equal(sum?.value[1], '23');
});

test('a receiver that refuses is an ERR_REMOTE_WRITE naming its answer', async () => {
  const writer = remoteWriter(`${prom.url}/api/v1/nothing-here`, loadSnappy());
  await assert.rejects(writer.push([]), (e: { code?: string; message: string }) => {
    assert.equal(e.code, 'ERR_REMOTE_WRITE');
    assert.match(e.message, /HTTP 404/);
    return true;
  });
});

test("markers metrics --remote-write pushes a live process's aggregations to Prometheus", async () => {
  const sockets = makeSocketDir();
  const app = await startApp(sockets.dir, [], {
    script: join(ROOT, 'test/fixtures/metrics-app.ts'),
  });
  const agent = await startMetricsAgent({
    config: { aggregations: [{ name: 'rw_requests', markers: 'app:request', by: ['status'] }] },
    args: ['--remote-write', `${prom.url}/api/v1/write`, '--push-interval', '500ms'],
    env: { MARKERS_SOCKET_DIR: sockets.dir },
  });
  try {
    await prom.waitFor('markers_agent_targets', (r) => Number(r[0]?.value[1]) === 1);
    app.send('fire 80\n');
    await app.waitFor('fired 80');
    const counts = await prom.waitFor(
      `markers_rw_requests_total{pid="${app.pid}"}`,
      (r) => r.length === 2 && r.reduce((s, x) => s + Number(x.value[1]), 0) === 80,
    );
    assert.deepEqual(Object.fromEntries(counts.map((c) => [c.metric.status, c.value[1]])), {
      '200': '60',
      '500': '20',
    });
    assert.doesNotMatch(agent.stderr(), /ERR_REMOTE_WRITE/);
  } finally {
    await agent.stop();
    await app.stop();
    sockets.remove();
  }
});
