/**
 * A disabled marker stays free after an incident's worth of toggling: after
 * 30 and 1,000 enable/disable cycles with the code running hot between them,
 * the marker object still has the hidden class it was born with, and the
 * inline cache that loads `fire` at each call site (a module-level marker,
 * and a marker passed as a parameter) is still MONOMORPHIC. Swapping the
 * marker object's own prototype gave it a new map per swap, and those sites
 * went MEGAMORPHIC (a generic lookup, about 7 ns) within 30 cycles.
 *
 * Monomorphic is not enough: the holder of `fire` (the hook's prototype)
 * must be a fast-mode object whenever a compiler looks at it, or optimised
 * code loads `fire` with a generic LoadIC that depends on nothing, survives
 * every later toggle, and keeps a disabled marker at 5-15 ns for good (the
 * `on` states were dictionaries, and which code a caller ended up with was
 * luck: bimodal benchmark runs). So code optimised in either state must be
 * thrown away by the next toggle.
 *
 * Judged by V8 itself in a child process (%HaveSameMap, %DebugPrint of the
 * feedback, %GetOptimizationStatus), never by a clock. Background compilation
 * is off in the child so nothing changes between two reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChurnFixture } from './helpers/churn-report.js';

test('the fire load stays monomorphic and the map unchanged after 30 and 1,000 live cycles', async () => {
  const run = runChurnFixture();
  assert.equal(run.status, 0, `the churn fixture exited with ${run.status}:\n${run.stderr}`);
  const report = run.report;
  assert.ok(report !== undefined, `the fixture printed no report:\n${run.stderr}`);
  // const-30, param-30, const-1000, param-1000 (see the fixture).
  assert.deepEqual(run.loadStates, ['MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC']);
  assert.ok(report.optimized !== 0, 'could not tell optimised code from interpreted code');
  assert.deepEqual(
    report.checkpoints.map((c) => c.cycles),
    [30, 1000],
  );
  for (const checkpoint of report.checkpoints) {
    const at = `after ${checkpoint.cycles} cycles`;
    assert.ok(checkpoint.sameMapConst, `${at}: the module-level marker changed hidden class`);
    assert.ok(checkpoint.sameMapParam, `${at}: the parameter marker changed hidden class`);
    assert.ok(checkpoint.fastProto, `${at}: the marker's prototype fell into dictionary mode`);
    const optimized = (status: number): boolean => (status & report.optimized) === report.optimized;
    assert.ok(optimized(checkpoint.optimizedConst), `${at}: useConst did not optimise`);
    assert.ok(optimized(checkpoint.optimizedParam), `${at}: useParam did not optimise`);
    assert.ok(checkpoint.stateFastOff, `${at}: the off state is a dictionary-mode object`);
    assert.ok(checkpoint.stateFastOn, `${at}: the on state is a dictionary-mode object`);
    // Code that folded `fire` away depends on the chain: enabling throws it away.
    const [, constAfterEnable] = checkpoint.afterEnableConst;
    const [, paramAfterEnable] = checkpoint.afterEnableParam;
    assert.ok(
      !optimized(constAfterEnable ?? 0),
      `${at}: useConst survived enabling (generic load)`,
    );
    assert.ok(
      !optimized(paramAfterEnable ?? 0),
      `${at}: useParam survived enabling (generic load)`,
    );
    // And code optimised while enabled: disabling throws it away.
    for (const [name, [whileOn, afterOff]] of [
      ['useConst', checkpoint.enabledThenDisabledConst],
      ['useParam', checkpoint.enabledThenDisabledParam],
    ] as const) {
      assert.ok(optimized(whileOn ?? 0), `${at}: ${name} did not optimise while enabled`);
      assert.ok(
        !optimized(afterOff ?? 0),
        `${at}: ${name}, optimised while enabled, survived disabling (generic load)`,
      );
    }
  }
});
