// One pairing rule (src/pairing/rule.ts) for the trace converters and for
// `markers latency`: the same event sequences, fed to the converters'
// SlicePairer and to a live latency aggregation (the clock scripted so that
// both see the same times), pair the same starts with the same ends. Each
// scenario is one of the rule's cases; the durations, their count, and what
// is left pending or unmatched must agree exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, type MarkerOptions, marker } from '../src/index.js';
import type { PairSide } from '../src/pairing/rule.js';
import { type Fields, SlicePairer } from '../src/trace/convert/pairing.js';

type Step = readonly ['s' | 'e', number, ...unknown[]];

interface Scenario {
  readonly title: string;
  readonly start: readonly [string, MarkerOptions?];
  readonly end: readonly [string, MarkerOptions?];
  /** [s|e, time in ms, ...field values] */
  readonly steps: readonly Step[];
  /** What the rule says, checked on both sides. */
  readonly expect: { durations: number[]; pending: number; unmatchedEnds: number };
}

const SCENARIOS: Scenario[] = [
  {
    title:
      'a declared key (not id or key): ends first-in first-out, a stray end, an abandoned start',
    start: ['reqId %d path %s', { key: 'reqId' }],
    end: ['reqId %d status %d', { key: 'reqId' }],
    steps: [
      ['s', 0, 1, '/a'],
      ['s', 1, 2, '/b'],
      ['s', 2, 3, '/c'],
      ['e', 10, 1, 200],
      ['e', 12, 9, 500],
      ['e', 15, 2, 200],
    ],
    expect: { durations: [10, 14], pending: 1, unmatchedEnds: 1 },
  },
  {
    title: 'each side its own declared key field',
    start: ['a %d', { key: 'a' }],
    end: ['b %d', { key: 'b' }],
    steps: [
      ['s', 0, 7],
      ['s', 1, 8],
      ['e', 5, 7],
      ['e', 9, 8],
    ],
    expect: { durations: [5, 8], pending: 0, unmatchedEnds: 0 },
  },
  {
    title: 'an id field, undeclared, pairs by value',
    start: ['id %d'],
    end: ['id %d ok %b'],
    steps: [
      ['s', 0, 1],
      ['s', 3, 2],
      ['e', 4, 1, true],
      ['e', 20, 2, false],
    ],
    expect: { durations: [4, 17], pending: 0, unmatchedEnds: 0 },
  },
  {
    title: 'no key field: nesting, the innermost start takes the next end',
    start: ['path %s'],
    end: ['status %d'],
    steps: [
      ['s', 0, '/outer'],
      ['s', 2, '/inner'],
      ['e', 5, 200],
      ['e', 9, 200],
      ['e', 11, 200],
    ],
    expect: { durations: [3, 9], pending: 0, unmatchedEnds: 1 },
  },
  {
    title:
      'a timed end (ms %f error %s): its ms is the latency, the start nearest end - ms is its slice',
    start: ['method %s url %s'],
    end: ['method %s url %s status %d ms %f error %s'],
    steps: [
      ['s', 0, 'GET', '/a'],
      ['s', 1, 'GET', '/a'],
      ['e', 3, 'GET', '/a', 200, 3, ''],
      ['e', 4, 'GET', '/a', 500, 3, 'boom'],
    ],
    expect: { durations: [3, 3], pending: 0, unmatchedEnds: 0 },
  },
  {
    title: 'a keyed start is never closed by an end without a key',
    start: ['id %d'],
    end: ['status %d'],
    steps: [
      ['s', 0, 1],
      ['e', 4, 200],
    ],
    expect: { durations: [], pending: 1, unmatchedEnds: 1 },
  },
  {
    title: 'an end with a key never closes a start without one',
    start: ['path %s'],
    end: ['key %s'],
    steps: [
      ['s', 0, '/x'],
      ['e', 4, '/x'],
    ],
    expect: { durations: [], pending: 1, unmatchedEnds: 1 },
  },
];

function fieldsOf(side: PairSide, values: readonly unknown[]): Fields {
  return Object.fromEntries(side.fields.map((f, i) => [f.name, values[i]])) as Fields;
}

/** The converters' side: durations of the slices SlicePairer closes. */
function convert(s: Scenario, start: PairSide, end: PairSide) {
  const pairer = new SlicePairer<number>();
  const durations: number[] = [];
  let open = 0;
  let unmatchedEnds = 0;
  for (const [kind, t, ...values] of s.steps) {
    const ts = BigInt(t) * 1_000_000n;
    if (kind === 's') {
      pairer.open('p:op', ts, fieldsOf(start, values), start, t);
      open++;
    } else {
      const found = pairer.close('p:op', ts, fieldsOf(end, values), end);
      if (found === undefined) unmatchedEnds++;
      else {
        durations.push(t - found.value);
        open--;
      }
    }
  }
  return { durations: durations.sort((a, b) => a - b), pending: open, unmatchedEnds };
}

let scenario = 0;
for (const s of SCENARIOS) {
  test(`same pairing in a trace and in markers latency: ${s.title}`, async () => {
    const provider = `pairrule${scenario++}`;
    const start = marker(`${provider}:op_start`, s.start[0], s.start[1]);
    const end = marker(`${provider}:op_end`, s.end[0], s.end[1]);
    const startSide = { fields: start.fields, key: s.start[1]?.key };
    const endSide = { fields: end.fields, key: s.end[1]?.key };
    const traced = convert(s, startSide, endSide);
    assert.deepEqual(traced, s.expect, 'the converters');

    const real = performance.now.bind(performance);
    let now = 0;
    const a = await aggregate({ markers: `${provider}:op_start`, latency: {} });
    performance.now = () => now;
    try {
      for (const [kind, t, ...values] of s.steps) {
        now = t;
        const fire = (kind === 's' ? start.fire : end.fire) as (...args: unknown[]) => void;
        fire(...values);
      }
    } finally {
      performance.now = real;
    }
    const r = await a.stop();
    const g = r.groups[0];
    const d = s.expect.durations;
    assert.equal(g?.count ?? 0, d.length, 'pairs');
    if (d.length > 0) {
      assert.equal(
        g?.sum,
        d.reduce((x, y) => x + y, 0),
      );
      assert.equal(g?.min, d[0]);
      assert.equal(g?.max, d[d.length - 1]);
    }
    assert.deepEqual(r.latency, {
      pending: s.expect.pending,
      evicted: 0,
      unmatchedEnds: s.expect.unmatchedEnds,
    });
  });
}
