/**
 * The core in call mode: what a marker costs at a call site while disabled
 * (never enabled, enabled and disabled again, another marker enabled) and
 * while probes are connected. Every marker has the format of the peers'
 * events: two numbers and a short string.
 */
import { connect, marker } from '../../src/index.js';
import { defineSuite } from '../harness/case.js';

const FORMAT = 'a %d b %f s %s';
const FIRE = 'm.fire?.(a, b, s);';

/** The cycles before `disabled-after-cycles` is measured. */
const CYCLES = 3;

export default defineSuite({
  description: 'markers in call mode: m.fire?.(a, b, s) with two numbers and a short string',
  cases: [
    {
      kind: 'loop',
      name: 'disabled-never-enabled',
      title: 'disabled, never enabled',
      targetNs: 0,
      setup: () => ({ m: marker('bench:never_enabled', FORMAT) }),
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'disabled-after-cycles',
      title: `disabled again after ${CYCLES} enable/disable cycles`,
      targetNs: 0,
      setup: () => ({ m: marker('bench:cycled', FORMAT) }),
      // The loop runs hot in every phase, so its feedback has seen the marker
      // both ways, as a call site in a long-lived process would.
      async prepare({ bindings, run }) {
        for (let cycle = 0; cycle < CYCLES; cycle++) {
          run(500_000);
          const probe = connect(bindings.m as ReturnType<typeof marker>, () => {});
          run(500_000);
          await probe.disconnect();
        }
        run(500_000);
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'disabled-other-enabled',
      title: 'disabled, while another marker is enabled',
      targetNs: 0,
      setup: () => ({
        m: marker('bench:quiet', FORMAT),
        other: marker('bench:busy', FORMAT),
      }),
      // The other marker is enabled once this loop is optimised, so a deopt
      // caused by it would show here.
      prepare({ bindings, run }) {
        run(2_000_000);
        connect(bindings.other as ReturnType<typeof marker>, () => {});
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'enabled-one-probe',
      title: 'enabled, one empty probe',
      targetNs: 5,
      setup: () => {
        const m = marker('bench:one_probe', FORMAT);
        connect(m, () => {});
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'enabled-ten-probes',
      title: 'enabled, ten empty probes',
      setup: () => {
        const m = marker('bench:ten_probes', FORMAT);
        // Ten distinct closures: connecting one function twice is refused.
        for (let i = 0; i < 10; i++) connect(m, () => {});
        return { m };
      },
      body: FIRE,
    },
  ],
});
