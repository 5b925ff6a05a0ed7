// Part of bench/record-cost/record-cost.ts: what `fire` of the service's own
// markers costs in record mode (a recording into a sink that keeps nothing,
// overwrite mode so every event takes the full write path), against the same
// loop without the call. Prints one JSON line: { requestNs, responseNs, stepNs }.
// Run under tsx (record-cost.ts does): the consumer is an internal module, not an entry of dist/.

import { marker } from '../../src/index.ts';
import { RecordingConsumer } from '../../src/record/consumer/consumer.ts';

const request = marker('app:request', 'method %s url %s');
const response = marker('app:response', 'status %d bytes %d');
const step = marker('app:step', 'step %d of %d');
await RecordingConsumer.start(
  { markers: 'app:*', mode: 'overwrite' },
  { packet() {}, finish() {} },
);
const N = 2_000_000;
const urls = ['/items?x=1', '/items?x=2', '/a', '/items/42'];
let sink = 0;
function base() {
  const t = performance.now();
  for (let i = 0; i < N; i++) sink += urls[i & 3].length;
  return performance.now() - t;
}
function withRequest() {
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    sink += urls[i & 3].length;
    request.fire?.('GET', urls[i & 3]);
  }
  return performance.now() - t;
}
function withResponse() {
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    sink += urls[i & 3].length;
    response.fire?.(200, i & 1023);
  }
  return performance.now() - t;
}
function withStep() {
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    sink += urls[i & 3].length;
    step.fire?.(i & 31, 32);
  }
  return performance.now() - t;
}
const d1 = [];
const d2 = [];
const d3 = [];
for (let round = 0; round < 15; round++) {
  const b0 = base();
  const r = withRequest();
  const s = withResponse();
  const p = withStep();
  const b1 = base();
  const b = (b0 + b1) / 2;
  if (round >= 3) {
    d1.push(((r - b) / N) * 1e6);
    d2.push(((s - b) / N) * 1e6);
    d3.push(((p - b) / N) * 1e6);
  }
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(
  `${JSON.stringify({ requestNs: median(d1), responseNs: median(d2), stepNs: median(d3), sink: sink > 0 })}\n`,
);
process.exit(0);
