/**
 * Record mode: what an enabled marker costs when it writes an event into its
 * thread's ring buffer, timestamp included, against the peers that also
 * produce a record of the call (JSON.stringify, pino to /dev/null,
 * diagnostics_channel with one subscriber); and sustained recording with the
 * consumer worker writing to disk.
 *
 * The per-event cases record in overwrite mode, so every event takes the
 * full write path however long the loop runs (in discard mode a loop faster
 * than the disk would measure the drop path once the buffer is full).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { marker, record } from '../../src/index.js';
import { RecordingConsumer } from '../../src/record/consumer/consumer.js';
import type { PacketSink } from '../../src/trace/writer.js';
import { defineSuite, type Metric } from '../harness/case.js';

const FORMAT = 'a %d b %f s %s';
// A flat string literal: 100 characters, most of them outside ASCII.
const NON_ASCII =
  'ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ünïcödé ✓ ';

/** A sink that keeps nothing: the per-event cases never drain (overwrite mode). */
const nullSink: PacketSink = { packet() {}, finish() {} };

async function recording(pattern: string): Promise<void> {
  await RecordingConsumer.start({ markers: pattern, mode: 'overwrite' }, nullSink);
}

function tmp(): string {
  return join(mkdtempSync(join(tmpdir(), 'markers-bench-')), 'trace');
}

/** Minor GCs while `fn` runs: a per-event allocation shows as GCs. */
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
    'record mode: an event into the ring buffer, with its timestamp; peers that keep a record',
  cases: [
    {
      kind: 'loop',
      name: 'record-2num-short-ascii',
      title: 'record: two numbers and a short ASCII string, with timestamp',
      targetNs: 50,
      setup: async () => {
        const m = marker('bench:rec_short', FORMAT);
        await recording('bench:rec_short');
        return { m };
      },
      body: 'm.fire?.(a, b, s);',
    },
    {
      kind: 'loop',
      name: 'record-2num-100-non-ascii',
      title: 'record: two numbers and a 100-char non-ASCII string',
      setup: async () => {
        const m = marker('bench:rec_long', FORMAT);
        await recording('bench:rec_long');
        return { m, u: NON_ASCII };
      },
      body: 'm.fire?.(a, b, u);',
    },
    {
      kind: 'loop',
      name: 'record-no-args',
      title: 'record: no arguments',
      setup: async () => {
        const m = marker('bench:rec_none');
        await recording('bench:rec_none');
        return { m };
      },
      body: 'm.fire?.();',
    },
    {
      kind: 'loop',
      name: 'floor-ring-write',
      title: 'floor: the same event written by hand into a byte array, with performance.now()',
      peer: true,
      // What record-2num-short-ascii cannot go below (DESIGN: "<= 10 ns over a
      // bare ring write plus performance.now()"): the same 26-byte header and
      // fields and the ASCII string, no reserve, no clamp, no packet logic.
      setup: () => {
        const bytes = new Uint8Array(1 << 16);
        return {
          now: performance.now.bind(performance),
          dv: new DataView(bytes.buffer),
          u8: bytes,
          st: { p: 0 },
          LIMIT: (1 << 16) - 256,
        };
      },
      body: `{
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
    },
    {
      kind: 'loop',
      name: 'clock-alone',
      title: 'reference: the clock alone (bound performance.now)',
      peer: true,
      setup: () => ({ now: performance.now.bind(performance), box: { t: 0 } }),
      body: 'box.t = now();',
    },
    {
      kind: 'loop',
      name: 'json-stringify-push',
      title: 'JSON.stringify of the event into a ring of strings',
      peer: true,
      setup: () => ({ ring: new Array<string>(1024).fill(''), box: { i: 0 } }),
      body: 'ring[box.i++ & 1023] = JSON.stringify({ t: Date.now(), a, b, s });',
    },
    {
      kind: 'loop',
      name: 'pino-dev-null',
      title: 'pino to /dev/null (sync): log.info({ a, b }, s)',
      peer: true,
      setup: () => ({
        log: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })),
      }),
      body: 'log.info({ a, b }, s);',
    },
    {
      kind: 'loop',
      name: 'dc-1-subscriber-record',
      title: 'diagnostics_channel, 1 subscriber',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench.dc.record');
        ch.subscribe(() => {});
        return { ch };
      },
      body: 'if (ch.hasSubscribers) ch.publish({ a, b, s });',
    },
    {
      kind: 'custom',
      name: 'record-allocation',
      title: 'record: minor GCs per 10 M events (recorder vs the clock alone)',
      async measure({ quick }) {
        const n = quick ? 1_000_000 : 10_000_000;
        const m = marker('bench:rec_alloc', FORMAT);
        await recording('bench:rec_alloc');
        const now = performance.now.bind(performance);
        const box = { t: 0 };
        const withRecorder = await minorGcs(() => {
          for (let i = 0; i < n; i++) m.fire?.(i, i * 0.5, 'GET');
        });
        const clockOnly = await minorGcs(() => {
          for (let i = 0; i < n; i++) box.t = now();
        });
        const scale = 10_000_000 / n;
        return [
          { name: 'recorder, minor GCs per 10M', value: withRecorder * scale, unit: 'gcs' },
          { name: 'clock alone, minor GCs per 10M', value: clockOnly * scale, unit: 'gcs' },
        ];
      },
    },
    {
      kind: 'custom',
      name: 'record-sustained',
      title: 'record(): one thread firing flat out, consumer worker writing to disk',
      async measure({ quick }) {
        const m = marker('bench:sustained', FORMAT);
        const rec = await record({ markers: 'bench:sustained', output: tmp() });
        const ms = quick ? 300 : 2000;
        let fired = 0;
        const start = performance.now();
        while (performance.now() - start < ms) {
          for (let i = 0; i < 10_000; i++) m.fire?.(i, i * 0.5, 'GET');
          fired += 10_000;
        }
        const elapsed = (performance.now() - start) / 1000;
        const stats = await rec.stop();
        const metrics: Metric[] = [
          {
            name: 'recorded events/s',
            value: stats.recorded / elapsed,
            unit: 'ev/s',
            target: { value: 10_000_000, better: 'higher' },
          },
          { name: 'fired events/s', value: fired / elapsed, unit: 'ev/s' },
          { name: 'discarded', value: stats.discarded, unit: 'events' },
          { name: 'MB written', value: stats.bytes / 1e6, unit: 'MB' },
        ];
        return metrics;
      },
    },
    {
      kind: 'custom',
      name: 'record-paced-1m',
      title: 'record(): 1 M events/s for 2 s with default buffers',
      async measure({ quick }) {
        const m = marker('bench:paced', FORMAT);
        const rec = await record({ markers: 'bench:paced', output: tmp() });
        const seconds = quick ? 0.3 : 2;
        const start = performance.now();
        let fired = 0;
        // 1000 events per millisecond, busy-waiting between bursts.
        for (let tick = 1; tick <= seconds * 1000; tick++) {
          for (let i = 0; i < 1000; i++) m.fire?.(i, i * 0.5, 'GET');
          fired += 1000;
          while (performance.now() - start < tick);
        }
        const stats = await rec.stop();
        return [
          { name: 'fired', value: fired, unit: 'events' },
          { name: 'recorded', value: stats.recorded, unit: 'events' },
          {
            name: 'discarded',
            value: stats.discarded,
            unit: 'events',
            target: { value: 0, better: 'lower' },
          },
        ];
      },
    },
  ],
});
