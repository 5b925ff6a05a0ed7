/**
 * Aggregations: what an enabled marker costs when it feeds an aggregate()
 * (count by one field, a histogram of one field, a where filter, latency
 * pairs), beside a probe doing the same work in plain JavaScript and beside
 * diagnostics_channel with a subscriber doing it. The marker's format is
 * `k %d b %f s %s` with k = a & 7 (eight groups), so every case has the same
 * arguments; the loop's own work is subtracted (harness/loop.ts).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { PerformanceObserver } from 'node:perf_hooks';
import { aggregate, connect, marker } from '../../src/index.js';
import { defineSuite } from '../harness/case.js';

const FORMAT = 'k %d b %f s %s';
const FIRE = 'm.fire?.(a & 7, b, s);';
const PUBLISH = 'if (ch.hasSubscribers) ch.publish({ k: a & 7, b, s });';

/** A plain-JavaScript count by one field: what one would write as a probe. */
function plainCounter(): { counts: Map<number, { n: number }>; count(k: number): void } {
  const counts = new Map<number, { n: number }>();
  return {
    counts,
    count(k: number) {
      let c = counts.get(k);
      if (c === undefined) {
        c = { n: 0 };
        counts.set(k, c);
      }
      c.n++;
    },
  };
}

/** A plain-JavaScript log2 histogram with count, sum, min and max, per key. */
function plainHistogram(): (k: number, v: number) => void {
  const groups = new Map<
    number,
    { n: number; sum: number; min: number; max: number; b: Float64Array }
  >();
  return (k, v) => {
    let g = groups.get(k);
    if (g === undefined) {
      g = {
        n: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        b: new Float64Array(2100),
      };
      groups.set(k, g);
    }
    g.n++;
    g.sum += v;
    if (v < g.min) g.min = v;
    if (v > g.max) g.max = v;
    const e = v > 0 ? Math.floor(Math.log2(v)) + 1075 : 0;
    g.b[e] = (g.b[e] as number) + 1;
  };
}

const noop = (): void => {};

async function minorGcs(fn: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === 1) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return count;
}

