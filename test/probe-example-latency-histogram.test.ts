import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadProbeModule, marker } from '../src/index.js';

const EXAMPLE = fileURLToPath(new URL('../examples/probes/latency-histogram.mjs', import.meta.url));

interface Histogram {
  marker: string;
  count: number;
  invalid: number;
  min: number;
  max: number;
  p50: number;
  buckets: { low: number; high: number; count: number }[];
}

test('the latency-histogram example counts ms values into log2 buckets per marker', async () => {
  const done = marker('http:request_done', 'method %s path %s status %d ms %f');
  const queryEnd = marker('db:query_end', 'sql %s ms %f');
  const noMs = marker('job:run_end', 'id %d');
  const loaded = await loadProbeModule(EXAMPLE);
  try {
    for (const ms of [0.01, 1, 1.5, 3, 3.9, 100]) done.fire?.('GET', '/', 200, ms);
    done.fire?.('GET', '/', 500, Number.NaN);
    queryEnd.fire?.('select 1', 12);
    noMs.fire?.(1);
    const report = (await loaded.report()) as { histograms: Histogram[] };
    assert.deepEqual(
      report.histograms.map((h) => h.marker),
      ['http:request_done', 'db:query_end'],
    );
    const [http, db] = report.histograms as [Histogram, Histogram];
    assert.equal(http.count, 6);
    assert.equal(http.invalid, 1);
    assert.equal(http.min, 0.01);
    assert.equal(http.max, 100);
    const nonEmpty = http.buckets.filter((b) => b.count > 0).map((b) => [b.low, b.high, b.count]);
    assert.deepEqual(nonEmpty, [
      [0.0625, 0.125, 1],
      [1, 2, 2],
      [2, 4, 2],
      [64, 128, 1],
    ]);
    assert.equal(
      http.buckets.reduce((sum, b) => sum + b.count, 0),
      6,
    );
    assert.equal(http.p50, 2);
    assert.deepEqual(
      db.buckets.map((b) => [b.low, b.count]),
      [[8, 1]],
    );
  } finally {
    await loaded.unload();
  }
  assert.equal(done.fire, undefined);
});
