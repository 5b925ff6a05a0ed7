// An example probe module: a log2 latency histogram of http:request_done, per path.
// Load it into the running demo service with `markers load examples/demo/latency-probe.mjs`,
// read it with `markers report latency`, remove it with `markers unload latency`.

const BUCKETS = 16; // <= 0.125 ms ... <= 4096 ms
let counts = new Array(BUCKETS).fill(0);
let total = 0;
let sum = 0;
let max = 0;
const byPath = new Map();

function bucketOf(ms) {
  // log2 buckets from 1/8 ms: bucket i holds ms <= 2^(i-3).
  const i = Math.ceil(Math.log2(Math.max(ms, 0.125))) + 3;
  return Math.min(Math.max(i, 0), BUCKETS - 1);
}

export default {
  name: 'latency',
  probes: {
    'http:request_done': {
      format: 'id %u method %s path %s status %d ms %f',
      probe(_marker, _id, _method, path, _status, ms) {
        counts[bucketOf(ms)]++;
        total++;
        sum += ms;
        if (ms > max) max = ms;
        byPath.set(path, (byPath.get(path) ?? 0) + 1);
      },
    },
  },
  init() {
    counts = new Array(BUCKETS).fill(0);
  },
  report() {
    const last = counts.findLastIndex((c) => c > 0);
    return {
      requests: total,
      meanMs: total === 0 ? 0 : Number((sum / total).toFixed(3)),
      maxMs: Number(max.toFixed(3)),
      byPath: Object.fromEntries(byPath),
      buckets: counts.slice(0, Math.max(last + 1, 1)).map((count, i) => ({
        label: `<= ${2 ** (i - 3)} ms`,
        count,
      })),
    };
  },
};
