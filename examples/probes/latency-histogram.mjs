// A probe module: log2 latency histograms of the `ms` field of
// http:request_done and of every `*:*_end` marker that has one.
//
//   markers load -p PID examples/probes/latency-histogram.mjs
//   markers report -p PID latency-histogram
//   markers unload -p PID latency-histogram
//
// For one field's histogram, an aggregation is the better tool: no module to
// write or load, merged over every thread, quantiles within 1 % instead of a
// power-of-two bound, and nothing left behind when the CLI goes away:
//
//   markers hist -p PID http:request_done ms --by status
//   markers latency -p PID db:query_start          # x_start -> x_end pairs
//
// This module stays as an example of a probe module: per-thread state, a
// report(), init and cleanup, several patterns served by one probe.
//
// Bucket k counts values in [2^k, 2^(k+1)) ms, from 2^-4 ms (62.5 µs; smaller
// values land in the first bucket) up. Each probe call does a few
// arithmetic operations and one Map lookup, and allocates nothing once a
// marker's histogram exists.

const MIN_EXP = -4;
const MAX_EXP = 20; // 2^20 ms is about 17 minutes; longer lands in the last bucket.
const BUCKETS = MAX_EXP - MIN_EXP + 1;

/** name -> { msIndex, counts, count, sum, min, max, invalid } */
const histograms = new Map();

function histogramOf(marker) {
  let h = histograms.get(marker.name);
  if (h === undefined) {
    h = {
      msIndex: marker.fields.findIndex((f) => f.name === 'ms'),
      counts: new Float64Array(BUCKETS),
      count: 0,
      sum: 0,
      min: Number.POSITIVE_INFINITY,
      max: 0,
      invalid: 0,
    };
    histograms.set(marker.name, h);
  }
  return h;
}

function add(h, ms) {
  if (typeof ms !== 'number' || !(ms >= 0) || ms === Number.POSITIVE_INFINITY) {
    h.invalid++;
    return;
  }
  const exp = ms > 0 ? Math.floor(Math.log2(ms)) : MIN_EXP;
  const k = Math.min(Math.max(exp, MIN_EXP), MAX_EXP) - MIN_EXP;
  h.counts[k]++;
  h.count++;
  h.sum += ms;
  if (ms < h.min) h.min = ms;
  if (ms > h.max) h.max = ms;
}

function onEnd(marker) {
  const h = histogramOf(marker);
  if (h.msIndex < 0) return;
  // biome-ignore lint/complexity/noArguments: a rest parameter would allocate an array per call
  add(h, arguments[h.msIndex + 1]);
}

/** The upper bound of the bucket where the q-quantile falls: an estimate within 2x. */
function quantile(h, q) {
  const rank = Math.ceil(q * h.count);
  let seen = 0;
  for (let k = 0; k < BUCKETS; k++) {
    seen += h.counts[k];
    if (seen >= rank) return Math.min(2 ** (k + MIN_EXP + 1), h.max);
  }
  return h.max;
}

function summarize(name, h) {
  let first = BUCKETS;
  let last = -1;
  for (let k = 0; k < BUCKETS; k++) {
    if (h.counts[k] > 0) {
      first = Math.min(first, k);
      last = k;
    }
  }
  const buckets = [];
  for (let k = first; k <= last; k++) {
    buckets.push({ low: 2 ** (k + MIN_EXP), high: 2 ** (k + MIN_EXP + 1), count: h.counts[k] });
  }
  return {
    marker: name,
    unit: 'ms',
    count: h.count,
    invalid: h.invalid,
    min: h.count > 0 ? h.min : null,
    max: h.count > 0 ? h.max : null,
    mean: h.count > 0 ? h.sum / h.count : null,
    p50: h.count > 0 ? quantile(h, 0.5) : null,
    p90: h.count > 0 ? quantile(h, 0.9) : null,
    p99: h.count > 0 ? quantile(h, 0.99) : null,
    buckets,
  };
}

export default {
  name: 'latency-histogram',
  probes: {
    'http:request_done': onEnd,
    '*:*_end': onEnd,
  },
  init() {
    histograms.clear();
  },
  cleanup() {
    histograms.clear();
  },
  /** { histograms: [{ marker, unit, count, min, max, mean, p50, p90, p99, buckets: [{ low, high, count }] }] } */
  report() {
    const out = [];
    for (const [name, h] of histograms) if (h.msIndex >= 0) out.push(summarize(name, h));
    return { histograms: out };
  },
};
