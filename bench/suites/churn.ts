/**
 * Zero cost that survives an incident: a disabled marker after many
 * enable/disable cycles, with the hot loop running between the toggles as
 * in a live service (DESIGN.md: <= 0.1 ns after 30 and 1,000 cycles).
 *
 * Two call sites:
 *   - `m.fire?.(a, b, s)` on a module-level marker (a constant of the loop);
 *   - `use(m, a, b, s)`, a helper that receives the marker as a parameter and
 *     fires it: the load of `fire` is then judged by the helper's own inline
 *     cache, which sees every hidden class the marker ever had.
 * And diagnostics_channel after the same churn, side by side.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { connect, type Marker, marker } from '../../src/index.js';
import { defineSuite, type LoopCase, type PrepareContext } from '../harness/case.js';

const FORMAT = 'a %d b %f s %s';
const FIRE = 'm.fire?.(a, b, s);';
const FIRE_VIA = 'use(m, a, b, s);';

const noop = (): void => {};

/** Iterations of the hot loop before, between and after the toggles. */
function runBetween(cycles: number): number {
  return cycles <= 30 ? 200_000 : 20_000;
}

/** Connects and disconnects a probe `cycles` times, the loop running hot in every phase. */
async function churnMarker({ bindings, run }: PrepareContext, cycles: number): Promise<void> {
  const m = bindings.m as Marker;
  const between = runBetween(cycles);
  for (let cycle = 0; cycle < cycles; cycle++) {
    run(between);
    const probe = connect(m, noop);
    run(between);
    await probe.disconnect();
  }
  run(between);
}

/** A helper of its own per case, so its inline caches see only this case's marker. */
function helper(): (m: Marker<typeof FORMAT>, a: number, b: number, s: string) => void {
  return new Function('m', 'a', 'b', 's', "'use strict'; m.fire?.(a, b, s);") as (
    m: Marker<typeof FORMAT>,
    a: number,
    b: number,
    s: string,
  ) => void;
}

function markerCase(cycles: number, via: boolean): LoopCase {
  const where = via ? 'param' : 'const';
  return {
    kind: 'loop',
    name: `${where}-disabled-after-${cycles}-cycles`,
    title: `disabled after ${cycles} live cycles, ${via ? 'marker passed as a parameter' : 'module-level marker'}`,
    targetNs: 0.1,
    setup: () => ({
      m: marker(`bench:churn_${where}_${cycles}`, FORMAT),
      ...(via ? { use: helper() } : {}),
    }),
    prepare: (context) => churnMarker(context, cycles),
    body: via ? FIRE_VIA : FIRE,
  };
}

function channelCase(cycles: number): LoopCase {
  return {
    kind: 'loop',
    name: `dc-guarded-after-${cycles}-cycles`,
    title: `diagnostics_channel, hasSubscribers check, 0 subscribers after ${cycles} live cycles`,
    peer: true,
    setup: () => ({ ch: diagnosticsChannel.channel(`bench.dc.churn.${cycles}`) }),
    prepare({ bindings, run }) {
      const ch = bindings.ch as diagnosticsChannel.Channel;
      const between = runBetween(cycles);
      for (let cycle = 0; cycle < cycles; cycle++) {
        run(between);
        ch.subscribe(noop);
        run(between);
        ch.unsubscribe(noop);
      }
      run(between);
    },
    body: 'if (ch.hasSubscribers) ch.publish({ a, b, s });',
  };
}

export default defineSuite({
  description:
    'a disabled marker after 30 and 1,000 enable/disable cycles with the loop running hot between them',
  cases: [
    markerCase(30, false),
    markerCase(1000, false),
    markerCase(1, true),
    markerCase(30, true),
    markerCase(1000, true),
    channelCase(30),
    channelCase(1000),
  ],
});
