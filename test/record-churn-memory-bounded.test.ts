/**
 * Memory stays bounded under recording churn, in a process with a real
 * worker: 500 record/stop cycles with 2 MiB ring buffers per thread. Before
 * the fix every cycle allocated a ring per thread that lingered in several
 * isolates and in malloc's arenas: RSS went from 121 MB to 1.14 GB on this
 * very fixture. Now each thread reuses its released ring: one ring created
 * per thread for the whole run, and RSS after the warm-up grows by far less
 * than one cycle's worth of buffers per ten cycles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTs } from './helpers/spawn-node.js';

interface ChurnReport {
  cycles: number;
  bufferSize: number;
  rssAfterWarmup: number;
  rssEnd: number;
  mainRings: { created: number; reused: number };
  workerRings: { created: number; reused: number };
}

test('500 record/stop cycles with a worker keep one ring per thread and a flat RSS', async () => {
  const stdout = await runTs('../fixtures/record-churn.ts', ['--expose-gc'], 180_000);
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChurnReport;
  assert.equal(report.cycles, 500);
  // Deterministic: each thread allocated its ring once and reused it after.
  assert.ok(report.mainRings.created <= 2, `main created ${report.mainRings.created} rings`);
  assert.ok(report.workerRings.created <= 2, `worker created ${report.workerRings.created} rings`);
  assert.equal(report.mainRings.created + report.mainRings.reused, report.cycles);
  assert.equal(report.workerRings.created + report.workerRings.reused, report.cycles);
  // The leak was about 2 MB per cycle here; 64 MB over 450 cycles is far below it.
  const growth = report.rssEnd - report.rssAfterWarmup;
  assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${(growth / 1e6).toFixed(1)} MB after warm-up`);
});
