/**
 * Loading and unloading the same probe module again and again costs its
 * memory once. V8 never frees an ES module, and every load used to import
 * the file under a URL of its own, so each load evaluated it anew and kept
 * another module record (about 5 KB of heap per cycle here, for good). Now
 * the URL is derived from the content: 400 cycles evaluate the module once,
 * run init 400 times (each load starts from init), and the heap stays flat.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTs } from './helpers/spawn-node.js';

interface ChurnReport {
  cycles: number;
  counts: { evaluations: number; inits: number };
  report: { hits: number };
  heapAfterWarmup: number;
  heapEnd: number;
}

test('400 load/unload cycles of one probe module evaluate it once and keep the heap flat', async () => {
  const stdout = await runTs('../fixtures/probe-churn.ts', ['--expose-gc'], 180_000);
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChurnReport;
  assert.equal(report.cycles, 400);
  assert.equal(report.counts.evaluations, 1, 'the module was evaluated more than once');
  assert.equal(report.counts.inits, 400);
  assert.deepEqual(report.report, { hits: 2 }, 'the last load did not start from its init');
  // The leak was about 5 KB per cycle (1.75 MB over these 350); 0.5 MB is far below it.
  const growth = report.heapEnd - report.heapAfterWarmup;
  assert.ok(growth < 512 * 1024, `the heap grew by ${(growth / 1024).toFixed(0)} KiB`);
});