export default defineSuite({
  description:
    'aggregations: count by a field, histogram, where filter, latency pairs; peers doing the same',
  cases: [
    {
      kind: 'loop',
      name: 'agg-count-by',
      title: 'aggregate: count by one field (8 groups)',
      targetNs: 15,
      setup: async () => {
        const m = marker('bench:agg_count', FORMAT);
        await aggregate({ markers: 'bench:agg_count', by: ['k'] });
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'agg-count-by-plain-probe',
      title: 'peer: a plain-JS probe counting by the same field',
      peer: true,
      setup: () => {
        const m = marker('bench:agg_count_plain', FORMAT);
        const counter = plainCounter();
        connect(m, (_m, k) => counter.count(k as number));
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'agg-count-by-dc',
      title: 'peer: diagnostics_channel, a subscriber counting by the field',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench.agg.count');
        const counter = plainCounter();
        ch.subscribe((message) => counter.count((message as { k: number }).k));
        return { ch };
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'agg-hist',
      title: 'aggregate: log-linear histogram of one field, by one field',
      targetNs: 15,
      setup: async () => {
        const m = marker('bench:agg_hist', FORMAT);
        await aggregate({ markers: 'bench:agg_hist', by: ['k'], hist: 'b' });
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'agg-hist-plain-probe',
      title: 'peer: a plain-JS probe, log2 histogram with count/sum/min/max by field',
      peer: true,
      setup: () => {
        const m = marker('bench:agg_hist_plain', FORMAT);
        const add = plainHistogram();
        connect(m, (_m, k, b) => add(k as number, b as number));
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'agg-hist-dc',
      title: 'peer: diagnostics_channel, a subscriber with the same log2 histogram',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench.agg.hist');
        const add = plainHistogram();
        ch.subscribe((message) => {
          const { k, b } = message as { k: number; b: number };
          add(k, b);
        });
        return { ch };
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'agg-where',
      title: 'aggregate: count where \'k >= 4 && s ~ "GET*"\'',
      targetNs: 15,
      setup: async () => {
        const m = marker('bench:agg_where', FORMAT);
        await aggregate({ markers: 'bench:agg_where', where: 'k >= 4 && s ~ "GET*"' });
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'agg-where-plain-probe',
      title: 'peer: a plain-JS probe with the same filter and count',
      peer: true,
      setup: () => {
        const m = marker('bench:agg_where_plain', FORMAT);
        const box = { n: 0 };
        connect(m, (_m, k, _b, s) => {
          if ((k as number) >= 4 && (s as string).startsWith('GET')) box.n++;
        });
        return { m };
      },
      body: FIRE,
    },
    {
      kind: 'loop',
      name: 'agg-latency-pairs',
      title: 'aggregate: latency, x_start/x_end paired by nesting (per pair, 2 clock reads)',
      setup: async () => {
        const start = marker('bench:op_start', 'k %d');
        const end = marker('bench:op_end', 'k %d');
        await aggregate({ markers: 'bench:op_start', latency: {} });
        return { st: start, en: end };
      },
      body: 'st.fire?.(a); en.fire?.(a);',
    },
    {
      kind: 'loop',
      name: 'agg-latency-clock-floor',
      title: 'floor: two performance.now() calls and a subtraction',
      peer: true,
      setup: () => ({ now: performance.now.bind(performance), box: { d: 0 } }),
      body: 'const t0 = now(); box.d += now() - t0;',
    },
    {
      kind: 'loop',
      name: 'agg-latency-plain-probe',
      title: 'peer: plain-JS probes pairing by nesting, log2 histogram',
      peer: true,
      setup: () => {
        const start = marker('bench:plain_start', 'k %d');
        const end = marker('bench:plain_end', 'k %d');
        const stack: number[] = [];
        const add = plainHistogram();
        connect(start, () => {
          stack.push(performance.now());
        });
        connect(end, () => {
          const t = stack.pop();
          if (t !== undefined) add(0, performance.now() - t);
        });
        return { st: start, en: end };
      },
      body: 'st.fire?.(a); en.fire?.(a);',
    },
    {
      kind: 'loop',
      name: 'agg-latency-dc',
      title: 'peer: diagnostics_channel start/end channels pairing by nesting',
      peer: true,
      setup: () => {
        const cs = diagnosticsChannel.channel('bench.agg.start');
        const ce = diagnosticsChannel.channel('bench.agg.end');
        const stack: number[] = [];
        const add = plainHistogram();
        cs.subscribe(() => {
          stack.push(performance.now());
        });
        ce.subscribe(() => {
          const t = stack.pop();
          if (t !== undefined) add(0, performance.now() - t);
        });
        return { cs, ce };
      },
      body: 'if (cs.hasSubscribers) cs.publish({ k: a }); if (ce.hasSubscribers) ce.publish({ k: a });',
    },
    {
      kind: 'custom',
      name: 'agg-allocation',
      title:
        'aggregate: minor GCs per 10 M events (count by field, histogram; empty probe as floor)',
      async measure({ quick }) {
        const n = quick ? 1_000_000 : 10_000_000;
        const counted = marker('bench:alloc_count', FORMAT);
        const hist = marker('bench:alloc_hist', FORMAT);
        const floor = marker('bench:alloc_floor', FORMAT);
        await aggregate({ markers: 'bench:alloc_count', by: ['k'] });
        await aggregate({ markers: 'bench:alloc_hist', by: ['k'], hist: 'b' });
        connect(floor, noop);
        const strings = ['GET /', 'POST /x'];
        const run = (m: typeof counted) => () => {
          for (let i = 0; i < n; i++) m.fire?.(i & 7, i * 0.37, strings[i & 1] as string);
        };
        const scale = 10_000_000 / n;
        return [
          {
            name: 'count by field, minor GCs per 10M',
            value: (await minorGcs(run(counted))) * scale,
            unit: 'gcs',
          },
          {
            name: 'histogram, minor GCs per 10M',
            value: (await minorGcs(run(hist))) * scale,
            unit: 'gcs',
          },
          {
            name: 'empty probe, minor GCs per 10M',
            value: (await minorGcs(run(floor))) * scale,
            unit: 'gcs',
          },
        ];
      },
    },
  ],
});
