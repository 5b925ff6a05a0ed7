/**
 * Enabling a marker must not deoptimise optimised code that uses another
 * marker: each marker site has its own hidden class. Judged by V8 itself
 * (%GetOptimizationStatus in a child process), not by timing. The control
 * step, enabling the marker the code uses, must deoptimise it, which shows
 * the check can see a deopt at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusBits } from '../bench/harness/v8-status.js';
import { runTs } from './helpers/spawn-node.js';

// The fixture runs on this same binary (process.execPath): its status bits are this V8's.
const { TURBOFANNED } = statusBits();

interface FixtureReport {
  steps: Record<string, number>;
  markerCEnabled: boolean;
}

test('enabling other markers leaves optimised code of a disabled marker in place', async () => {
  const stdout = await runTs('./deopt-fixture.ts', ['--allow-natives-syntax']);
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as FixtureReport;
  const turbofanned = (step: string): boolean => {
    const status = report.steps[step];
    assert.equal(typeof status, 'number', `missing step ${step}`);
    return ((status as number) & TURBOFANNED) !== 0;
  };
  assert.ok(turbofanned('optimized'), 'the fixture failed to optimise its function');
  assert.ok(turbofanned('afterOtherEnabled'), 'connecting a probe to another marker deoptimised');
  assert.ok(report.markerCEnabled, 'the pattern did not enable the third marker');
  assert.ok(turbofanned('afterPatternEnabled'), 'a pattern enabling a third marker deoptimised');
  assert.ok(turbofanned('afterOtherDisabled'), 'disconnecting the other marker deoptimised');
  assert.ok(!turbofanned('afterSelfEnabled'), 'control: enabling the marker itself must deopt');
});
