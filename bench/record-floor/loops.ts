/**
 * The loops `instructions.ts` counts, one per process: `record` fires the
 * marker of suite record's `record-2num-short-ascii` into a recording in
 * overwrite mode, `floor` is that suite's `floor-ring-write`. Same hot loop
 * as bench/harness/loop.ts. Usage (bundled by instructions.ts): LOOP N.
 */
import { marker } from '../../src/index.js';
import { RecordingConsumer } from '../../src/record/consumer/consumer.js';
import { compileLoop } from '../harness/loop.js';

const which = process.argv[2];
const n = Number(process.argv[3]);
const m = marker('bench:rec_short', 'a %d b %f s %s');
if (which === 'record') {
  await RecordingConsumer.start(
    { markers: 'bench:rec_short', mode: 'overwrite' },
    { packet() {}, finish() {} },
  );
}
const bytes = new Uint8Array(1 << 16);
const bindings = {
  m,
  now: performance.now.bind(performance),
  dv: new DataView(bytes.buffer),
  u8: bytes,
  st: { p: 0 },
  LIMIT: (1 << 16) - 256,
};
const bodies: Record<string, string> = {
  record: 'm.fire?.(a, b, s);',
  // The body of suite record's floor-ring-write.
  floor: `{
    let p = st.p;
    if (p > LIMIT) p = 0;
    const t = now() * 1e6;
    dv.setUint16(p, 1, true);
    dv.setUint32(p + 2, t >>> 0, true);
    dv.setUint32(p + 6, (t * 2.3283064365386963e-10) >>> 0, true);
    dv.setInt32(p + 10, a, true);
    dv.setInt32(p + 14, a >> 31, true);
    dv.setFloat64(p + 18, b, true);
    p += 26;
    for (let i = 0; i < s.length; i++) u8[p++] = s.charCodeAt(i);
    u8[p++] = 0;
    st.p = p;
  }`,
};
const body = bodies[which as string];
if (body === undefined || !Number.isInteger(n)) throw new Error('usage: loops record|floor N');
const loop = compileLoop(which as string, bindings, body);
let sink = 0;
for (let i = 0; i < 300; i++) sink += loop(1000);
for (let i = 0; i < 30; i++) sink += loop(10_000);
sink += loop(n);
if (sink === 0.5) process.stdout.write('\n'); // keeps `sink` observable
process.exit(0);
